"""One learner's progress in the shared database, and the in-memory stand-in used when it cannot be saved."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Collection, Mapping
from pathlib import Path

from .files import make_private_folder, move_aside
from .records import Answer, Score, SkillAttempt, default_user, iso
from .schema import (BUSY_TIMEOUT, Corrupt, TooNew, Unreadable, check_tables, connect, migrate, read_only_copy,
                     transaction)

__all__ = ["DB_NAME", "Answer", "MemoryStore", "NullStore", "ProgressStore", "Score", "default_user"]

DB_NAME = "progress.sqlite3"
RETRY_AFTER = 1.0  # seconds from a refused write to the first try to write the file again; doubles each time
RETRY_AFTER_MAX = 60.0
RETRY_WAIT_MS = 100  # how long a try waits for another process's lock


def _why(path: Path, error: Exception) -> str:
    detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"{path} cannot be written ({detail})"


class ProgressStore:
    """One learner's view of the progress database. Open with ``ProgressStore.open`` or ``open_store``."""

    def __init__(self, conn: sqlite3.Connection, user: str, path: Path | None = None) -> None:
        self._conn, self.user, self.path = conn, user, path
        self.warning: str | None = None  # one sentence for the learner, when something went wrong
        self.reason: str | None = None  # why progress is not being saved (None while it is)
        self._file: sqlite3.Connection | None = None  # the file, kept while the store runs in memory
        self._pending: dict[object, tuple[tuple[str, tuple], ...]] = {}  # writes made in memory, to replay
        self._retry_after = self._next_retry = 0.0

    @classmethod
    def open(cls, path: str | os.PathLike, user: str, *, busy_timeout: float = BUSY_TIMEOUT,
             retry_after: float = RETRY_AFTER) -> ProgressStore:
        """The store at ``path`` (its folder created 0700 if need be); a ``NullStore`` if it cannot be written.

        A damaged file is moved aside and a fresh one started; ``warning`` then says so.
        A file that can be read but not written is shown as it is, with nothing new saved.
        ``retry_after``: seconds before the first try to write the file again once it refused a write.
        """
        path, user = Path(path), (user or "").strip() or default_user()
        try:
            make_private_folder(path.parent)
        except OSError as e:
            what = "is a file, not a folder" if path.parent.is_file() else f"cannot be created ({e.strerror or e})"
            return NullStore(user, f"the folder {path.parent} {what}")
        try:
            warning = None
            try:
                conn = connect(path, busy_timeout)
            except Corrupt as e:
                moved = move_aside(path)
                warning = (f"The progress database {path} was damaged ({e}), so it was kept as {moved.name} "
                           f"and a fresh one was started.")
                conn = connect(path, busy_timeout)
        except TooNew as e:
            return NullStore(user, f"{path} {e}")
        except Corrupt as e:
            return NullStore(user, f"{path} is damaged ({e})")
        except (OSError, sqlite3.Error) as e:
            return NullStore.reading(path, user, _why(path, e))
        store = cls(conn, user, path)
        store.warning, store._retry_after = warning, retry_after
        store._write()  # registers the learner, or notes why nothing can be saved
        return store

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _write(self, *statements: tuple[str, tuple], seen: bool = True, replaces: object = None,
               wait_for_disk: bool = True) -> None:
        """Run ``statements`` in one transaction and (unless ``seen`` is False) mark the learner as seen.

        If the file stops taking writes (disk full, locked past the busy timeout), the store goes on in
        memory from a copy, so nothing is lost, and ``warning`` says so. Later writes try the file again
        (less and less often); once it takes them, the writes made in memory are replayed there in order.
        ``replaces``: a key under which a later write makes this one needless (the same state key).
        ``wait_for_disk=False``: committed without waiting for the disk to confirm it (``set_state``).
        """
        now = time.time()
        user = ("INSERT INTO users VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen",
                (self.user, now, now))
        statements = (*statements, user) if seen else statements
        if self._file is None:
            try:
                self._run(self._conn, statements, wait_for_disk)
                return
            except sqlite3.Error as e:
                self._to_memory(_why(self.path or Path(DB_NAME), e))
        self._run(self._conn, statements)
        if self._file is not None:
            key = replaces if replaces is not None else object()
            self._pending.pop(key, None)  # a replaced write moves to the end, after the writes it follows
            self._pending[key] = statements
            self._try_file_again()

    @staticmethod
    def _run(conn: sqlite3.Connection, statements, wait_for_disk: bool = True) -> None:
        if not wait_for_disk:
            conn.execute("PRAGMA synchronous = NORMAL")
        try:
            with transaction(conn) as c:
                for sql, params in statements:
                    c.execute(sql, params)
        finally:
            if not wait_for_disk:
                conn.execute("PRAGMA synchronous = FULL")

    def _to_memory(self, reason: str) -> None:
        memory = sqlite3.connect(":memory:", isolation_level=None)
        try:
            self._conn.backup(memory)
            check_tables(memory)
        except (sqlite3.Error, Corrupt):  # unreadable too: go on from nothing
            memory.close()
            memory = sqlite3.connect(":memory:", isolation_level=None)
        migrate(memory)
        self._file, self._conn, self.reason = self._conn, memory, reason
        self.warning = f"Progress is not being saved: {reason}."
        self._next_retry = time.monotonic() + self._retry_after

    def _try_file_again(self) -> None:
        """Replay the writes kept in memory into the file, if it is time to try and it takes them."""
        if self._file is None or time.monotonic() < self._next_retry:
            return
        busy = self._file.execute("PRAGMA busy_timeout").fetchone()[0]
        self._file.execute(f"PRAGMA busy_timeout = {min(busy, RETRY_WAIT_MS)}")  # never hold the learner up long
        try:
            with transaction(self._file) as c:
                for statements in self._pending.values():
                    for sql, params in statements:
                        c.execute(sql, params)
        except sqlite3.Error:
            self._retry_after = min(max(self._retry_after, 0.01) * 2, RETRY_AFTER_MAX)
            self._next_retry = time.monotonic() + self._retry_after
            return
        finally:
            self._file.execute(f"PRAGMA busy_timeout = {busy}")
        self._conn.close()
        self._conn, self._file, self._pending = self._file, None, {}
        self.reason = self.warning = None

    def try_again(self, now: bool = False) -> bool:
        """Write what was kept in memory to the file, if the wait before the next try is over (or ``now``).
        True while some is still waiting for the file; False once saving again, or with no file to wait for."""
        if self._file is None:
            return False
        if now:
            self._next_retry = 0.0
        self._try_file_again()
        return self._file is not None

    def _rows(self, sql: str, *params) -> list[tuple]:
        return self._conn.execute(sql, (self.user, *params)).fetchall()

    # Lessons and state

    def mark_lesson_read(self, lesson: int) -> None:
        now = time.time()
        sql = ("INSERT INTO lessons_read VALUES (?, ?, ?, ?)"
               " ON CONFLICT (user, lesson) DO UPDATE SET last_read = excluded.last_read")
        self._write((sql, (self.user, lesson, now, now)))

    def lessons_read(self) -> set[int]:
        return {row[0] for row in self._rows("SELECT lesson FROM lessons_read WHERE user = ?")}

    def set_state(self, key: str, value: str, *, wait_for_disk: bool = True) -> None:
        """Remember ``value`` under ``key`` (e.g. "last_screen" → "quiz", "workbench" → its JSON).

        ``wait_for_disk=False`` (the workbench, written on every key): committed, so another connection
        reads it and a killed tutor or server keeps it, but SQLite does not wait for the disk to confirm it
        (``synchronous = NORMAL`` in WAL mode: a fsync that costs up to tens of milliseconds on a busy disk);
        a power cut may undo it, until the next write that waits (an answer) or checkpoint. PostgreSQL waits.
        """
        sql = ("INSERT INTO state VALUES (?, ?, ?, ?)"
               " ON CONFLICT (user, key) DO UPDATE SET value = excluded.value, updated = excluded.updated")
        self._write((sql, (self.user, key, value, time.time())), replaces=("state", key), wait_for_disk=wait_for_disk)

    def get_state(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM state WHERE user = ? AND key = ?", key)
        return rows[0][0] if rows else None

    # Quiz answers and scores

    def record_answer(self, lesson: int, question_id: str, answer: str, correct: bool,
                      seconds: float | None = None) -> None:
        sql = ("INSERT INTO answers (user, lesson, question_id, answer, correct, answered_at, seconds)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)")
        self._write((sql, (self.user, lesson, question_id, answer, bool(correct), time.time(), seconds)))

    def answers(self, lesson: int | None = None) -> list[Answer]:
        """This learner's answers, oldest first."""
        sql = "SELECT lesson, question_id, answer, correct, seconds, answered_at FROM answers WHERE user = ?"
        if lesson is None:
            rows = self._rows(sql + " ORDER BY id")
        else:
            rows = self._rows(sql + " AND lesson = ? ORDER BY id", lesson)
        return [Answer(*row[:3], bool(row[3]), *row[4:]) for row in rows]

    def _latest(self) -> list[tuple[int, str, bool]]:
        """(lesson, question id, latest answer right?) in the order first answered."""
        rows = self._rows("SELECT a.lesson, a.question_id, a.correct FROM answers AS a JOIN"
                          " (SELECT max(id) AS last, min(id) AS first FROM answers WHERE user = ?"
                          "  GROUP BY lesson, question_id) AS g ON a.id = g.last ORDER BY g.first")
        return [(n, q, bool(ok)) for n, q, ok in rows]

    def lesson_scores(self, questions: Mapping[int, int | Collection[str]] | None = None) -> dict[int, Score]:
        """Each lesson's score from the latest answer to each question.

        ``questions`` gives a lesson's question count, or its question ids (then
        answers to questions no longer in the bank don't count); it decides mastery.
        """
        questions = questions or {}
        latest = self._latest()
        out = {}
        for lesson in sorted({n for n, _, _ in latest} | set(questions)):
            spec = questions.get(lesson)
            ids = None if spec is None or isinstance(spec, int) else set(spec)
            mine = [ok for n, q, ok in latest if n == lesson and (ids is None or q in ids)]
            out[lesson] = Score(sum(mine), len(mine), len(ids) if ids is not None else spec)
        return out

    def missed_questions(self, lesson: int) -> list[str]:
        """Ids of the lesson's questions whose latest answer was wrong, in the order first answered."""
        return [q for n, q, ok in self._latest() if n == lesson and not ok]

    # Reports

    def summary(self, questions: Mapping[int, int | Collection[str]] | None = None) -> dict:
        """Everything about this learner as plain JSON data (``tui-tutor progress --format json``)."""
        seen = self._rows("SELECT first_seen, last_seen FROM users WHERE name = ?")
        first, last = seen[0] if seen else (None, None)
        return {
            "user": self.user,
            "database": str(self.path) if self.path else None,
            "saving": self.reason is None,
            "first_seen": iso(first),
            "last_seen": iso(last),
            "lessons_read": sorted(self.lessons_read()),
            "last_screen": self.get_state("last_screen"),
            "answers": self._rows("SELECT count(*) FROM answers WHERE user = ?")[0][0],
            "scores": {str(lesson): {"right": s.right, "answered": s.answered, "total": s.total,
                                     "mastered": s.mastered} for lesson, s in self.lesson_scores(questions).items()},
        }

    def all_users_summary(self, questions: Mapping[int, int | Collection[str]] | None = None) -> list[dict]:
        """Every learner's summary, by name (the lab report)."""
        names = [row[0] for row in self._conn.execute("SELECT name FROM users ORDER BY name")]
        stores = [ProgressStore(self._conn, name, self.path) for name in names]
        for s in stores:
            s.reason = self.reason
        return [s.summary(questions) for s in stores]

    def reset(self) -> None:
        """Forget this learner: their progress, saved networks and their name; other learners' stays."""
        self._write(*((f"DELETE FROM {table} WHERE user = ?", (self.user,))
                      for table in ("answers", "lessons_read", "state", "networks", "skill_attempts", "skill_cards")),
                    ("DELETE FROM users WHERE name = ?", (self.user,)), seen=False)

    # Networks the learner saved by name (the lab keeps them here instead of in files)

    def save_network(self, name: str, document: str) -> None:
        sql = ("INSERT INTO networks VALUES (?, ?, ?, ?)"
               " ON CONFLICT (user, name) DO UPDATE SET document = excluded.document, updated = excluded.updated")
        self._write((sql, (self.user, name, document, time.time())), replaces=("network", name))

    def load_network(self, name: str) -> str | None:
        rows = self._rows("SELECT document FROM networks WHERE user = ? AND name = ?", name)
        return rows[0][0] if rows else None

    def network_names(self) -> list[str]:
        """The names this learner saved networks under, most recent first."""
        return [row[0] for row in self._rows("SELECT name FROM networks WHERE user = ? ORDER BY updated DESC")]

    # Skills: attempts (with a generated question's seed and the mistake matched) and review cards

    def record_skill_attempt(self, skill: str, answer: str, correct: bool, *, seed: int | None = None,
                             lesson: int | None = None, question_id: str | None = None, mistake: str | None = None,
                             seconds: float | None = None, when: float | None = None) -> None:
        sql = ("INSERT INTO skill_attempts (user, skill, seed, lesson, question_id, answer, correct, mistake, seconds,"
               " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        self._write((sql, (self.user, skill, seed, lesson, question_id, answer, bool(correct), mistake, seconds,
                           time.time() if when is None else when)))

    def skill_attempts(self, skill: str | None = None) -> list[SkillAttempt]:
        """This learner's attempts at skills, oldest first."""
        sql = ("SELECT skill, seed, lesson, question_id, answer, correct, mistake, seconds, answered_at"
               " FROM skill_attempts WHERE user = ?")
        rows = self._rows(sql + " ORDER BY id") if skill is None else self._rows(sql + " AND skill = ? ORDER BY id", skill)
        return [SkillAttempt(*r[:5], bool(r[5]), *r[6:]) for r in rows]

    def mistake_counts(self) -> dict[str, int]:
        """How often each mistake was matched, as "skill/mistake", most frequent first."""
        rows = self._rows("SELECT skill || '/' || mistake, count(*) AS n FROM skill_attempts WHERE user = ?"
                          " AND mistake IS NOT NULL GROUP BY skill, mistake ORDER BY n DESC, skill, mistake")
        return dict(rows)

    def save_card(self, skill: str, card: str, due: float) -> None:
        """Keep a skill's review card (the scheduler's JSON) and when it is due (seconds since the epoch)."""
        sql = ("INSERT INTO skill_cards VALUES (?, ?, ?, ?, ?) ON CONFLICT (user, skill) DO UPDATE"
               " SET card = excluded.card, due = excluded.due, updated = excluded.updated")
        self._write((sql, (self.user, skill, card, due, time.time())))

    def cards(self) -> dict[str, tuple[str, float]]:
        """Each reviewed skill's card JSON and due time."""
        return {skill: (card, due) for skill, card, due in
                self._rows("SELECT skill, card, due FROM skill_cards WHERE user = ? ORDER BY skill")}
    # Data sets the learner saved by name: kept as state under "dataset:" + name, so no new table is needed

    DATASET_PREFIX = "dataset:"

    def save_dataset(self, name: str, document: str) -> None:
        self.set_state(self.DATASET_PREFIX + name, document)

    def load_dataset(self, name: str) -> str | None:
        return self.get_state(self.DATASET_PREFIX + name)

    def dataset_names(self) -> list[str]:
        """The names this learner saved data sets under, most recent first."""
        rows = self._rows("SELECT key FROM state WHERE user = ? AND key LIKE 'dataset:%' ORDER BY updated DESC")
        return [row[0][len(self.DATASET_PREFIX):] for row in rows]


class NullStore(ProgressStore):
    """The same API over an in-memory database: progress lasts for this session only."""

    def __init__(self, user: str, reason: str, saved: sqlite3.Connection | None = None,
                 path: Path | None = None) -> None:
        """``reason``: why nothing can be saved, e.g. "/x/progress.sqlite3 cannot be written (Permission denied)";
        ``saved``: an in-memory copy of the progress saved so far (else: none), read from ``path``."""
        conn = saved or sqlite3.connect(":memory:", isolation_level=None)
        migrate(conn)
        super().__init__(conn, user, path)
        self._write()
        self.reason = reason
        self.warning = f"Progress is not being saved: {reason}."

    @classmethod
    def reading(cls, path: Path, user: str, reason: str) -> NullStore:
        """What ``path`` holds, when it can be read but not written; an empty one if it cannot be read either."""
        try:
            saved = read_only_copy(path)
        except (Corrupt, TooNew, Unreadable, OSError, sqlite3.Error):
            return cls(user, reason)
        store = cls(user, reason, saved, path)
        store.warning = f"Progress is not being saved: {reason}; what it holds is shown, nothing new is saved."
        return store


class MemoryStore(NullStore):
    """Progress kept in memory for one run, with nothing to warn about: what the app uses when it is
    given no store (tests, a demo)."""

    def __init__(self, user: str = "learner") -> None:
        super().__init__(user, reason="")
        self.reason = self.warning = None  # nothing went wrong: there was never a file
