"""One full-batch iteration as the book's workbook lays it out, following one parameter:
a row an image (k, its pixels, δ, a and the product δ·a, its share of ∂C_T/∂θ, and the sum
so far), the sum ∂C_T/∂θ, then the update of every parameter. A cursor row marks the step
the formula panel shows; the rows scroll under a fixed header.

The table only shows and reports keys (``Moved``, ``Follow``, ``Apply``); the workbench decides what a
row means and keeps the state."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.message import Message

from ..engine.batch import BatchExplanation, BatchRef
from ..engine.quantities import Ref
from ..engine.symbols import number, operand, unit, weight
from .colours import RESULT_STYLE, ROLES, role_style, style_for
from .keys import bind
from .styled_lines import Line, StyledLines

WIDTH = 11  # a number's column: "−1.234×10⁻⁵" at most
CURSOR = "▶ "
COLOURED = frozenset(role_style(name) for name in ROLES)


def picture(x) -> str:
    """A 3×4 image in two braille cells (dots 2 wide, 4 high): columns 1–2, then column 3.
    Another network's input is its first values."""
    if len(x) != 12:
        return ",".join(number(v, 2) for v in x[:3]) + ("…" if len(x) > 3 else "")
    left = (0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80)  # dots of each row, per column of a cell
    cells = []
    for columns in ((0, 1), (2,)):
        bits = 0
        for n, c in enumerate(columns):
            bits |= sum(left[n][r] for r in range(4) if x[r * 3 + c] >= 0.5)
        cells.append(chr(0x2800 + bits))
    return "".join(cells)


def _pad(text: str, width: int, right: bool = True) -> str:
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def walk_line(walk_index: int, images: int) -> int:
    """The body line a step of ``BatchExplanation.walk`` is on: images, the sum, two heading lines, updates."""
    return walk_index if walk_index <= images else walk_index + 2


def picture_width(ex: BatchExplanation) -> int:
    return max(cell_len(picture(x)) for x in ex.pass_.a[0])


def header_line(ex: BatchExplanation, follow: Ref, so_far: str) -> Line:
    l, j, i = follow.layer, follow.j, follow.i
    cells = [_pad("k", 3), " ", _pad("x", picture_width(ex), right=False), " ",
             _pad(f"δ{unit('', l, j)}[k]", WIDTH)]
    if follow.quantity == "w":
        cells += [" ", _pad(unit("a", l - 1, i) + "[k]", WIDTH), " ", _pad("∂Cₖ/∂" + weight(l, j, i), WIDTH)]
    return ((" " * len(CURSOR) + "".join(cells), "bold"), (" " + _pad(so_far, WIDTH), "bold"))


def body_lines(ex: BatchExplanation, follow: Ref, update_label: str, before: str, after: str) -> list[Line]:
    """Every line of the table below the header, with no cursor (see ``with_cursor``)."""
    p = ex.pass_
    l, j, i = follow.layer, follow.j, follow.i
    is_weight = follow.quantity == "w"
    deltas = p.delta[l - 2][:, j - 1]
    shares = deltas * p.a[l - 2][:, i - 1] + 0.0 if is_weight else deltas  # + 0.0: no −0 for a white pixel
    running, pictured = 0.0, picture_width(ex)
    lines: list[Line] = []
    for k in range(len(p)):
        running += float(shares[k])
        row: list[tuple[str, str]] = [(" " * len(CURSOR), ""), (_pad(str(k + 1), 3), ""), (" ", ""),
                                      (_pad(picture(p.a[0][k]), pictured, right=False), ""), (" ", ""),
                                      (_pad(number(float(deltas[k])), WIDTH), style_for(Ref("delta")))]
        if is_weight:
            row += [(" ", ""), (_pad(number(float(p.a[l - 2][k, i - 1])), WIDTH), style_for(Ref("a"))),
                    (" ", ""), (_pad(number(float(shares[k])), WIDTH), style_for(Ref("grad_w")))]
        row += [(" ", ""), (_pad(number(running), WIDTH), "")]
        lines.append(tuple(row))
    total = BatchRef("grad_" + follow.quantity, l, j, i)
    lines.append(((" " * len(CURSOR), ""), (f"Σ  {total.symbol} = ", "bold"),
                  (number(ex.value_of(total), 6), "bold")))
    width = max(cell_len(ref.symbol) for ref in ex.parameters)
    lines.append(((update_label.format(eta=number(ex.learning_rate)), "bold"),))
    lines.append(((" " * len(CURSOR) + _pad("θ", width, right=False) + " " + _pad(before, WIDTH)
                   + "  " + _pad("−η·∂C_T/∂θ", WIDTH + 5, right=False) + "  " + after, "dim"),))
    for ref in ex.parameters:
        if not ex.update_biases and ref.quantity == "b":
            continue
        gradient = ex.value_of(BatchRef("grad_" + ref.quantity, ref.layer, ref.j, ref.i))
        lines.append(((" " * len(CURSOR), ""), (_pad(ref.symbol, width, right=False), "bold" if ref == follow else ""),
                      (" " + _pad(number(ex.value_of(ref)), WIDTH), ""),
                      ("  −η·" + _pad(operand(gradient), WIDTH + 2, right=False), ""),
                      ("→ ", "dim"), (number(ex.updated.w(ref.layer, ref.j, ref.i) if ref.quantity == "w"
                                               else ex.updated.b(ref.layer, ref.j)), "")))
    return lines


def without_colours(line: Line) -> Line:
    """A row away from the cursor: the quantities' colours are kept for the step on show."""
    return tuple((text, "" if style in COLOURED else style) for text, style in line)


def with_cursor(line: Line) -> Line:
    """The line of the current step: an arrow (it reads without colour) and the line highlighted."""
    if not line:
        return line
    first, *rest = line
    runs = [(CURSOR + first[0][len(CURSOR):], RESULT_STYLE)]
    return tuple(runs + [(text, f"{style} bold".strip() if style else RESULT_STYLE) for text, style in rest])


class BatchTable(Vertical, can_focus=True):
    DEFAULT_CSS = """
    BatchTable { height: 1fr; }
    BatchTable:focus > #batch-head { text-style: underline; }
    BatchTable #batch-hint { height: auto; color: $text-muted; }
    BatchTable #batch-head { height: 1; }
    BatchTable #batch-scroll { height: 1fr; }
    """
    BINDINGS = [
        bind("n", "move(1)", owner="BatchTable"),
        bind("p", "move(-1)", owner="BatchTable"),
        bind("down", "move(1)", owner="BatchTable", show=False),
        bind("up", "move(-1)", owner="BatchTable", show=False),
        bind("right", "move(1)", owner="BatchTable", show=False),
        bind("left", "move(-1)", owner="BatchTable", show=False),
        bind("pagedown", "move(16)", owner="BatchTable", show=False),
        bind("pageup", "move(-16)", owner="BatchTable", show=False),
        bind("home", "move(-100000)", owner="BatchTable", show=False),
        bind("end", "move(100000)", owner="BatchTable", show=False),
        bind("right_curly_bracket", "follow(1)", owner="BatchTable", key_display="}"),
        bind("left_curly_bracket", "follow(-1)", owner="BatchTable", key_display="{"),
        bind("a", "apply", owner="BatchTable"),
    ]

    @dataclass
    class Moved(Message):
        """Step ``by`` rows (clamped by whoever keeps the state)."""

        by: int

    @dataclass
    class Follow(Message):
        """Follow the next (``by`` = 1) or previous parameter."""

        by: int

    class Apply(Message):
        """Apply the full-batch update to the workbench's network."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._body: list[Line] = []
        self._plain: list[Line] = []
        self._key: tuple | None = None
        self.cursor_line = 0

    def compose(self) -> ComposeResult:
        yield StyledLines(id="batch-hint", wrap=True)
        yield StyledLines(id="batch-head")
        with VerticalScroll(id="batch-scroll", can_focus=False):
            yield StyledLines(id="batch-rows")

    @property
    def body(self) -> list[Line]:
        return self._body

    def show(self, key: tuple, hint: str, header: Line, body, cursor_line: int) -> None:
        """``body`` (a callable making the lines) is made again only when ``key`` changes."""
        if key != self._key:
            self._key, self._body = key, body()
            self._plain = [without_colours(line) for line in self._body]
        self.cursor_line = cursor_line
        self.query_one("#batch-hint", StyledLines).show_text(hint)
        self.query_one("#batch-head", StyledLines).show_lines([header])
        lines = list(self._plain)
        lines[cursor_line] = with_cursor(self._body[cursor_line])
        self.query_one("#batch-rows", StyledLines).show_lines(lines)
        self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        scroller = self.query_one("#batch-scroll", VerticalScroll)
        scroller.scroll_to_region(Region(0, self.cursor_line, 1, 1), animate=False, immediate=True, x_axis=False)

    def action_move(self, by: int) -> None:
        self.post_message(self.Moved(by))

    def action_follow(self, by: int) -> None:
        self.post_message(self.Follow(by))

    def action_apply(self) -> None:
        self.post_message(self.Apply())
