"""Progress kept in memory for one run: what the tutor uses when nothing can be saved."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    lesson: int
    question_id: str
    answer: str
    correct: bool
    seconds: float
    when: float


class MemoryStore:
    def __init__(self) -> None:
        self._answers: list[Answer] = []
        self._read: set[int] = set()
        self._state: dict[str, str] = {}

    def record_answer(self, lesson: int, question_id: str, answer: str, correct: bool, seconds: float) -> None:
        self._answers.append(Answer(lesson, question_id, answer, correct, seconds, time.time()))

    def answers(self, lesson: int | None = None) -> list[Answer]:
        return [a for a in self._answers if lesson is None or a.lesson == lesson]

    def mark_lesson_read(self, number: int) -> None:
        self._read.add(number)

    def lessons_read(self) -> set[int]:
        return set(self._read)

    def set_state(self, key: str, value: str) -> None:
        self._state[key] = value

    def get_state(self, key: str) -> str | None:
        return self._state.get(key)
