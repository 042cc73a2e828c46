"""Finding every key: the help, the command palette, the footer and the lessons' contents."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from textual.command import CommandInput, CommandList

from tui_tutor.app import TutorApp
from tui_tutor.progress import MemoryStore
from tui_tutor.screens.help import HelpTable
from tui_tutor.screens.palette import ActionCommands
from tui_tutor.tutor.capabilities import Capabilities
from tui_tutor.widgets.footer import TutorFooter
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


def help_rows_of(app) -> list[tuple[str, str]]:
    table = app.screen.query_one(HelpTable)
    return [(str(table.get_row_at(k)[0]), str(table.get_row_at(k)[1])) for k in range(table.row_count)]


async def test_help_lists_the_screens_keys_first_grouped_without_duplicates():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("question_mark")
        rows = help_rows_of(app)
        headings = [key for key, what in rows if what == ""]
        assert headings == ["This screen", "Everywhere", "Textual's keys", "Mouse and palette"]
        assert rows[0] == ("This screen", "") and rows[1][1] in {"Up", "Next step"}
        labels = [what for _key, what in rows if what]
        assert len(labels) == len(set(labels))  # ^q Quit beside q Quit, ^p twice: no more
        keys = dict(rows)
        assert keys["q"] == "Quit" and "^q" not in keys and keys["space  ⏎"] == "Toggle pixel"
        assert keys["ctrl+p"].startswith("command palette") and "^p" not in keys
        assert rows.index(("q", "Quit")) > rows.index(("n", "Next step"))


async def test_help_scrolls_by_keyboard_to_its_last_row_at_80x24():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("question_mark")
        table = app.screen.query_one(HelpTable)
        assert app.focused is table and table.max_scroll_y > 0  # more rows than room: it must scroll
        await pilot.press("down", "down")
        assert table.scroll_y == 2
        await pilot.press("end")
        await pilot.pause()
        assert table.scroll_y == table.max_scroll_y  # the last row (the palette's) is on screen
        await pilot.press("home")
        await pilot.pause()
        assert table.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert table.scroll_y > 5


@pytest.mark.parametrize("mode", ["lessons", "workbench", "training", "quiz"])
async def test_help_in_chinese_has_no_english_words_left(mode):
    app = TutorApp(lang="zh", start=mode)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        await app.run_action("help")  # the quiz's answer box would take a typed ?
        await pilot.pause()
        words = {word for _key, what in help_rows_of(app) for word in re.findall(r"[A-Za-z]{3,}", what)}
        assert words <= {"English", "Textual", "FSRS"}, words  # names, not words to translate


def footer_line(app) -> str:
    footer = app.screen.query_one(TutorFooter)
    return footer.render().plain


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_footer_at_80_columns_shows_whole_keys_the_screens_first_and_the_palette_last(lang):
    app = TutorApp(lang=lang, start="lessons")
    async with app.run_test(size=SMALL) as pilot:
        for mode in ("lessons", "workbench", "training", "quiz"):
            await app.run_action(f"open('{mode}')")
            await pilot.pause()
            footer = app.screen.query_one(TutorFooter)
            _lang, keys, palette = footer._shown_keys()
            line = footer_line(app)
            assert cell_len(line) == 80 and line.endswith(f"│{palette[1]} {palette[2]}"), (mode, line)
            body = line[: line.rindex("│")].rstrip()
            pieces = [f"{display}{description}" for _key, display, description, _enabled in keys]
            shown = [piece for piece in pieces if piece in body]
            assert body == " ".join(shown), (mode, body)  # only whole keys, no cut word
            assert shown and shown[0] == pieces[0], (mode, body)  # the screen's most important key stays
        await app.run_action("open('workbench')")
        await pilot.pause()
        first = {"en": "nNext step", "zh": "n下一步"}[lang]
        assert footer_line(app).startswith(first)


def toasts(app) -> str:
    """The notifications on show (run_test draws no toasts: read Textual's list of them)."""
    return "\n".join(notification.message for notification in app._notifications)


async def test_the_first_start_says_once_how_to_find_every_key():
    store = MemoryStore()
    app = TutorApp(lang="en", store=store)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "? lists every key" in toasts(app) and "ctrl+p" in toasts(app)
    again = TutorApp(lang="en", store=store)
    async with again.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "? lists every key" not in toasts(again)


async def palette_hits(app, pilot, query: str) -> list[str]:
    """Open the palette, type ``query``, and read the commands it offers."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    palette = app.screen
    for _ in range(40):  # the palette gathers its hits in a worker: wait until they are listed, bounded
        await pilot.pause(0.05)
        options = palette.query_one(CommandList)
        if options.option_count:
            break
    offered = [options.get_option_at_index(k) for k in range(options.option_count)]
    return [str(option.prompt).split("\n")[0] for option in offered if not option.disabled]  # not "No matches"


async def test_the_palette_finds_grad_and_running_it_opens_the_gradient_check():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        hits = await palette_hits(app, pilot, "grad")
        assert hits[0] == "Gradient check"
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "workbench"
        assert app.screen.query_one("#wb-tabs").active == "tab-check"


@pytest.mark.parametrize(("lang", "names"), [
    ("en", {"Apply update", "Next step", "Save…", "Quiz", "Training", "Lessons", "Help", "Quit", "Theme"}),
    ("zh", {"执行更新", "下一步", "保存…", "测验", "训练", "课程", "帮助", "退出", "主题"}),
])
async def test_the_palette_holds_every_action_of_the_screen_and_the_app_in_the_learners_language(lang, names):
    app = TutorApp(lang=lang, start="workbench")
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        provider = ActionCommands(app.screen_stack[-2])
        offered = [hit.text async for hit in provider.discover()]
        system = [command.title for command in app.get_system_commands(app.screen_stack[-2])]
        assert names <= set(offered) | set(system)
        everything = offered + system
        assert len(everything) == len(set(everything)) and "Keys" not in system  # no name twice (Quit once)
        assert len(offered) >= 30  # every workbench key, shown in the footer or not, and the app's


async def test_the_palette_speaks_chinese_and_still_finds_grad():
    app = TutorApp(lang="zh", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        assert (await palette_hits(app, pilot, "grad"))[0] == "梯度检验"
        assert app.screen.query_one(CommandInput).placeholder == "按名称搜索每个操作…"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#wb-tabs").active == "tab-check"


async def test_the_palette_finds_lessons_and_quiz_commands_and_english_in_chinese():
    app = TutorApp(lang="zh", start="lessons")
    async with app.run_test(size=LARGE) as pilot:
        assert "梯度检验" not in await palette_hits(app, pilot, "grad")  # a workbench action: not offered here
        await pilot.press("escape")
        hits = await palette_hits(app, pilot, "next lesson")
        assert hits[0] == "下一课"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.index == 1


async def test_the_palette_does_not_offer_what_the_session_may_not_do():
    app = TutorApp(lang="en", start="workbench", capabilities=Capabilities.lab())
    async with app.run_test(size=SMALL) as pilot:
        assert "Screenshot" not in await palette_hits(app, pilot, "screens")
    home = TutorApp(lang="en", start="workbench")
    async with home.run_test(size=SMALL) as pilot:
        assert "Screenshot" in await palette_hits(home, pilot, "screens")
