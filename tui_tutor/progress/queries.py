"""What a learner's progress holds, as SQL: lessons read, saved state, quiz answers and scores, named
networks and data sets, skill attempts and review cards.

``ProgressQueries`` is written once for every store: it only reads through ``_rows`` and writes through
``_write``, and each store (``store.ProgressStore`` on a SQLite file, ``postgres.PostgresStore``) decides
where those go and what happens when the database stops taking them.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from pathlib import Path

from .records import Answer, Score, SkillAttempt, iso


class ProgressQueries:
    """One learner's reads and writes; mixed into a store that provides ``_rows`` and ``_write``."""

    user: str
    path: Path | str | None
    reason: str | None

    def _rows(self, sql: str, *params) -> list[tuple]:
        raise NotImplementedError

    def _write(self, *statements: tuple[str, tuple], seen: bool = True, replaces: object = None,
               wait_for_disk: bool = True) -> None:
        raise NotImplementedError

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
