"""What the workbench says is true: the info panel names what is explained, numbers are written
as people write them (no −0, a negative or a power of ten in brackets inside a product), the
gradient check's headers sit over their columns, reset/randomise/switch are undone like an
update, and "try it" lands on the lesson's numbers or says why not."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from rich.cells import cell_len
from textual.widgets import Input

from tui_tutor.app import TutorApp
from tui_tutor.engine import presets
from tui_tutor.engine.symbols import number, operand
from tui_tutor.i18n import tr
from tui_tutor.screens.workbench import table_rows
from tui_tutor.tutor.workbench import Workbench
from tui_tutor.curriculum.lesson_markup import parse
from tui_tutor.widgets.lesson_view import LessonView
from tui_tutor.widgets.styled_lines import StyledLines
from textual.app import Notify

SMALL, LARGE = (80, 24), (120, 40)


class Notes(list):
    def __call__(self, message) -> None:
        if isinstance(message, Notify):
            self.append(message.notification.message)

    @property
    def text(self) -> str:
        return "\n".join(self)


def info(app) -> list[str]:
    return app.screen.query_one("#wb-info", StyledLines).content.splitlines()


def test_numbers_have_no_minus_zero_and_brackets_where_a_product_needs_them():
    assert number(-0.0) == "0" and number(-1e-30, 4) == "−1×10⁻³⁰" and number(-0.00001, 1) == "−1×10⁻⁵"
    assert operand(-0.0) == "0" and operand(-0.5) == "(−0.5)" and operand(0.5) == "0.5"
    assert operand(1.2e-5) == "(1.2×10⁻⁵)" and operand(-1.2e-5) == "(−1.2×10⁻⁵)"


def test_every_negative_or_tiny_factor_of_a_product_is_bracketed_in_every_step_kind():
    setup = presets.book()
    tiny = setup.network.with_weight(3, 1, 1, -2e-7).with_bias(2, 1, -0.0)
    bench = Workbench(replace(setup, network=tiny))
    for step in bench.explanation.steps:
        parts = step.substituted_parts
        for k, (text, ref) in enumerate(parts):
            if ref is None:
                continue
            beside = (parts[k - 1][0] if k else "") + "|" + (parts[k + 1][0] if k + 1 < len(parts) else "")
            if "×" in beside:  # a factor of a product
                assert not text.startswith("−") and not (text[0].isdigit() and "×" in text), (step.symbol, text)
            assert text not in ("−0", "(−0)"), step.symbol


def test_the_label_names_the_preset_the_image_and_a_changed_target():
    assert Workbench.from_preset("book").label() == ("image_n", {"n": 1})
    assert Workbench.from_preset("mazur").label()[0] == "preset_mazur"
    flipped = Workbench.from_preset("book").with_digit(1)
    assert flipped.label() == ("image_new_target", {"n": 1})
    loaded = Workbench.from_setup(replace(presets.book(), target=np.array([0.0, 1.0])))
    assert loaded.label() == ("image_new_target", {"n": 1})
    other = Workbench.from_setup(presets.mazur())
    assert other.label()[0] == "loaded_network"


def end_column(row: str, text: str) -> int:
    """The screen column just after the last ``text`` in ``row`` (a Chinese character takes two)."""
    return cell_len(row[: row.rindex(text) + len(text)])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_gradient_check_headers_sit_over_their_columns(lang):
    header = ["", tr(lang, "backprop"), tr(lang, "central"), tr(lang, "difference")]
    cells = ["w₁₁²", "−0.000238882", "−0.00023888197", "1.2e-11"]
    rows = table_rows([header, cells])
    for k in (1, 2, 3):  # right-aligned: each header ends where the number under it ends
        assert end_column(rows[0], header[k]) == end_column(rows[1], cells[k])


async def test_the_gradient_check_tab_lines_up_in_chinese():
    app = TutorApp(lang="zh", start="workbench")
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        rows = str(app.screen.query_one("#check").content).splitlines()
        head = tr("zh", "difference")
        assert end_column(rows[0], head) == cell_len(rows[1].rstrip())
        assert all("−0 " not in row and not row.endswith("−0") for row in rows)


async def test_the_info_panel_tells_the_truth_after_m_and_T():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        assert info(app)[0] == "Image 1"
        await pilot.press("T")
        assert info(app)[0] == "Image 1, target changed" and "t = (0, 1)" in info(app)[1]
        await pilot.press("m")
        assert "2-2-2 network of the blog post" in info(app) and "edited" not in " ".join(info(app))


async def test_reset_randomise_and_switch_are_undone_by_u():
    notes = Notes()
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL, message_hook=notes) as pilot:
        book = app.workbench.setup.network
        await pilot.press("a", "r")  # an update, then a reset: u brings the updated network back
        updated = app.workbench.history[-1].setup.network
        assert app.workbench.setup.network.same_as(book)
        await pilot.press("u")
        assert app.workbench.setup.network.same_as(updated) and not updated.same_as(book)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        await pilot.press(*"7", "enter")
        await pilot.pause()
        assert not app.workbench.setup.network.same_as(updated)
        await pilot.press("u")
        assert app.workbench.setup.network.same_as(updated)
        await pilot.press("m")
        assert app.workbench.preset == "mazur"
        await pilot.press("u")
        assert app.workbench.preset == "book" and app.workbench.setup.network.same_as(updated)
        await pilot.press("u")  # and the update itself
        assert app.workbench.setup.network.same_as(book) and app.workbench.history == ()
        assert "Undone" in notes.text


async def test_try_it_on_another_workbench_says_so_and_b_switches_keeping_theirs_for_undo():
    notes = Notes()
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL, message_hook=notes) as pilot:
        await pilot.press("m")  # the learner's own workbench: the 2-2-2 network
        mine = app.workbench
        app.open_workbench("output_delta")
        await pilot.pause()
        assert "differs from the lesson's" in notes.text and app.workbench.preset == "mazur"
        await pilot.press("B")
        bench = app.workbench
        assert bench.is_books_lesson() and bench.explanation.steps.phases[bench.step] == "output_delta"
        await pilot.press("u")
        assert app.workbench.preset == "mazur" and app.workbench.setup.network.same_as(mine.setup.network)


async def test_try_it_on_the_books_numbers_says_nothing():
    notes = Notes()
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL, message_hook=notes) as pilot:
        app.open_workbench("backward")
        await pilot.pause()
        assert "differs" not in notes.text


async def test_k_in_training_says_what_it_did():
    notes = Notes()
    app = TutorApp(lang="en", start="training")
    async with app.run_test(size=LARGE, message_hook=notes) as pilot:
        await pilot.press("k")
        assert notes[-1] == "Nothing trained yet: g trains first."
        app.screen.query_one("#epochs", Input).value = "2"
        await pilot.press("g")
        for _ in range(100):  # bounded: two epochs take milliseconds
            await pilot.pause(0.02)
            if "Trained" in str(app.screen.query_one("#train-status").content):
                break
        await pilot.press("k")
        assert notes[-1] == "Trained parameters taken into the workbench."


def inside(widget, scroller) -> bool:
    region, view = widget.region, scroller.region
    return region.height > 0 and view.y <= region.y and region.bottom <= view.bottom


async def test_the_drawn_answer_and_the_training_result_come_into_view_at_80x24():
    app = TutorApp(lang="en", start="training")
    async with app.run_test(size=SMALL) as pilot:
        left = app.screen.query_one("#train-left")
        app.screen.query_one("#draw").focus()
        await pilot.press("space")
        await pilot.pause(0.05)
        assert inside(app.screen.query_one("#draw-answer"), left)
        app.screen.query_one("#epochs", Input).value = "2"
        await pilot.press("g")
        status = app.screen.query_one("#train-status")
        for _ in range(100):  # bounded: two epochs take milliseconds
            await pilot.pause(0.02)
            if "accuracy" in str(status.content):
                break
        await pilot.pause(0.05)
        assert "accuracy" in str(status.content) and inside(status, left)


def test_code_blocks_keep_their_leading_spaces():
    blocks = parse("Text\n\n```text\nz = w a + b\n    + more\n```\n\n- item\n\n  ```\n  a\n    b\n  ```\n")
    code = [b.text for b in blocks if b.kind == "code"]
    assert code == ["z = w a + b\n    + more", "a\n  b"]


async def test_a_lesson_keeps_its_code_indented_and_wraps_at_a_readable_width():
    app = TutorApp(lang="en", start="lessons")
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(LessonView)
        lines = [strip.text.rstrip() for strip in view._lines]
        assert max(cell_len(line) for line in lines) <= 100
        assert any("         + (∂C/∂a₂³)" in line for line in lines)  # lesson 1's chain rule, aligned


# The command line speaks the chosen language, and `explain` says what it explains.


def cli(capsys, *args: str) -> str:
    from tui_tutor.cli import main

    assert main(list(args)) in (0, 1)
    return capsys.readouterr().out


def test_explain_names_its_image_and_target_and_ends_with_the_cost_after_the_update(capsys):
    out = cli(capsys, "explain", "--image", "40", "--lang", "en").splitlines()
    assert out[1] == "Explained: the book's image 40 (digit 1), target t = (0, 1)"
    assert out[-2].startswith("C = ") and out[-2].endswith("before the update")
    assert out[-1].startswith("C = ") and out[-1].endswith("after the update")
    zh = cli(capsys, "--lang", "zh", "explain", "--preset", "mazur").splitlines()
    assert zh[1] == "讲解对象：输入 x = (0.05, 0.1)，正解 t = (0.01, 0.99)" and zh[-1].startswith("更新后 C = ")


@pytest.mark.parametrize("command", [["train", "--epochs", "1"], ["gradcheck"], ["progress", "--user", "cli-lang"]])
def test_every_command_takes_lang_and_speaks_it(capsys, command, tmp_path, monkeypatch):
    monkeypatch.setenv("TUI_TUTOR_DATA_DIR", str(tmp_path))
    zh = cli(capsys, *command, "--lang", "zh")
    en = cli(capsys, *command, "--lang", "en")
    words = {"train": ("正确率", "accuracy"), "gradcheck": ("两者一致", "they agree"),
             "progress": ("已读课程", "lessons read")}[command[0]]
    assert words[0] in zh and words[1] not in zh and words[1] in en
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")  # no --lang: the locale's
    assert words[0] in cli(capsys, *command)
