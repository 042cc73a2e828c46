"""Where to break a line of text, for English and for Chinese.

Rich and Textual break lines only at spaces, and Chinese has none: to them a sentence
is one long "word", pushed whole onto the next line and then cut wherever the width
runs out. Here a line may also break between two CJK characters, as Chinese is
set, but never before closing punctuation (，。) nor after opening punctuation (（“)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from ..curriculum.lesson_markup import is_cjk

CLOSING = set("，。、；：？！）》」』”’〉】…,.;:?!)]}")
OPENING = set("（《「『“‘〈【([{")


def can_break_before(text: str, k: int) -> bool:
    before, char = text[k - 1], text[k]
    if char.isspace():
        return False
    if before.isspace():
        return True
    if char in CLOSING or before in OPENING:
        return False
    return is_cjk(before) or is_cjk(char)


def break_offsets(text: str, width: int) -> list[int]:
    """Offsets to cut ``text`` at so that no line is wider than ``width`` cells
    (spaces at the end of a line aside: they are not drawn)."""
    offsets: list[int] = []
    start = column = 0
    last_break = None
    for k, char in enumerate(text):
        if k > start and can_break_before(text, k):
            last_break = k
        cells = cell_len(char)
        while column + cells > width and not char.isspace() and k > start:
            # Break at the last place allowed; with none, or still too wide, fold the word here.
            cut = last_break if last_break is not None else k
            offsets.append(cut)
            start, last_break = cut, None
            column = cell_len(text[cut:k])
        column += cells
    return offsets


def wrap(text: Text, width: int, console: Console) -> list[list[Segment]]:
    """``text`` in lines of at most ``width`` cells, each line as segments."""
    width = max(width, 2)  # room for one CJK character
    lines = text.split("\n", allow_blank=True) if "\n" in text.plain else [text]
    out = []
    for line in lines:
        for piece in line.divide(break_offsets(line.plain, width)) if line.plain else [line]:
            piece.rstrip()
            # Text.render leaves out the text's own (base) style: put it under the spans' styles.
            out.append(list(Segment.apply_style(piece.render(console), console.get_style(piece.style))))
    return out
