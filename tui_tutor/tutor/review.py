"""Spaced review of skills with FSRS (the ``fsrs`` package): each skill is one card.

The rating rule: a wrong answer rates the skill Again; a right one after the hint was shown,
Hard; a right one, Good; a right one within ``FAST_SECONDS``, Easy. The scheduler then says
when the skill is due again, and a review asks a generated question of it with fresh numbers.

A skill is mastered while its predicted recall (the card's retrievability) is at least
``MASTERED_RECALL`` and its latest answer was right.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from fsrs import Card, Rating, Scheduler

from ..curriculum.skills import SKILLS

if TYPE_CHECKING:
    from ..progress.store import ProgressStore

FAST_SECONDS = 20.0
MASTERED_RECALL = 0.9
RATING_NAMES = {Rating.Again: "again", Rating.Hard: "hard", Rating.Good: "good", Rating.Easy: "easy"}


def rating_for(correct: bool, hinted: bool = False, seconds: float | None = None) -> Rating:
    """wrong → Again, right after a hint → Hard, right → Good, right fast → Easy."""
    if not correct:
        return Rating.Again
    if hinted:
        return Rating.Hard
    if seconds is not None and seconds <= FAST_SECONDS:
        return Rating.Easy
    return Rating.Good


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def scheduler() -> Scheduler:
    """No fuzz, so a due date can be told in advance; one short step before the days begin."""
    return Scheduler(learning_steps=(timedelta(minutes=10),), relearning_steps=(timedelta(minutes=10),),
                     enable_fuzzing=False)


class Reviews:
    """One learner's review cards, kept in their progress store."""

    def __init__(self, store: ProgressStore, clock: Callable[[], datetime] = utc_now) -> None:
        self._store, self.clock = store, clock
        self.scheduler = scheduler()

    def cards(self) -> dict[str, Card]:
        return {skill: Card.from_json(text) for skill, (text, _due) in self._store.cards().items()}

    def card(self, skill: str) -> Card | None:
        return self.cards().get(skill)

    def rate(self, skill: str, rating: Rating) -> Card:
        """Review ``skill``'s card with ``rating`` now, and keep it."""
        now = self.clock()
        card = self.card(skill) or Card(card_id=list(SKILLS).index(skill) + 1, due=now)
        card, _log = self.scheduler.review_card(card, rating, now)
        self._store.save_card(skill, card.to_json(), card.due.timestamp())
        return card

    def due(self, until: datetime | None = None) -> list[str]:
        """The skills due by ``until`` (default: the end of today, UTC), in teaching order."""
        now = self.clock()
        until = until or now.replace(hour=23, minute=59, second=59, microsecond=0)
        stored = self._store.cards()
        return [s for s in SKILLS if s in stored and stored[s][1] <= until.timestamp()]

    def recall(self, skill: str) -> float:
        """The predicted probability of recalling the skill now (0 if never reviewed)."""
        card = self.card(skill)
        return 0.0 if card is None else float(self.scheduler.get_card_retrievability(card, self.clock()))

    def mastered(self, skill: str) -> bool:
        attempts = self._store.skill_attempts(skill)
        return bool(attempts) and attempts[-1].correct and self.recall(skill) >= MASTERED_RECALL

    def overview(self) -> list[dict]:
        """Each skill: its recall, whether mastered, when due (ISO, UTC) and attempts (``tui-tutor progress``)."""
        cards = self.cards()
        attempts = {s: self._store.skill_attempts(s) for s in SKILLS}
        out = []
        for skill in SKILLS:
            card = cards.get(skill)
            out.append({"skill": skill, "recall": round(self.recall(skill), 3), "mastered": self.mastered(skill),
                        "due": card.due.isoformat(timespec="seconds") if card else None,
                        "attempts": len(attempts[skill]), "right": sum(a.correct for a in attempts[skill])})
        return out
