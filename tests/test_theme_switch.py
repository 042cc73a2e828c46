"""A theme switched while the tutor runs colours the lesson and its lists as a start in that theme does
(the headings' colours are in the lesson's lines, made when it is laid out)."""

from __future__ import annotations

from tui_tutor.app import TutorApp
from tui_tutor.progress import MemoryStore


async def colours(switch: bool) -> tuple[list[str], list[str]]:
    app = TutorApp(store=MemoryStore(), lang="en")
    if not switch:
        app.theme = "textual-light"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if switch:
            await pilot.press("D")  # dark to light
            await pilot.pause()
            await pilot.pause()
        lesson = app.screen.query_one("#lesson")
        lessons = app.screen.query_one("#lesson-list")
        return ([str(s) for s in lesson._laid_out_for[2]],
                [str(s.style) for _item, line in lessons._rows for s in line])


async def test_switching_to_the_light_theme_colours_the_lesson_as_starting_in_it():
    assert await colours(switch=True) == await colours(switch=False)
