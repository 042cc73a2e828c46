"""What the store hands out: answers, scores, and who the learner is by default."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime, timezone


def default_user() -> str:
    """The login name, or "learner" when the system cannot tell."""
    try:
        return getpass.getuser() or "learner"
    except Exception:  # OSError, KeyError or ImportError, depending on the platform and Python
        return "learner"


@dataclass(frozen=True)
class Answer:
    lesson: int
    question_id: str
    answer: str
    correct: bool
    seconds: float | None  # None for answers saved before the tutor timed them
    when: float  # seconds since the epoch


@dataclass(frozen=True)
class Score:
    right: int  # questions whose latest answer is right
    answered: int  # questions answered at least once
    total: int | None  # questions in the lesson, when the caller said

    @property
    def mastered(self) -> bool:
        """Every question of the lesson answered, and right at its latest attempt."""
        return bool(self.total) and self.right >= self.total


def iso(t: float | None) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SkillAttempt:
    skill: str
    seed: int | None  # a generated question's seed; None for one of the bank's
    lesson: int | None  # the bank question's lesson and id, when it was one
    question_id: str | None
    answer: str
    correct: bool
    mistake: str | None  # the id of the common mistake the answer matched
    seconds: float | None
    when: float
