"""The quiz screen: answers refused, graded, explained; where the learner stopped."""

from __future__ import annotations

from tui_tutor.app import TutorApp
from tui_tutor.progress import MemoryStore

SMALL, LARGE = (80, 24), (120, 40)


async def test_a_refused_quiz_answer_is_explained_in_the_learners_language_and_not_counted():
    store = MemoryStore()
    app = TutorApp(lang="zh", start="quiz", store=store)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("x", "enter")  # lesson 1 opens on a multiple-choice question
        assert "请用 a, b, c, d 中的一个字母作答" in str(app.screen.query_one("#answer-message").content)
        assert store.answers() == []  # not an attempt
        await pilot.press("b", "enter")  # typing replaces the refused entry
        assert [a.answer for a in store.answers()] == ["b"]


async def test_a_numeric_answer_right_then_one_wrong_shows_the_score_and_the_worked_solution():
    from tui_tutor.curriculum.quiz import load_bank, make_numeric

    store = MemoryStore()
    app = TutorApp(lang="en", start="quiz", store=store)
    async with app.run_test(size=LARGE) as pilot:
        numeric = [q for q in load_bank("en")[3] if q.kind == "numeric"]
        app.screen.start_lesson(3, only=[q.id for q in numeric])  # what r (retry) does with missed questions
        await pilot.pause()
        right = make_numeric(numeric[0], app.workbench).expected
        await pilot.press(*repr(right), "enter")
        feedback = str(app.screen.query_one("#feedback").content)
        assert feedback.startswith("✓ Right.") and "Score 1/6" in str(app.screen.query_one("#score").content)
        await pilot.press("enter")  # on to the next
        second = make_numeric(numeric[1], app.workbench)
        await pilot.press(*repr(second.expected * 2 + 1), "enter")
        feedback = str(app.screen.query_one("#feedback").content)
        assert feedback.startswith("✗ Not quite.") and "Worked solution" in feedback
        assert second.step.formula in feedback and second.step.substituted in feedback
        assert "Score 1/6" in str(app.screen.query_one("#score").content)
        assert [a.correct for a in store.answers()] == [True, False]
    again = TutorApp(lang="en", store=store)  # reopened: back on the same lesson and question
    async with again.run_test(size=LARGE) as pilot:
        await pilot.pause()
        assert again.current_mode == "quiz" and again.screen.lesson == 3 and again.screen.index == 1
