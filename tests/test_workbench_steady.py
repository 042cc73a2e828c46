"""Stepping through a pass keeps the workbench still: where the screen has room, no panel changes
its size from the first step to the last (no jumping, and no layout to pay for at a key); on a small
terminal the formula panel fits each phase, so it changes size only at a phase's first step."""

from __future__ import annotations

import pytest

from tui_tutor.app import TutorApp


def sizes(app) -> tuple:
    return tuple(app.screen.query_one(f"#{name}").region.size for name in ("formula", "diagram", "diagram-scroll"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(100, 32), (120, 40)])
async def test_a_pass_keeps_every_panel_its_size_where_there_is_room(size, lang):
    app = TutorApp(lang=lang, start="workbench")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        first, steps = sizes(app), len(app.workbench.explanation.steps)
        for _ in range(steps - 1):
            await pilot.press("n")
            assert sizes(app) == first, (app.workbench.step, first, sizes(app))
        assert app.workbench.step == steps - 1


async def test_a_small_terminal_fits_the_formula_panel_only_at_a_new_phase():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        steps = app.workbench.explanation.steps
        for k in range(1, len(steps)):
            before = sizes(app)
            await pilot.press("n")
            await pilot.pause()
            if steps[k].phase == steps[k - 1].phase:
                assert sizes(app) == before, (k, before, sizes(app))
