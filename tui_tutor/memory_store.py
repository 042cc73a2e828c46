"""Progress kept in memory for one run, with nothing to warn about: what the app uses
when it is given no store (tests, a demo). The same API as the SQLite store, because
it is that store over an in-memory database."""

from __future__ import annotations

from .progress.store import NullStore


class MemoryStore(NullStore):
    def __init__(self, user: str = "learner") -> None:
        super().__init__(user, reason="")
        self.reason = self.warning = None  # nothing went wrong: there was never a file
