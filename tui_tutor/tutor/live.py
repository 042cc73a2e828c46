"""The tutor's side of the lab's live-state channel (no Textual here).

A tutor served by the lab gets one end of a socket pair the server made for it
(fd number in ``TUI_TUTOR_LIVE_FD``). Up it goes the learner's live state,
one JSON object a packet: which screen, lesson, workbench phase and step, quiz
question and score, the last mistake. Down come the instructor's messages, and
"your instructor is viewing your screen" on and off. Nothing else is on it: the
channel reaches this tutor's own session on the server and nothing more.

``LiveChannel.start(app)`` looks at the app every ``POLL`` seconds and sends the state
when it changed (at most ``MAX_RATE`` packets a second, each at most
``MAX_PACKET`` bytes); a tutor at home has no channel and this does nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Callable
from typing import Any

ENV = "TUI_TUTOR_LIVE_FD"
MAX_PACKET = 4096
POLL = 0.3  # seconds between looks at the app
MAX_RATE = 4  # packets a second, whatever happens


def _clip(value: Any, limit: int = 120) -> str:
    return str(value)[:limit]


def in_language(text: str, lang: str) -> str:
    """"English | 中文": the part in the learner's language; any other text as written."""
    parts = text.split(" | ")
    if len(parts) == 2 and all(p.strip() for p in parts):
        return parts[1 if lang == "zh" else 0].strip()
    return text


class LiveChannel:
    def __init__(self, sock: socket.socket | None = None) -> None:
        self.sock = sock
        self.last: dict | None = None
        self.mistake = ""
        self.wrong: dict[str, int] = {}  # question id → wrong answers in a row
        self._sent_at = 0.0
        self.viewing = False  # an instructor is looking at this screen
        self.answers = 0
        self._score_key: tuple | None = None
        self._score_text = ""
        self.on_message: Callable[[str], None] = lambda text: None
        self.on_viewing: Callable[[bool], None] = lambda on: None
        self.on_repaint: Callable[[], None] = lambda: None

    @classmethod
    def from_environment(cls, environ=os.environ) -> LiveChannel:
        value = environ.get(ENV, "")
        if not value.isdigit():
            return cls()
        try:
            sock = socket.socket(fileno=int(value))
            sock.setblocking(False)
        except OSError:
            return cls()
        return cls(sock)

    @property
    def active(self) -> bool:
        return self.sock is not None

    # Up: the state

    def attempted(self, question_id: str, correct: bool, answer: str, prompt: str = "") -> None:
        """The quiz screen tells each graded answer (for "last mistake" and "wrong 3 times")."""
        self.answers += 1
        if correct:
            self.wrong[question_id] = 0
        else:
            self.wrong[question_id] = self.wrong.get(question_id, 0) + 1
            self.mistake = f"{question_id}: {answer.strip()}"[:120]

    def state_of(self, app) -> dict:
        """The learner's state, read from the app without changing it (duck-typed: no Textual imported)."""
        state: dict[str, Any] = {"screen": _clip(getattr(app, "current_mode", ""), 20)}
        bench = getattr(app, "workbench", None)
        if bench is not None:
            with contextlib.suppress(Exception):
                steps = bench.explanation.steps
                state.update(phase=_clip(steps[bench.step].phase, 20), step=bench.step + 1, steps=len(steps))
        screen = getattr(app, "screen", None)
        queue = getattr(screen, "queue", None)
        if state["screen"] == "quiz" and queue:
            index = getattr(screen, "index", 0)
            with contextlib.suppress(Exception):
                q = queue[index]
                state.update(lesson=int(screen.lesson), question=_clip(q.id, 40), wrong=self.wrong.get(q.id, 0))
                state["score"] = self._score(app, int(screen.lesson), len(queue))
        elif state["screen"] == "lessons":
            with contextlib.suppress(Exception):
                state["lesson"] = int(screen.lesson.number)
        state["mistake"] = self.mistake
        state["lang"] = _clip(getattr(app, "lang", ""), 5)
        return state

    def _score(self, app, lesson: int, questions: int) -> str:
        """Right answers in the lesson, read from the store only when an answer or the lesson changed."""
        key = (lesson, questions, sum(self.wrong.values()), self.answers)
        if key != self._score_key:
            score = app.session.lesson_scores().get(lesson)
            self._score_key, self._score_text = key, f"{score.right if score else 0}/{questions}"
        return self._score_text

    def publish(self, state: dict) -> None:
        if self.sock is None or state == self.last:
            return
        now = time.monotonic()
        if now - self._sent_at < 1 / MAX_RATE:
            return  # the next look sends it
        data = json.dumps(state, ensure_ascii=False).encode()[:MAX_PACKET]
        try:
            self.sock.send(data)
        except BlockingIOError:
            return  # the server is behind: it gets the state at the next look
        except OSError:
            self.close()
            return
        self.last, self._sent_at = state, now

    # Down: messages, viewing, repaint

    def receive(self) -> None:
        while self.sock is not None:
            try:
                data = self.sock.recv(MAX_PACKET)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:
                self.close()
                return
            try:
                message = json.loads(data)
                op = message["op"]
            except (ValueError, KeyError, TypeError):
                continue
            if op == "message":
                self.on_message(_clip(message.get("text", ""), 500))
            elif op == "viewing":
                self.on_viewing(bool(message.get("on")))
            elif op == "repaint":
                self.on_repaint()

    def start(self, app) -> None:
        """Looks at ``app`` every ``POLL`` seconds and listens for the server: messages become
        notifications, viewing a mark at the head of the title bar."""
        if self.sock is None:
            return
        import asyncio

        loop = asyncio.get_running_loop()
        self.on_message = lambda text: app.notify(in_language(text, app.lang), title=app.tr("live_message"),
                                                  timeout=30)
        self.on_viewing = lambda on: self._mark(app, on)
        self.on_repaint = lambda: app.refresh(layout=True)
        loop.add_reader(self.sock.fileno(), self.receive)

        def look() -> None:
            if self.sock is None:
                return
            with contextlib.suppress(Exception):  # the state is for display: never let it break the tutor
                self.publish(self.state_of(app))
                if self.viewing and not app.title.startswith(app.tr("live_viewing")):
                    self._mark(app, True)  # the title was set again (a change of language)
            loop.call_later(POLL, look)

        loop.call_later(0.2, look)

    def _mark(self, app, on: bool) -> None:
        """The mark leads the title bar (screens use the rest of it): students always see it."""
        self.viewing = on
        app.title = f"{app.tr('live_viewing')} · {app.tr('title')}" if on else app.tr("title")

    def close(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(Exception):
                import asyncio

                asyncio.get_running_loop().remove_reader(self.sock.fileno())
            self.sock.close()
            self.sock = None
