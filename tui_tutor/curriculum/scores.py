"""Scores from the answers a learner gave: the latest answer to each question counts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LessonScore:
    right: int  # questions whose latest answer is right
    answered: int  # questions answered at least once
    total: int  # questions in the lesson

    @property
    def mastered(self) -> bool:
        return self.total > 0 and self.right == self.total


def latest_answers(answers) -> dict[tuple[int, str], object]:
    """(lesson, question id) → the latest answer; ``answers`` oldest first."""
    latest: dict[tuple[int, str], object] = {}
    for a in answers:
        latest[(a.lesson, a.question_id)] = a
    return latest


def lesson_scores(answers, question_ids: dict[int, set[str]]) -> dict[int, LessonScore]:
    """Each lesson's score, counting only questions still in the bank."""
    latest = latest_answers(answers)
    out = {}
    for lesson, ids in question_ids.items():
        mine = [latest[(lesson, q)] for q in ids if (lesson, q) in latest]
        out[lesson] = LessonScore(sum(1 for a in mine if a.correct), len(mine), len(ids))
    return out


def missed(answers, lesson: int) -> list[str]:
    """Ids of the lesson's questions whose latest answer was wrong, in the order first answered."""
    return [qid for (l, qid), a in latest_answers(answers).items() if l == lesson and not a.correct]
