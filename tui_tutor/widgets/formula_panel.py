"""Shows one step record: where we are, the general form, the formula in symbols,
the same with the numbers put in, and the value; the terms in play styled by their role,
and a legend naming the roles of this step in their own styles."""

from __future__ import annotations

from ..engine.steps import Step
from ..i18n import PHASE_TITLES, tr
from .colours import RESULT_STYLE, role, role_names, role_style, style_for
from .styled_lines import Line, StyledLines


def _parts(parts, result, colour: bool) -> list[tuple[str, str]]:
    return [(text, RESULT_STYLE if ref is not None and ref == result and k == 0 else style_for(ref, colour))
            for k, (text, ref) in enumerate(parts)]


def legend(step: Step, lang: str, colour: bool = True) -> Line:
    """"■ computed  ■ output a  ■ target t …": the roles of this step, each in its style."""
    names = role_names(lang)
    runs: list[tuple[str, str]] = [(tr(lang, "legend") + ": ", "dim"), (step.symbol, RESULT_STYLE),
                                   (" " + names["result"], "")]
    for name in dict.fromkeys(role(ref.quantity) for ref in step.uses):
        runs += [("  ", ""), (names[name], role_style(name, colour))]
    return tuple(runs)


def step_lines(step: Step, index: int, total: int, lang: str, colour: bool = True) -> list[Line]:
    """Where we are and the general form, then ``Step.lines()`` styled part by part."""
    return [
        ((f"{tr(lang, 'step')} {index + 1} {tr(lang, 'of')} {total} · {PHASE_TITLES[lang][step.phase]}", "bold"),),
        ((f"{tr(lang, 'general')}: {step.general}", "italic dim"),),
        tuple(_parts(step.formula_parts, step.result, colour)),
        ((step.continuation, ""), *_parts(step.substituted_parts, None, colour)),
        ((step.continuation, ""), (step.value_text, "bold")),
    ]


class FormulaPanel(StyledLines):
    DEFAULT_CSS = """
    FormulaPanel { height: auto; min-height: 6; padding: 0 1; border: round $primary-muted; }
    """

    wrap = True
    _phase: str | None = None

    def show(self, step: Step, index: int, total: int, lang: str) -> None:
        # Within a phase the panel keeps its height (no layout, no jumping); a new phase fits it anew.
        colour = not self.app.no_color
        lines = [*step_lines(step, index, total, lang, colour), legend(step, lang, colour)]
        self.show_lines(lines, fit=step.phase != self._phase)
        self._phase = step.phase
