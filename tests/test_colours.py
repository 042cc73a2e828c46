"""The roles of a formula (the quantity computed, a, z, w, b, δ, t, σ′, η) read apart without
colour: by text attributes, in every step, with NO_COLOR set as with colour; the legend names
them; the colours are dark-on-light or light-on-dark enough to read in either theme."""

from __future__ import annotations

import pytest
from rich.color import Color
from rich.style import Style
from textual.geometry import Region

from tui_tutor.app import TutorApp
from tui_tutor.tutor.workbench import Workbench
from tui_tutor.widgets.colours import RESULT_STYLE, ROLES, role, role_style
from tui_tutor.widgets.formula_panel import FormulaPanel, legend, step_lines
from tui_tutor.widgets.styled_lines import StyledLines


def attributes(style: Style) -> tuple:
    """What is left of a style once its colours are taken away."""
    return (bool(style.bold), bool(style.italic), bool(style.underline), bool(style.reverse), bool(style.dim))


@pytest.mark.parametrize("colour", [True, False])
@pytest.mark.parametrize("preset", ["book", "mazur"])
def test_in_every_step_the_roles_differ_by_their_attributes_alone(preset, colour):
    ex = Workbench.from_preset(preset).explanation
    for k, step in enumerate(ex.steps):
        symbols = step_lines(step, k, len(ex.steps), "en", colour)[2]
        looks: dict[str, set] = {}  # role: the attributes it is drawn in
        for n, ((_, style), (_, ref)) in enumerate(zip(symbols, step.formula_parts)):
            if ref is None:
                continue
            parsed = Style.parse(style)
            looks.setdefault("result" if n == 0 else role(ref.quantity), set()).add(attributes(parsed))
            assert attributes(parsed) != (False,) * 5, step.symbol  # every term is marked
            if not colour:
                assert parsed.color is None and parsed.bgcolor is None
        assert all(len(v) == 1 for v in looks.values()), (step.symbol, looks)
        assert len({next(iter(v)) for v in looks.values()}) == len(looks), (step.symbol, looks)


def test_no_two_roles_share_their_attributes():
    looks = [attributes(Style.parse(role_style(name, colour=False))) for name in ROLES]
    looks.append(attributes(Style.parse(RESULT_STYLE)))
    assert len(set(looks)) == len(looks)


async def test_with_no_color_the_output_delta_terms_are_drawn_in_different_attributes(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the app is made
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.no_color
        await pilot.press("3")  # the output δ
        step = app.workbench.explanation.steps[app.workbench.step]
        assert step.phase == "output_delta"
        panel = app.screen.query_one("#formula", FormulaPanel)
        row = panel.render_line(2)  # the formula in symbols, as drawn
        drawn = {}
        for segment in row:
            text = segment.text
            for symbol in ("δ₁³", "a₁³", "t₁", "σ′(z₁³)"):
                if text == symbol:
                    drawn[symbol] = segment.style
        assert set(drawn) == {"δ₁³", "a₁³", "t₁", "σ′(z₁³)"}
        looks = [attributes(style) for style in drawn.values()]
        assert len(set(looks)) == 4, looks
        assert all(style.bgcolor is None or style.bgcolor == row._segments[0].style.bgcolor
                   for style in drawn.values())
        # The legend under the formula names each role in the same attributes.
        assert "roles: δ₁³ computed" in panel.content and "t target" in panel.content


def test_the_legend_names_the_roles_of_the_step_in_both_languages():
    ex = Workbench.from_preset("book").explanation
    step = ex.steps[ex.first_of("output_delta")]
    en = "".join(text for text, _ in legend(step, "en"))
    zh = "".join(text for text, _ in legend(step, "zh"))
    assert en == "roles: δ₁³ computed  a,x activation  t target  σ′ slope"
    assert zh == "角色: δ₁³ 所求  a,x 激活值  t 正解  σ′ 导数"


def contrast(fg: Color, bg: Color) -> float:
    def luminance(c: Color) -> float:
        def channel(v: int) -> float:
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b = c.get_truecolor()
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("name", list(ROLES))
def test_each_roles_text_reads_on_its_colour(name):
    style = Style.parse(role_style(name))
    assert contrast(style.color, style.bgcolor) >= 4.5  # WCAG AA, whatever the theme around it


async def test_the_info_panel_styles_t_and_eta_as_the_formula_does():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=(120, 40)):
        info = app.screen.query_one("#wb-info", StyledLines)
        runs = {text: style for line in info._lines for text, style in line}
        assert runs["t"] == role_style("t") and runs["η"] == role_style("eta")
        assert info.content.splitlines()[0] == "Image 1"


async def test_with_no_color_the_parameter_grids_mark_the_terms_in_play_by_attributes(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        grid = app.screen.query_one("#layer-2")
        row = grid.render_lines(Region(0, 2, grid.size.width, 1))[0]  # w·x₂: w₁₂² is in play at step 1
        segments = list(row)
        k = next(k for k, segment in enumerate(segments) if segment.text.strip() == "0.348")
        cell, beside = segments[k].style, segments[k + 1].style
        # Bold (a weight), on the grid's own background: no grey block where a colour was.
        assert cell.bold and cell.bgcolor == beside.bgcolor
