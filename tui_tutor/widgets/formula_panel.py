"""Shows one step record: where we are, the general form, the formula in symbols,
the same with the numbers put in, and the value; the terms in play coloured."""

from __future__ import annotations

from ..engine.steps import Step
from ..i18n import PHASE_TITLES, tr
from .colours import RESULT_STYLE, style_for
from .styled_lines import Line, StyledLines


def _parts(parts, result) -> list[tuple[str, str]]:
    return [(text, RESULT_STYLE if ref is not None and ref == result and k == 0 else style_for(ref))
            for k, (text, ref) in enumerate(parts)]


def step_lines(step: Step, index: int, total: int, lang: str) -> list[Line]:
    """Where we are and the general form, then ``Step.lines()`` styled part by part."""
    return [
        ((f"{tr(lang, 'step')} {index + 1} {tr(lang, 'of')} {total} · {PHASE_TITLES[lang][step.phase]}", "bold"),),
        ((f"{tr(lang, 'general')}: {step.general}", "italic dim"),),
        tuple(_parts(step.formula_parts, step.result)),
        ((step.continuation, ""), *_parts(step.substituted_parts, None)),
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
        self.show_lines(step_lines(step, index, total, lang), fit=step.phase != self._phase)
        self._phase = step.phase
