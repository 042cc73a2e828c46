"""The quiz screen: answers refused, graded, explained; where the learner stopped."""

from __future__ import annotations

import re

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


def right_text(app, q) -> str:
    """What a learner who knows the answer types."""
    from tui_tutor.curriculum.quiz import make_numeric

    if q.kind == "numeric":
        return repr(make_numeric(q, app.workbench).expected)
    if q.kind == "order":
        shown = q.shuffled_items()
        return "".join(str(shown.index(item) + 1) for item in q.items)
    return "abcdefgh"[q.answer - 1]


def wrong_text(q) -> str:
    return "abcdefgh"[q.answer % len(q.choices)] if q.choices else "0.123456"


def visible(widget) -> bool:
    """Whether all of ``widget`` is inside what its scrolling container shows."""
    scroll = widget.parent
    return scroll.region.contains_region(widget.region) and widget.region.height > 0


async def answer_lesson(app, pilot, lesson: int, wrong: set[int] = frozenset()) -> None:
    """Answer every question of ``lesson``, those numbered in ``wrong`` (0-based) wrongly."""
    app.screen.start_lesson(lesson)
    await pilot.pause()
    for k, q in enumerate(app.screen.questions):
        await pilot.press(*(wrong_text(q) if k in wrong else right_text(app, q)), "enter")
        await pilot.pause()
        await pilot.press("enter")  # on to the next, or the end-of-lesson message
        await pilot.pause()


async def test_after_grading_the_keys_that_work_everywhere_work_and_enter_goes_on():
    app = TutorApp(lang="en", start="quiz", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("b", "enter")
        assert app.screen.answered and app.focused is not app.screen.query_one("#answer")
        await pilot.press("w")
        assert app.current_mode == "workbench"
        await pilot.press("z")
        assert app.current_mode == "quiz"
        await pilot.press("enter")
        assert app.screen.index == 1 and app.focused is app.screen.query_one("#answer")
        await pilot.press("q")  # typed into the answer box while the question is open: not a quit
        assert app.screen.query_one("#answer").value == "q" and app.is_running


async def test_the_end_of_a_lesson_offers_the_next_quiz_whole_at_80_columns_and_retry_only_if_missed():
    app = TutorApp(lang="en", start="quiz", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        await answer_lesson(app, pilot, 1)
        label = app.screen.query_one("#answer-message")
        message = str(label.content)
        assert "lesson 1" in message and "] opens the quiz of lesson 2" in message and "r retries" not in message
        lines = label.region.height
        assert label.region.right <= SMALL[0] and lines * label.region.width >= len(message) and lines > 1
        await pilot.press("]")
        assert app.screen.lesson == 2 and app.screen.index == 0
        await answer_lesson(app, pilot, 2, wrong={0, 3})
        assert "r retries the 2 missed" in str(app.screen.query_one("#answer-message").content)


async def test_the_mistakes_review_numbers_its_items_and_shows_the_chosen_options_text():
    from tui_tutor.screens.mistakes import MistakesScreen

    app = TutorApp(lang="en", start="quiz", store=MemoryStore())
    async with app.run_test(size=LARGE) as pilot:
        await answer_lesson(app, pilot, 1, wrong={0, 1})
        first, second = app.screen.questions[:2]
        await pilot.press("m")
        assert isinstance(app.screen, MistakesScreen)
        review = str(app.screen.query_one("Static").content)
        assert "1. (lesson 1) " + first.prompt in review and "2. (lesson 1) " + second.prompt in review
        picked = wrong_text(first)
        assert f"your answer: {picked}) {first.choices['abcd'.index(picked)]}" in review


async def test_a_compute_question_shows_its_givens_and_tolerance_and_its_hint_and_feedback_at_80x24():
    from tui_tutor.curriculum.quiz import load_bank

    app = TutorApp(lang="en", start="quiz", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        longest = next(q for q in load_bank("en")[1] if q.kind == "numeric")  # 25 givens: a weight, a pixel…
        app.screen.start_lesson(1, only=[longest.id])
        await pilot.pause()
        scroll = app.screen.query_one("#quiz-scroll")
        question = app.screen.query_one("#question")
        text = str(question.content)
        assert re.search(r"\n  w₁₁² = 1\.6327353 +x₁ = 1\n", text)  # in columns, a weight beside its pixel
        assert scroll.max_scroll_y > 0  # taller than 80×24 allows: PgDn from the answer box shows the rest
        await pilot.press("pagedown")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#answer") and scroll.scroll_y == scroll.max_scroll_y
        assert question.region.bottom <= scroll.region.bottom  # the tolerance, its last line, is on screen
        await pilot.press("pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("escape", "h")
        await pilot.pause()
        assert visible(app.screen.query_one("#hint"))
        await pilot.press("a", *"0.5", "enter")
        await pilot.pause()
        feedback = app.screen.query_one("#feedback")
        assert scroll.region.y <= feedback.region.y < scroll.region.bottom and feedback.region.height > 0
        assert scroll.scroll_y > 0  # scrolled down to it


async def test_every_compute_question_but_the_longest_fits_at_80x24_with_its_givens_and_tolerance():
    from tui_tutor.curriculum.quiz import load_bank

    app = TutorApp(lang="en", start="quiz", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        for lesson, questions in load_bank("en").items():
            for q in questions:
                if q.kind == "numeric" and lesson > 1:
                    app.screen.start_lesson(lesson, only=[q.id])
                    await pilot.pause()
                    question, scroll = app.screen.query_one("#question"), app.screen.query_one("#quiz-scroll")
                    assert question.region.bottom <= scroll.region.bottom, (lesson, q.id)
