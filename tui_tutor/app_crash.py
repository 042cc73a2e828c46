"""An unexpected error in the tutor. At home Textual shows its traceback; in the lab that would show the
student the server's paths and what its variables hold, so the student gets one line and the instructor
the traceback in a file of the data folder (``keep_crash_report``)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

CRASH_LINE = "The tutor stopped unexpectedly; what you saved is kept."
CRASH_FOLDER = "crashes"  # in the data folder, beside the progress database
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class CrashReports:
    """The tutor app's handling of an error it did not expect; mixed into ``TutorApp`` before Textual's
    ``App``, whose handlers it replaces where the session may not show a traceback."""

    _crash_line: str | None = None  # what the learner is told, once an error was kept

    def _handle_exception(self, error: Exception) -> None:
        if self.session.capabilities.tracebacks:
            super()._handle_exception(error)
            return
        self._return_code = 1
        if self._exception is None:  # what Textual's test pilot re-raises
            self._exception = error
            self._exception_event.set()
        if self._crash_line is None:  # the first error is the one that matters; the rest follow from it
            where = keep_crash_report(error, self._crash_folder(), self.session.user)
            self._crash_line = CRASH_LINE + (f" (report {CRASH_FOLDER}/{where.name})" if where else "")
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        if self.session.capabilities.tracebacks:
            super()._print_error_renderables()
            return
        if self._crash_line is not None or self._exit_renderables:  # an error, or a panic's message
            self.error_console.print(self._crash_line or CRASH_LINE, markup=False, highlight=False, soft_wrap=True)
        self._exit_renderables.clear()

    def _crash_folder(self) -> Path | None:
        path = getattr(getattr(self.session, "_store", None), "path", None)  # the progress database
        return Path(path).parent / CRASH_FOLDER if path else None


def keep_crash_report(error: BaseException, folder: Path | None, user: str) -> Path | None:
    """Write the traceback of ``error``, with its local variables, to ``folder``/USER-TIME-PID.txt (0600,
    the folder 0700); control characters escaped, since a student's typing may be among them. Returns
    the file, or None when it cannot be written (the lab's log still records the crash)."""
    if folder is None:
        return None
    from io import StringIO

    from rich.console import Console
    from rich.traceback import Traceback

    text = StringIO()
    console = Console(file=text, width=120, color_system=None, force_terminal=False, highlight=False)
    console.print(f"tui-tutor crashed: user {user}, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, pid {os.getpid()}")
    console.print(Traceback.from_exception(type(error), error, error.__traceback__, show_locals=True,
                                           locals_max_length=10, width=120))
    report = _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text.getvalue())
    name = re.sub(r"[^A-Za-z0-9._-]", "_", user)[:40] or "learner"
    path = folder / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(report)
    except OSError:
        return None
    return path
