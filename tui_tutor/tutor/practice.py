"""Which skills each lesson teaches (the skills of its numeric questions), for the lessons' mastery marks."""

from __future__ import annotations

from functools import cache


@cache
def lesson_skills(lang: str) -> dict[int, frozenset[str]]:
    """The skills each lesson's numeric questions exercise."""
    from ..curriculum.quiz import load_bank
    from ..curriculum.skills import STEP_SKILLS

    return {n: frozenset(STEP_SKILLS[q.step] for q in qs if q.kind == "numeric" and q.step in STEP_SKILLS)
            for n, qs in load_bank(lang).items()}
