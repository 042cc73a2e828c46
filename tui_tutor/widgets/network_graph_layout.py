"""Where the network graph puts its units and how its edges run: computed once per network
shape and room, so that a step only restyles what is already laid out.

Units stand in columns, one column a layer; every weight w_ji^l is a straight line from
unit i of layer l−1 to unit j of layer l, drawn in braille dots (2×4 dots a cell), so that
any two units can be joined whatever their rows. A line's dots are kept with the index of
each dot along it, which lets a painter draw it solid or dotted, thin or thick, without
laying it out again.

**When the 12 inputs become the 3×4 picture.** Twelve inputs one to a row need twelve rows
for the graph, plus a header and the step's quantities: eighteen. At 80×24 the
step-through has about thirteen, and a column of twelve labels also leaves too little width
for 36 edges. So when the input layer has the book's 12 units and the graph would not fit
(fewer rows than 12 + RESERVED_ROWS, or edges shorter than MIN_GAP cells), the inputs are
drawn as the 3×4 image the learner knows, and the 12 weights into a hidden unit are bundled
into one line from the image to it; the weights themselves are in the list of the step's
quantities. With room (120×40 and larger) every input and every weight is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine import symbols as S

RESERVED_ROWS = 6  # header, a blank, the step's quantities (about four lines; the legend beside
# them when the view is wide, else below them, a scroll away at 80×24)
MIN_GAP, MAX_GAP = 4, 28  # cells between two columns: room for an edge, and no more than reads well
PICTURE_ROWS, PICTURE_COLUMNS, PIXEL_WIDTH = 4, 3, 2
VALUE_WIDTHS, INPUT_VALUE = (10, 9, 7, 6), 5  # cells for a unit's number: the most that leave room
# Braille: dot (column, row) of a cell → its bit (U+2800 + bits is the character).
_DOT_BITS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20,
             (0, 3): 0x40, (1, 3): 0x80}

EdgeKey = tuple[int, int, int]  # (l, j, i): the weight w_ji^l
Dot = tuple[int, int, int]  # (x, y) in dots, and the index along the line


@dataclass(frozen=True)
class Node:
    layer: int
    unit: int
    x: int  # the cell of its mark; the label follows
    y: int
    width: int  # mark and label


@dataclass
class GraphLayout:
    layers: tuple[int, ...]
    width: int  # cells of the graph
    height: int  # rows of the graph
    bundled: bool  # the 12 inputs as the 3×4 picture (see the module's docstring)
    value_width: int
    columns: list[int]  # the first cell of each layer's column
    nodes: dict[tuple[int, int], Node]
    picture: tuple[int, int] | None  # (x, y) of the picture's top-left cell when bundled
    lines: dict[object, list[Dot]]  # a drawn line's dots, by line id
    _bits: dict = field(default_factory=dict)

    def line_of(self, key: EdgeKey) -> object:
        """The id of the line that draws weight ``key`` (a bundle stands for 12 weights)."""
        l, j, _ = key
        return ("bundle", j) if self.bundled and l == 2 else key

    def cells(self, line: object, dotted: bool, thick: bool) -> dict[tuple[int, int], int]:
        """The line's braille bits cell by cell, solid or dotted, thin or thick."""
        cached = self._bits.get((line, dotted, thick))
        if cached is None:
            cached = {}
            for x, y, k in self.lines[line]:
                if dotted and (k // 2) % 2:
                    continue
                for dy in ((0, 1) if thick else (0,)):
                    cell = (x // 2, (y + dy) // 4)
                    cached[cell] = cached.get(cell, 0) | _DOT_BITS[(x % 2, (y + dy) % 4)]
            self._bits[(line, dotted, thick)] = cached
        return cached

    def ends(self, line: object) -> tuple[tuple[int, int], tuple[int, int]]:
        """The line's first and last cells (beside the unit it leaves and the one it reaches)."""
        dots = self.lines[line]
        (x0, y0, _), (x1, y1, _) = dots[0], dots[-1]
        return (x0 // 2, y0 // 4), (x1 // 2, y1 // 4)


def braille(bits: int) -> str:
    return chr(0x2800 + bits)


def _column_widths(layers: tuple[int, ...], value: int, bundled: bool) -> list[int]:
    """Each layer's column; the outputs also show their target ("t₂ 1")."""
    widths = []
    for l, n in enumerate(layers, start=1):
        if l == 1:
            widths.append(PICTURE_COLUMNS * PIXEL_WIDTH if bundled else _node_width(1, n, INPUT_VALUE))
        else:
            widths.append(_node_width(l, n, value))
    widths[-1] += 1 + len(S.target(layers[-1])) + 1 + INPUT_VALUE
    return widths


def _node_width(l: int, n: int, value: int) -> int:
    """Mark, symbol, space, number, and a space before the edges leave."""
    return 1 + len(S.unit("a", l, n)) + 1 + value + 1


def _gap(width: int, widths: list[int]) -> int:
    return (width - sum(widths)) // max(1, len(widths) - 1)


def layout(layers: tuple[int, ...], width: int, rows: int) -> GraphLayout:
    """The graph of a network of ``layers`` in ``width`` cells, for a view of ``rows`` rows."""
    book_inputs = layers[0] == PICTURE_ROWS * PICTURE_COLUMNS
    bundled = book_inputs and (rows < layers[0] + RESERVED_ROWS
                               or _gap(width, _column_widths(layers, VALUE_WIDTHS[1], False)) < MIN_GAP)
    value = next((v for v in VALUE_WIDTHS if _gap(width, _column_widths(layers, v, bundled)) >= MIN_GAP + (v > 9)),
                 VALUE_WIDTHS[-1])  # too narrow even so: the container scrolls sideways
    widths = _column_widths(layers, value, bundled)
    gap = max(MIN_GAP, min(MAX_GAP, _gap(width, widths)))
    tallest = max([PICTURE_ROWS if bundled else layers[0], *layers[1:]])
    height = max(tallest, min(rows - RESERVED_ROWS, max(2 * tallest - 1, 9)))
    if tallest > 1:  # the tallest column evenly spaced: one, two… rows from unit to unit
        height = (tallest - 1) * ((height - 1) // (tallest - 1)) + 1
    columns = [0]
    for w in widths[:-1]:
        columns.append(columns[-1] + w + gap)
    nodes: dict[tuple[int, int], Node] = {}
    for l, n in enumerate(layers, start=1):
        if l == 1 and bundled:
            continue
        for u in range(1, n + 1):
            y = round((u - 0.5) * height / n - 0.5)
            nodes[(l, u)] = Node(l, u, columns[l - 1], y, _node_width(l, n, INPUT_VALUE if l == 1 else value))
    picture = (0, (height - PICTURE_ROWS) // 2) if bundled else None
    lines: dict[object, list[Dot]] = {}
    for l in range(2, len(layers) + 1):
        for j in range(1, layers[l - 1] + 1):
            end = nodes[(l, j)]
            to = (2 * end.x - 1, 4 * end.y + 1)
            if bundled and l == 2:
                px, py = picture
                lines[("bundle", j)] = _dots((2 * (px + widths[0]), 4 * py + 7), to)
                continue
            for i in range(1, layers[l - 2] + 1):
                start = nodes[(l - 1, i)]
                lines[(l, j, i)] = _dots((2 * (start.x + start.width), 4 * start.y + 1), to)
    return GraphLayout(layers, columns[-1] + widths[-1], height, bundled, value, columns, nodes, picture, lines)


def _dots(start: tuple[int, int], end: tuple[int, int]) -> list[Dot]:
    """The dots of a straight line, one a step along its longer axis."""
    (x0, y0), (x1, y1) = start, end
    n = max(abs(x1 - x0), abs(y1 - y0), 1)
    return [(round(x0 + (x1 - x0) * k / n), round(y0 + (y1 - y0) * k / n), k) for k in range(n + 1)]
