"""Text (Rich) and markdown renderings of step records, training runs and gradient checks."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..engine import export, training
from ..engine.gradcheck import GradientCheck
from ..engine.presets import Setup
from ..engine.steps import Explanation, Step
from ..engine.symbols import number
from ..i18n import PHASE_TITLES


def _console(stderr: bool = False) -> Console:
    return Console(highlight=False, stderr=stderr)  # Rich drops colour when not on a terminal


def step_lines(step: Step) -> tuple[str, str, str]:
    """The three lines a step shows: symbols, numbers, value."""
    return step.lines()


def print_explanation(ex: Explanation) -> None:
    out = _console()
    p = ex.pass_
    out.print(Text(f"Network {'-'.join(map(str, p.network.layers))}, η = {number(ex.learning_rate)}"
                   + ("" if ex.update_biases else ", biases not updated"), style="bold"))
    phase, lines = None, []

    def flush() -> None:  # one print a phase: a print a line took most of the time of a large network
        if lines:
            out.print(Text("\n").join(lines))
            lines.clear()

    for step in ex.steps:
        if step.phase != phase:
            flush()
            phase = step.phase
            out.rule(Text(PHASE_TITLES["en"][phase], style="bold cyan"), align="left")
        formula, substituted, value = step_lines(step)
        lines += [Text(formula, style="bold"), Text(substituted), Text(value, style="green")]
    flush()
    out.print(Text(f"C = {number(p.cost, 6)} before the update", style="bold"))


def explanation_markdown(ex: Explanation) -> str:
    lines = [f"# Backpropagation, step by step ({'-'.join(map(str, ex.pass_.network.layers))} network,"
             f" η = {number(ex.learning_rate)})", ""]
    phase = None
    for step in ex.steps:
        if step.phase != phase:
            if phase is not None:
                lines += ["```", ""]
            phase = step.phase
            lines += [f"## {PHASE_TITLES['en'][phase]}", "", "```text"]
        lines += list(step_lines(step))
    lines += ["```", ""]
    return "\n".join(lines)


def train_with_progress(setup: Setup, eta: float, epochs: int) -> training.TrainingRun:
    columns = (TextColumn("training"), BarColumn(), MofNCompleteColumn(), TextColumn("C_T = {task.fields[cost]}"),
               TimeRemainingColumn())
    console = _console(stderr=True)
    # Off a terminal a bar draws nothing but would leave an empty line on stderr.
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("train", total=epochs, cost="…")

        def on_epoch(n: int, cost: float) -> None:
            progress.update(task, completed=n, cost=number(cost, 6))

        return training.train(setup.network, setup.data, eta, epochs, setup.update_biases, on_epoch)


def _pattern(x) -> str:
    bits = "".join("1" if v >= 0.5 else "0" for v in x)
    return "/".join(bits[k : k + 3] for k in range(0, len(bits), 3)) if len(bits) == 12 else bits


def print_training(run: training.TrainingRun, setup: Setup, eta: float, epochs: int) -> None:
    out = _console()
    out.print(Text(f"Full-batch gradient descent: {epochs} updates, η = {number(eta)}, "
                   f"{len(setup.data)} images", style="bold"))
    history = Table(title="Cost C_T", show_edge=False)
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
    table = Table(title="Predictions", show_edge=False)
    for name in ("image", "pixels", "expected", "outputs", "predicted", ""):
        table.add_column(name)
    for p in preds:
        outputs = ", ".join(number(v, 4) for v in p["outputs"])
        table.add_row(str(p["image"]), _pattern(setup.data.inputs[p["image"] - 1]), str(p["expected"]), outputs,
                      str(p["predicted"]), "✓" if p["correct"] else Text("✗ wrong", style="bold red"))
    out.print(table)
    right = sum(p["correct"] for p in preds)
    out.print(Text(f"C_T: {number(run.cost_history[0], 6)} → {number(run.cost_history[-1], 6)}; "
                   f"accuracy {right}/{len(preds)} = {100 * right / len(preds):.1f} %", style="bold"))


def print_gradcheck(check: GradientCheck) -> None:
    out = _console()
    table = Table(title="Backpropagation beside central differences", show_edge=False)
    for name in ("gradient", "backprop", "central difference", "difference"):
        table.add_column(name, justify="right")
    for s, b, n in zip(check.symbols, check.backprop, check.numeric):
        table.add_row(s, f"{b:.10g}", f"{n:.10g}", f"{abs(b - n):.2e}")
    out.print(table)
    ok = check.max_relative_difference < 1e-5
    out.print(Text(f"largest difference {check.max_difference:.3e} "
                   f"(relative {check.max_relative_difference:.3e}): "
                   + ("they agree" if ok else "THEY DISAGREE"), style="bold green" if ok else "bold red"))
