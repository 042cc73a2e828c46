"""Finding every key: the help, the command palette, the footer and the lessons' contents."""

from __future__ import annotations

from tui_tutor.app import TutorApp
from tui_tutor.widgets.pick_list import PickList

SMALL, LARGE = (80, 24), (120, 40)


async def test_c_in_the_lessons_opens_the_contents_on_the_first_press_and_closes_them_on_the_second():
    app = TutorApp(lang="en", start="lessons")
    async with app.run_test(size=SMALL) as pilot:
        toc = app.screen.query_one("#lesson-toc", PickList)
        await pilot.press("s")  # even with the lessons list hidden
        await pilot.press("c")
        assert toc.display and toc.region.height > 0 and app.focused is toc
        await pilot.press("down", "enter")  # a section picked from the keyboard
        await pilot.press("c")
        assert not toc.display and app.focused is app.screen.query_one("#lesson")
        await pilot.press("c")
        assert toc.display and app.focused is toc
