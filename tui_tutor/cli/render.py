"""Text (Rich) and markdown renderings of step records, training runs and gradient checks."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..engine import export, training
from ..engine.batch import BatchExplanation
from ..engine.gradcheck import GradientCheck
from ..engine.presets import Setup
from ..engine.steps import Explanation, Step
from ..engine.symbols import number
from ..i18n import PHASE_TITLES, tr


def _console(stderr: bool = False) -> Console:
    return Console(highlight=False, stderr=stderr)  # Rich drops colour when not on a terminal


def step_lines(step: Step) -> tuple[str, str, str]:
    """The three lines a step shows: symbols, numbers, value."""
    return step.lines()


def _network_line(ex: Explanation, lang: str) -> str:
    layers = "-".join(map(str, ex.pass_.network.layers))
    return tr(lang, "cli_network", layers=layers, eta=number(ex.learning_rate)) + (
        "" if ex.update_biases else tr(lang, "cli_biases_fixed"))


def print_explanation(ex: Explanation, lang: str = "en", about: str = "") -> None:
    """Every step; ``about``: what is explained (the image or input, and the target)."""
    out = _console()
    p = ex.pass_
    out.print(Text(_network_line(ex, lang), style="bold"))
    if about:
        out.print(Text(about, style="bold"))
    _print_steps(out, ex.steps, lang)
    out.print(Text(tr(lang, "cli_cost_before", cost=number(p.cost, 6)), style="bold"))
    out.print(Text(tr(lang, "cli_cost_after", cost=number(cost_after(ex), 6)), style="bold"))


def _print_steps(out: Console, steps, lang: str) -> None:
    """Each step's three lines under its phase's title; one print a phase, since a print a line
    took most of the time of a large network."""
    phase, lines = None, []
    for step in steps:
        if step.phase != phase:
            if lines:
                out.print(Text("\n").join(lines))
                lines.clear()
            phase = step.phase
            out.rule(Text(PHASE_TITLES[lang][phase], style="bold cyan"), align="left")
        formula, substituted, value = step_lines(step)
        lines += [Text(formula, style="bold"), Text(substituted), Text(value, style="green")]
    if lines:
        out.print(Text("\n").join(lines))


def cost_after(ex: Explanation) -> float:
    """The cost of the same input and target with the updated network."""
    from ..engine.network import cost_of

    return cost_of(ex.updated, ex.pass_.x, ex.pass_.t)


def explanation_markdown(ex: Explanation, lang: str = "en", about: str = "") -> str:
    layers = "-".join(map(str, ex.pass_.network.layers))
    lines = ["# " + tr(lang, "cli_markdown_title", layers=layers, eta=number(ex.learning_rate)), ""]
    if about:
        lines += [about, ""]
    lines += _markdown_steps(ex.steps, lang)
    lines += ["", tr(lang, "cli_cost_before", cost=number(ex.pass_.cost, 6)) + "  ",
              tr(lang, "cli_cost_after", cost=number(cost_after(ex), 6)), ""]
    return "\n".join(lines)


def _markdown_steps(steps, lang: str) -> list[str]:
    """A section a phase, its steps' three lines in a code block."""
    lines, phase = [], None
    for step in steps:
        if step.phase != phase:
            if phase is not None:
                lines += ["```", ""]
            phase = step.phase
            lines += [f"## {PHASE_TITLES[lang][phase]}", "", "```text"]
        lines += list(step_lines(step))
    return lines + ["```"]


def _batch_title(ex: BatchExplanation) -> str:
    p = ex.pass_
    return (f"One full-batch iteration: {'-'.join(map(str, p.network.layers))} network, {len(p)} "
            f"image{'s' if len(p) != 1 else ''}, η = {number(ex.learning_rate)}"
            + ("" if ex.update_biases else ", biases not updated"))


def print_batch(ex: BatchExplanation, from_data: bool = True) -> None:
    """Each image's cost and C_T, every ∂C_T/∂θ = Σₖ of the images' shares, every update."""
    out = _console()
    out.print(Text(_batch_title(ex), style="bold"))
    if not from_data:
        out.print(Text("(the network has no training data: its one example is the whole set)", style="dim"))
    _print_steps(out, ex.steps, "en")
    after = training.total_cost(ex.updated, ex.pass_.data)
    out.print(Text(f"C_T = {number(ex.pass_.cost_total, 6)} before the update, {number(after, 6)} after it",
                   style="bold"))


def batch_markdown(ex: BatchExplanation) -> str:
    return "\n".join([f"# {_batch_title(ex)}", "", *_markdown_steps(ex.steps, "en"), ""])


def train_with_progress(setup: Setup, eta: float, epochs: int, lang: str = "en") -> training.TrainingRun:
    columns = (TextColumn(tr(lang, "cli_training")), BarColumn(), MofNCompleteColumn(), TextColumn("C_T = {task.fields[cost]}"),
               TimeRemainingColumn())
    console = _console(stderr=True)
    # Off a terminal a bar draws nothing but would leave an empty line on stderr.
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("train", total=epochs, cost="…")

        def on_epoch(n: int, cost: float) -> None:
            progress.update(task, completed=n, cost=number(cost, 6))

        return training.train(setup.network, setup.data, eta, epochs, setup.update_biases, on_epoch)


def _pattern(x, cols: int | None = 3) -> str:
    """The pixels as 0s and 1s, a "/" between rows when the grid is known."""
    bits = "".join("1" if v >= 0.5 else "0" for v in x)
    return "/".join(bits[k : k + cols] for k in range(0, len(bits), cols)) if cols else bits


def print_training(run: training.TrainingRun, setup: Setup, eta: float, epochs: int, lang: str = "en") -> None:
    out = _console()
    out.print(Text(tr(lang, "cli_train_title", epochs=epochs, eta=number(eta), images=len(setup.data)), style="bold"))
    history = Table(title=tr(lang, "cli_cost_table"), show_edge=False)
    cols = 4
    for _ in range(cols):
        history.add_column("n", justify="right")
        history.add_column("C_T", justify="right")
    rows = (len(run.cost_history) + cols - 1) // cols
    for r in range(rows):
        cells = []
        for c in range(cols):
            n = c * rows + r
            cells += [str(n), number(run.cost_history[n], 6)] if n < len(run.cost_history) else ["", ""]
        history.add_row(*cells)
    out.print(history)
    preds = export.predictions(run.network, setup.data)
    table = Table(title=tr(lang, "cli_predictions"), show_edge=False)
    for name in (tr(lang, "cli_col_image"), tr(lang, "cli_col_pixels"), tr(lang, "cli_col_expected"),
                 tr(lang, "cli_col_outputs"), tr(lang, "cli_col_predicted"), ""):
        table.add_column(name)
    wrong = tr(lang, "cli_wrong")
    names = setup.classes or tuple(str(k) for k in range(setup.network.layers[-1]))
    shape = setup.shape()
    cols = shape[0][1] if shape else None
    for p in preds:
        outputs = ", ".join(number(v, 4) for v in p["outputs"])
        table.add_row(str(p["image"]), _pattern(setup.data.inputs[p["image"] - 1], cols), names[p["expected"]],
                      outputs, names[p["predicted"]], "✓" if p["correct"] else Text(wrong, style="bold red"))
    out.print(table)
    right = sum(p["correct"] for p in preds)
    out.print(Text(tr(lang, "cli_train_summary", first=number(run.cost_history[0], 6),
                      last=number(run.cost_history[-1], 6), right=right, total=len(preds),
                      percent=f"{100 * right / len(preds):.1f}"), style="bold"))
    if len(names) > 2:
        out.print(confusion_table(training.confusion_matrix(run.network, setup.data), names, lang))


def confusion_table(matrix, names, lang: str) -> Table:
    """Rows: the class an image shows; columns: the class the network said (its largest output)."""
    table = Table(title=tr(lang, "cli_confusion"), show_edge=False)
    table.add_column(tr(lang, "cli_col_shows"))
    for name in names:
        table.add_column(name, justify="right")
    for name, row in zip(names, matrix):
        table.add_row(name, *(str(int(n)) for n in row))
    return table


def print_gradcheck(check: GradientCheck, lang: str = "en") -> None:
    out = _console()
    table = Table(title=tr(lang, "cli_check_title"), show_edge=False)
    for name in (tr(lang, "cli_col_gradient"), tr(lang, "backprop"), tr(lang, "central"), tr(lang, "difference")):
        table.add_column(name, justify="right")
    for s, b, n in zip(check.symbols, check.backprop, check.numeric):
        table.add_row(s, number(b, 10), number(n, 10), f"{abs(b - n):.2e}")
    out.print(table)
    ok = check.max_relative_difference < 1e-5
    d, r = f"{check.max_difference:.3e}", f"{check.max_relative_difference:.3e}"
    text = tr(lang, "cli_check_agree", d=d, r=r) if ok else tr(lang, "cli_check_disagree", d=d, r=r)
    out.print(Text(text, style="bold green" if ok else "bold red"))
