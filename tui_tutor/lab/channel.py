"""One SSH session channel: a student's terminal joined to their own tutor.

Bytes pass unchanged both ways (the channel is binary); the client's pty
request gives the terminal type and size, window changes resize the tutor's
pty; every size is clamped to what a screen can show (``terminal.clamp_size``), since a
tutor keeps a buffer per cell. Only an interactive shell with a pty is served: exec requests and
subsystems (sftp) are refused, a session without a pty is told why and closed.
When the tutor ends badly, or the lab ends it (idle, shutdown), the client's
terminal is put back in order (``RESET``) and told in one line.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import time
from typing import TYPE_CHECKING

import asyncssh

from .escape import shown
from .gather import Gather
from .live_state import LiveLink
from .session import TutorProcess
from .terminal import clamp_size, duration, last_line

if TYPE_CHECKING:
    from .server import LabConnection

# Mouse reporting off, bracketed paste and focus events off, kitty keyboard off,
# main screen, cursor visible, line wrap on, colours and styles reset.
RESET = (b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l\x1b[?2004l\x1b[?2048l"
         b"\x1b[?1004l\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?7h\x1b[0m\r\n")
NO_PTY = "tui-tutor lab: this server only runs the tutor, which needs a terminal: log in with `ssh -t`."
FULL = "tui-tutor lab: the lab is full ({n} sessions); please try again in a few minutes."
NOT_STARTED = "tui-tutor lab: the tutor could not be started; please tell your teacher."
CRASHED = ("tui-tutor lab: the tutor stopped unexpectedly ({why}); what you had saved is kept. "
           "Please log in again.")
IDLE = "tui-tutor lab: closed after {minutes} without a key pressed; your progress is saved. Log in again to go on."
SHUTDOWN = "tui-tutor lab: the lab is closing; your progress is saved. Goodbye!"
UNKNOWN = "ended (exit status unknown)"
_QUIT_CODES = {0, 130, -signal.SIGINT}  # the learner quit (or pressed Ctrl+C before the app took the keys)
OPEN_TUTOR = 75  # the board's exit status for "open my own tutor" (see screens.board)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


class LabSession(asyncssh.SSHServerSession):
    """The server side of one session channel."""

    def __init__(self, owner: LabConnection) -> None:
        self.owner, self.lab = owner, owner.lab
        self.chan: asyncssh.SSHServerChannel | None = None
        self.term: str | None = None
        self.size = (80, 24, 0, 0)
        self.tutor: TutorProcess | None = None
        self.started = self.last_input = time.monotonic()
        self.end_reason: str | None = None  # why the lab ended it: dropped, eof, idle, shutdown
        self._end_how: tuple[int, float | None] = (signal.SIGHUP, None)
        self._early = bytearray()  # keys typed before the tutor was started
        self.task: asyncio.Task | None = None
        self._open = True
        self.live: LiveLink | None = None  # a student's tutor's live state (None: an instructor's board)
        self.viewers: list = []  # instructors' boards looking over this student's shoulder
        self._gather = Gather(self._send)  # the tutor's output, in whole frames

    def add_viewer(self, viewer) -> None:
        self.viewers.append(viewer)
        if self.live is not None:
            self.live.send(op="viewing", on=True)
            self.live.send(op="repaint")

    def remove_viewer(self, viewer) -> None:
        if viewer in self.viewers:
            self.viewers.remove(viewer)
            if not self.viewers and self.live is not None:
                self.live.send(op="viewing", on=False)

    def _output(self, data: bytes) -> None:
        self._gather.add(data)

    def _send(self, data: bytes) -> None:
        self._write_now(data)
        for viewer in list(self.viewers):  # read-only: nothing comes back from a viewer to this tutor
            viewer(data)

    # What the client asks for

    def connection_made(self, chan) -> None:
        self.chan = chan

    def pty_requested(self, term_type, term_size, term_modes) -> bool:
        self.term = term_type or "xterm-256color"
        width, height, xpixels, ypixels = term_size
        self.size = clamp_size(width or 80, height or 24, xpixels, ypixels)  # 0: the client does not know
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.lab.refused(self.owner, f"exec request ('{shown(command, 60)}')")
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        self.lab.refused(self.owner, f"subsystem request ({shown(subsystem, 30)})")
        return False

    def session_started(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.run())

    def data_received(self, data: bytes, datatype) -> None:
        self.last_input = time.monotonic()
        if self.tutor is not None:
            self.tutor.write(data)
        elif len(self._early) < 4096:
            self._early += data

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = clamp_size(width, height, pixwidth, pixheight)
        if self.tutor is not None:
            self.tutor.resize(*self.size)

    def eof_received(self) -> bool:
        self.end("eof")  # nothing more can be typed
        return True

    def break_received(self, msec: int) -> bool:
        return False

    def pause_writing(self) -> None:
        if self.tutor is not None:
            self.tutor.pause_output()

    def resume_writing(self) -> None:
        if self.tutor is not None:
            self.tutor.resume_output()

    def connection_lost(self, exc) -> None:
        self._open = False
        self._gather.drop()
        self.owner.channels.discard(self)
        self.end("dropped")

    # Running the tutor

    def _write(self, data: bytes) -> None:
        self._gather.flush()  # what the tutor wrote goes first
        self._write_now(data)

    def _write_now(self, data: bytes) -> None:
        if self._open and self.chan is not None:
            try:
                self.chan.write(data)
            except (BrokenPipeError, ConnectionError, OSError):
                self._open = False

    def _say(self, message: str, reset: bool = False) -> None:
        self._write((RESET if reset else b"") + message.encode() + b"\r\n")

    def _exit(self, status: int) -> None:
        self._gather.flush()
        if self._open and self.chan is not None:
            try:
                self.chan.exit(status)
            except (BrokenPipeError, ConnectionError, OSError):
                pass
            self._open = False

    def end(self, reason: str, first: int = signal.SIGHUP, grace: float | None = None) -> None:
        """Ends the tutor, if running, for ``reason``; ``run`` then finishes the session."""
        if self.end_reason is None:
            self.end_reason, self._end_how = reason, (first, grace)
        first, grace = self._end_how
        if self.tutor is not None and self.tutor.running and not self.tutor.stopping:
            asyncio.get_running_loop().create_task(
                self.tutor.stop(grace if grace is not None else self.lab.config.stop_grace, first))

    async def run(self) -> None:
        if self.term is None:
            self._say(NO_PTY)
            self.lab.refused(self.owner, "session without a pty")
            return self._exit(1)
        if self.lab.closing:
            self._say(SHUTDOWN)
            return self._exit(1)
        if not self.lab.take_slot(self):
            self._say(FULL.format(n=self.lab.config.max_sessions))
            self.lab.refused(self.owner, f"lab full ({self.lab.config.max_sessions} sessions)")
            return self._exit(1)
        try:
            board = self.owner.role == "instructor"
            while await self._serve(board) == "switch":  # an instructor's own tutor, and back to the board
                board = not board
        finally:
            self.lab.release_slot(self)

    async def _serve(self, board: bool = False) -> str | None:
        """Runs the tutor (or an instructor's board) to its end; "switch" when an instructor goes from
        one to the other."""
        owner, lab = self.owner, self.lab
        if self.end_reason is not None:  # the client has gone already
            return None
        env = lab.tutor_env(self.term, dict(self.chan.get_environment()))
        argv = [*lab.config.tutor_command, "--data-dir", str(lab.config.data_dir), "--user", owner.name, "--lab"]
        theirs, self.live = None, None
        if board:  # the class board, fed through a socket pair made for it
            ours, theirs = socket.socketpair()
            argv = [sys.executable, "-m", "tui_tutor.screens.board", "--lab"]
            lab.feed.attach(ours, owner.name)
        elif owner.role != "instructor":  # a student's tutor reports to the board; an instructor's does not
            self.live = LiveLink()
            theirs = self.live.tutor_end
        try:
            self.tutor = TutorProcess(argv, env, self.size, self._output, lab.zygote, lab.limits,
                                      theirs.fileno() if theirs is not None else None)
            await self.tutor.start()
        except OSError as e:
            if theirs is not None:
                theirs.close()
            if self.live is not None:
                self.live.close()
            if lab.closing:  # it was waiting for the zygote when the lab began to stop
                self._say(SHUTDOWN)
                return self._exit(1)
            lab.log(f"error user={owner.name} from={owner.addr} could not start the tutor: {e}")
            self._say(NOT_STARTED)
            return self._exit(1)
        if theirs is not None:
            theirs.close()  # the tutor has its own copy
        if self.end_reason is not None:  # the client left, or the lab began to close, while it started
            self.end(self.end_reason)
        self.tutor.write(bytes(self._early))
        self._early.clear()
        if self.tutor.fallback:
            lab.log(f"warning: the zygote could not start a tutor ({self.tutor.fallback}); spawned one instead")
        lab.log(f"start user={owner.name} from={owner.addr} pid={self.tutor.pid} term={env['TERM']} "
                f"size={self.size[0]}x{self.size[1]} via={self.tutor.via}"
                f"{' board' if board else ''}")
        try:
            code = await self.tutor.wait()
        finally:
            if self.live is not None:
                self.live.close()
        reason = self.end_reason
        if reason is None and owner.role == "instructor" and (code == OPEN_TUTOR if board else code in _QUIT_CODES):
            lab.log(f"switch user={owner.name} to={'tutor' if board else 'board'}")
            return "switch"
        if reason is None and code is None:  # it outlived the zygote, which alone could have told
            reason = UNKNOWN
        elif reason is None and code in _QUIT_CODES:
            reason = "quit"
        elif reason is None:
            why = f"exit status {code}" if code >= 0 else f"signal {_signal_name(-code)}"
            reason = f"crash ({why})"
            lab.log(f"crash user={owner.name} from={owner.addr} pid={self.tutor.pid} {why} "
                    f"last output: '{last_line(bytes(self.tutor.tail))}'")
            self._say(CRASHED.format(why=why), reset=True)
        elif reason == "idle":
            minutes = lab.config.idle_timeout / 60
            self._say(IDLE.format(minutes=f"{minutes:g} minute{'s' if minutes != 1 else ''}"), reset=True)
        elif reason == "shutdown":
            self._say(SHUTDOWN, reset=True)
        lab.log(f"end user={owner.name} from={owner.addr} pid={self.tutor.pid} "
                f"after={duration(time.monotonic() - self.started)} why={reason}")
        self._exit(0 if reason in ("quit", UNKNOWN) else 1)
        return None
