"""The markdown of the lessons, read into blocks the lesson view draws.

Lessons use a small part of markdown (see lessons/README.md): ``#`` and ``##``
headings, paragraphs, ``-`` and ``1.`` lists, fenced code blocks (also inside a
list item) and, inside text, links, ``*emphasis*``, ``**bold**`` and ``code``.
Reading just that is a few dozen lines and leaves out markdown-it and a widget
per block, which made the lessons the slowest part of a start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"([-*+]|\d{1,3}[.)])\s+(.*)")
_FENCE = "```"
INLINE = re.compile(r"\[(?P<link>[^\]]+)\]\((?P<href>[^)\s]+)\)|\*\*(?P<bold>.+?)\*\*|\*(?P<em>[^*\s][^*]*)\*"
                    r"|`(?P<code>[^`]+)`")
"""Inline markup: a link, **bold**, *emphasis* or `code` (one group each)."""


@dataclass(frozen=True)
class Block:
    kind: str
    """"heading", "paragraph" or "code"."""
    text: str
    """Paragraphs: inline markdown on one line; code: the lines as written; headings: the title."""
    level: int = 0
    """Headings: 1 for ``#``, 2 for ``##``…"""
    indent: int = 0
    """Columns the block sits in from the left (inside a list item, under its text)."""
    marker: str = ""
    """A list item's first paragraph: its marker ("•", "1.")."""
    gap: bool = True
    """A blank line came before it (none between the items of a tight list)."""


def is_cjk(char: str) -> bool:
    """A CJK character (or CJK punctuation): written without spaces, and two cells wide."""
    return ord(char) >= 0x2E80


def join_lines(lines: list[str]) -> str:
    """A paragraph's lines on one line: a space between them, as markdown reads a line
    break, except between two CJK characters, which are written without spaces."""
    out = ""
    for line in (line.strip() for line in lines):
        if out and line and not (is_cjk(out[-1]) and is_cjk(line[0])):
            out += " "
        out += line
    return out


def _starts_block(stripped: str) -> bool:
    return stripped.startswith(_FENCE) or bool(_HEADING.match(stripped)) or bool(_ITEM.match(stripped))


def parse(markdown: str) -> list[Block]:
    """The blocks of a lesson, in order."""
    lines = markdown.splitlines()
    blocks: list[Block] = []
    k, gap = 0, True
    while k < len(lines):
        line = lines[k]
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        k += 1
        if not stripped:
            gap = True
            continue
        if stripped.startswith(_FENCE):
            body = []
            while k < len(lines) and not lines[k].lstrip().startswith(_FENCE):
                # The fence's own indent comes off each line (a code block in a list item), the
                # rest stays: code is laid out with spaces (a formula's continuation, a diagram).
                prefix = lines[k][:indent]
                body.append(lines[k][indent:] if not prefix.strip() else lines[k].lstrip())
                k += 1
            k += 1  # the closing fence
            blocks.append(Block("code", "\n".join(body), indent=indent, gap=gap))
            gap = False
            continue
        heading = _HEADING.match(stripped)
        if heading and indent < 4:
            blocks.append(Block("heading", heading.group(2), level=len(heading.group(1)), gap=gap))
            gap = False
            continue
        item = _ITEM.match(stripped)
        marker = ""
        if item:
            marker = "•" if item.group(1) in "-*+" else item.group(1)
            stripped = item.group(2)
        paragraph = [stripped]
        while k < len(lines) and lines[k].strip() and not _starts_block(lines[k].lstrip()):
            paragraph.append(lines[k])
            k += 1
        blocks.append(Block("paragraph", join_lines(paragraph), indent=indent, marker=marker, gap=gap))
        gap = False
    return blocks

