"""Chained exercises: a wrong first answer and right follow-ups from it are marked with carry-forward."""

from __future__ import annotations

from tui_tutor.app import TutorApp
from tui_tutor.curriculum.chained import chain, mark_part
from tui_tutor.progress import MemoryStore
from tui_tutor.widgets.quiz_parts import ExerciseScreen


def test_carry_forward_grades_each_part_against_the_learners_own_earlier_answer():
    c = chain(11)
    first = mark_part(c, 0, "0.5", None)
    assert not first.marked.correct
    own_grad = c.expected(1, 0.5)
    second = mark_part(c, 1, repr(own_grad), first)
    assert second.marked.correct and second.carried
    third = mark_part(c, 2, repr(c.expected(2, own_grad)), second)
    assert third.marked.correct and third.carried
    engine_grad = mark_part(c, 1, repr(c.parts[1].answer), first)  # the engine's number is not what follows from 0.5
    assert not engine_grad.marked.correct


def test_right_answers_all_along_are_marked_right_without_carrying():
    c = chain(4)
    previous = None
    for k, part in enumerate(c.parts):
        previous = mark_part(c, k, repr(part.answer), previous)
        assert previous.marked.correct and not previous.carried


async def test_the_quiz_runs_a_chained_exercise_and_carries_a_slip_forward():
    store = MemoryStore()
    app = TutorApp(lang="en", start="quiz", store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape", "x")  # the chained exercise, from the quiz
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExerciseScreen)
        c = screen.chain
        assert "part 1 of 3" in str(screen.query_one("#exercise-question").content)
        await pilot.press(*"0.5", "enter")
        feedback = str(screen.query_one("#exercise-feedback").content)
        assert "✗ Not quite." in feedback
        await pilot.press("enter")
        own_grad = c.expected(1, 0.5)
        await pilot.press(*f"{own_grad:.4g}", "enter")
        assert "carried forward" in str(screen.query_one("#exercise-feedback").content)
        await pilot.press("enter")
        await pilot.press(*f"{c.expected(2, float(f'{own_grad:.4g}')):.4g}", "enter")
        assert "carried forward" in str(screen.query_one("#exercise-feedback").content)
        await pilot.press("enter")
        assert "Done" in str(screen.query_one("#exercise-question").content)
        kept = store.skill_attempts()
        assert [(a.skill, a.correct, a.seed) for a in kept] == [
            ("output-delta", False, c.seed), ("grad-weight", True, c.seed), ("update-weight", True, c.seed)]
        await pilot.press("escape")
        assert not isinstance(app.screen, ExerciseScreen)


async def test_a_bank_question_answered_with_a_common_mistake_names_it_beside_the_right_line():
    from tui_tutor.curriculum.generated import bank_numeric
    from tui_tutor.curriculum.quiz import load_bank

    store = MemoryStore()
    app = TutorApp(lang="zh", start="quiz", store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        q = next(q for q in load_bank("zh")[5] if q.kind == "numeric" and q.source != "workbench")
        app.screen.start_lesson(5, only=[q.id])
        await pilot.pause()
        sign_flip = next(c for c in bank_numeric(q).mistakes if c.id == "sign-flip")
        await pilot.press(*f"{sign_flip.value:.6g}", "enter")
        feedback = str(app.screen.query_one("#feedback").content)
        assert "常见错误：符号反了" in feedback and "你的算式：" in feedback and "正确算式：" in feedback
        assert [(a.skill, a.mistake) for a in store.skill_attempts()] == [("output-delta", "sign-flip")]
