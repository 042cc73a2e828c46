"""Shows one step record: where we are, the general form, the formula in symbols,
the same with the numbers put in, and the value; the terms in play styled by their role,
and a legend naming the roles of this step in their own styles."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

from ..engine.steps import Step
from ..i18n import PHASE_TITLES, tr
from .colours import RESULT_STYLE, role, role_names, role_style, style_for
from .line_breaks import break_offsets
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


def panel_lines(steps: Sequence[Step], index: int, lang: str, colour: bool = True) -> list[Line]:
    step = steps[index]
    return [*step_lines(step, index, len(steps), lang, colour), legend(step, lang, colour)]


def _rows(line: Line, width: int) -> int:
    """The rows ``line`` wraps to at ``width``, as ``wrap_line`` wraps it (measured without its cache,
    which would keep every line of the pass)."""
    plain = "".join(text for text, _ in line)
    return 1 if cell_len(plain) <= width else len(break_offsets(plain, width)) + 1


class FormulaPanel(StyledLines):
    DEFAULT_CSS = """
    FormulaPanel { height: auto; min-height: 6; padding: 0 1; border: round $primary-muted; }
    """

    wrap = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pass: tuple | None = None  # (the shape of the pass shown, its steps)
        self._phase: str | None = None
        self._tallest: dict[int, int] = {}  # the pass's tallest step, by width

    def show(self, steps: Sequence[Step], index: int, lang: str) -> None:
        """Step ``index`` of ``steps``. Where the screen has room, the panel keeps the height of the
        pass's tallest step, so stepping through a pass never lays out the screen (a layout costs more
        than the step). On a small terminal the diagram needs those rows more: there the panel fits
        each phase anew, one layout at a phase that needs other room (the cost, once per pass)."""
        colour = not self.app.no_color
        # A new pass of the same shape (a pixel or a weight changed) keeps the room its first one found.
        shape = (len(steps), steps[0].symbol, steps[-1].symbol, lang, colour)
        new_shape = self._pass is None or shape != self._pass[0]
        if new_shape:
            self._tallest.clear()
        phase = steps[index].phase
        fit = new_shape or (phase != self._phase and not self.least_rows(self.content_size.width))
        self._pass, self._phase = (shape, steps), phase
        self.show_lines(panel_lines(steps, index, lang, colour), fit=fit)

    def least_rows(self, width: int) -> int:
        if self._pass is None or width <= 0:
            return 0
        if width not in self._tallest:
            (_, _, _, lang, colour), steps = self._pass
            self._tallest[width] = max(sum(_rows(line, width) for line in panel_lines(steps, k, lang, colour))
                                       for k in range(len(steps)))
        tallest = self._tallest[width]
        return tallest if 3 * tallest <= self.screen.size.height else 0
