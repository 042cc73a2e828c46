"""The reader mode: the current step as linear text, one statement a line, no box drawing,
in both languages; `v` on the workbench and `--reader` at the start open it."""

from __future__ import annotations

import pytest

from tui_tutor.app import TutorApp
from tui_tutor.cli.parsing import build_parser
from tui_tutor.screens.reader import ReaderScreen
from tui_tutor.tutor.reader import reader_lines, spoken_number, step_statements
from tui_tutor.tutor.workbench import Workbench

BOX_DRAWING = {chr(c) for c in range(0x2500, 0x2580)} | {chr(c) for c in range(0x2580, 0x25A0)}
SCRIPTS = set("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹ⱼᵢˡᴸ")


def output_delta(preset: str = "book"):
    ex = Workbench.from_preset(preset).explanation
    return ex.steps[ex.first_of("output_delta")]


def test_the_output_delta_reads_as_three_statements_in_english():
    assert step_statements(output_delta(), "en") == [
        "delta 1 superscript 3 equals (a 1 3 minus t 1) times sigma prime of z 1 3,",
        "equals (0.3265 minus 1) times 0.2199,",
        "equals −0.148101.",
    ]


def test_the_output_delta_reads_as_three_statements_in_chinese():
    assert step_statements(output_delta(), "zh") == [
        "德尔塔 1 上标 3 等于 (a 1 3 减 t 1) 乘 sigma 导数作用于 z 1 3，",
        "等于 (0.3265 减 1) 乘 0.2199，",
        "等于 −0.148101。",
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("preset", ["book", "mazur"])
def test_every_step_is_plain_text_with_its_numbers(preset, lang):
    ex = Workbench.from_preset(preset).explanation
    for k, step in enumerate(ex.steps):
        lines = reader_lines(step, k, len(ex.steps), lang)
        text = "\n".join(lines)
        assert not set(text) & (BOX_DRAWING | SCRIPTS), (step.symbol, text)
        assert "×" not in text and "σ′" not in text  # products and σ′ in words
        assert lines[-2] == "" and lines[3:6] == step_statements(step, lang)
        assert spoken_number(step.value_text, lang) in lines[5]
        # Every number put into the formula is read out, in order.
        for text_part, ref in step.substituted_parts:
            if ref is not None:
                assert spoken_number(text_part, lang) in lines[4], (step.symbol, text_part)


def test_powers_of_ten_are_said_in_words():
    assert spoken_number("(1.2×10⁻⁵)", "en") == "(1.2 times 10 to the power −5)"
    assert spoken_number("3×10¹²", "zh") == "3 乘 10 的 12 次方"


async def test_v_opens_the_reader_which_steps_with_n_and_p_and_goes_back_with_escape():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "v")
        assert isinstance(app.screen, ReaderScreen)
        assert "delta 1 superscript 3 equals (a 1 3 minus t 1) times sigma prime of z 1 3," in app.screen.shown_text
        await pilot.press("n")
        assert app.workbench.step == app.workbench.explanation.first_of("output_delta") + 1
        assert "delta 2 superscript 3 equals" in app.screen.shown_text
        await pilot.press("L")  # the language follows
        assert "德尔塔 2 上标 3 等于" in app.screen.shown_text
        # Nothing drawn around the text: no border, header or footer on the reader's screen.
        for widget in app.screen.walk_children():
            assert all(edge == "" for edge, _ in widget.styles.border), widget
            assert type(widget).__name__ not in ("Header", "Footer", "TutorFooter")
        await pilot.press("escape")
        assert app.screen.id != "reader" and not isinstance(app.screen, ReaderScreen)
        assert app.current_mode == "workbench"


async def test_the_reader_start_option_opens_the_reader_on_the_workbenchs_step():
    app = TutorApp(lang="zh", reader=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.shown_text.splitlines()[2] == "第 1 步，共 110 步：正向传播。"
        await pilot.press("v")
        assert app.current_mode == "workbench" and not isinstance(app.screen, ReaderScreen)


def test_the_command_line_takes_reader():
    assert build_parser().parse_args(["--reader"]).reader
    assert not build_parser().parse_args([]).reader
