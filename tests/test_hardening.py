"""Input that used to break the tutor: each test drives the real app by its keys and expects
a message, the old state kept, and the app still answering."""

from __future__ import annotations

import numpy as np

from tui_tutor.app import TutorApp
from tui_tutor.engine import presets
from tui_tutor.progress import MemoryStore

SMALL = (80, 24)


def notices(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def type_and_enter(pilot, text: str) -> None:
    await pilot.pause()
    await pilot.press(*text, "enter")
    await pilot.pause()


async def test_markup_typed_as_a_numeric_answer_is_shown_as_text():
    from tui_tutor.curriculum.quiz import load_bank

    app = TutorApp(lang="en", start="quiz", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        numeric = [q.id for q in load_bank("en")[3] if q.kind == "numeric"]
        app.screen.start_lesson(3, only=numeric)
        for typed in ("[/x]", "[@click=app.quit]", "[link=https://example.com]y[/link]"):
            await type_and_enter(pilot, typed)
            message = str(app.screen.query_one("#answer-message").render())
            assert typed in message and "not a number" in message
            await pilot.press(*["backspace"] * len(typed))
        assert app.is_running and app.current_mode == "quiz"


async def test_markup_typed_in_a_prompt_is_quoted_in_the_message():
    app = TutorApp(lang="en", start="workbench", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        before = app.workbench
        await pilot.press("i")
        await type_and_enter(pilot, "[/x]")
        assert "[/x]" in notices(app) and app.workbench is before
        await pilot.press("E")
        await type_and_enter(pilot, "[@click=app.quit]")
        assert "[@click=app.quit]" in notices(app) and app.is_running


async def test_a_negative_seed_is_refused_with_a_message():
    app = TutorApp(lang="en", start="workbench", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        before = app.workbench.setup.network
        await pilot.press("R", *["backspace"] * 3)
        await type_and_enter(pilot, "-1")
        assert "seed" in notices(app) and "-1" in notices(app)
        assert app.workbench.setup.network.same_as(before) and app.is_running
        await pilot.press("R", *["backspace"] * 3)
        await type_and_enter(pilot, "7")  # a good seed still works
        assert not app.workbench.setup.network.same_as(before)


async def test_g_while_training_runs_does_not_start_a_second_run():
    app = TutorApp(lang="en", start="training", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        epochs = app.screen.query_one("#epochs")
        epochs.value = "100000"
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert "already under way" in notices(app)  # the second g is refused, the first run goes on
        assert [w.is_running for w in app.workers] == [True]
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.session.trainer.running and app.session.trainer.result.stopped


async def test_training_then_switching_the_workbench_to_2_2_2_then_k_refuses_the_shape():
    app = TutorApp(lang="en", start="training", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        app.screen.query_one("#epochs").value = "3"
        await pilot.press("g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("w", "m", "t", "k")
        await pilot.pause()
        assert app.is_running
        assert app.workbench.setup.network.layers == (2, 2, 2)
        assert "does not fit" in notices(app)
        await pilot.press("w", "m", "t", "k")  # back on the book's shape the trained network is taken
        await pilot.pause()
        assert app.workbench.setup.network.layers == (12, 3, 2)
        assert not app.workbench.setup.network.same_as(presets.book_network())
        assert np.all(np.isfinite(app.workbench.setup.network.parameters()))


async def test_a_screen_key_right_after_q_does_not_build_a_screen_while_the_app_closes():
    """In a real terminal `q` and the keys typed after it arrive in one burst: `t` used to build the
    training screen while the app closed, which failed half-built (found by typing in tmux)."""
    app = TutorApp(lang="en", store=MemoryStore())
    async with app.run_test(size=SMALL) as pilot:
        app.exit()
        app.action_open("training")
        await pilot.pause()
        assert app.current_mode == "lessons"
    assert app.return_code == 0 and app._exception is None


async def test_a_learner_stepping_steadily_is_saved_every_second():
    """The workbench is saved within a second of the first unsaved change, however fast the keys come:
    a lab machine that dies loses at most the last second (it used to wait for a pause)."""
    store = MemoryStore()
    app = TutorApp(lang="en", start="workbench", store=store)
    async with app.run_test(size=SMALL) as pilot:
        for _ in range(6):  # a key every 0.3 s: never a pause of a second
            await pilot.press("n")
            await pilot.pause(0.3)
        assert app.session.state.workbench is not None and app.session.state.workbench.step >= 2
