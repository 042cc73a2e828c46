"""Find and read the markdown lessons: ``lessons/<lang>/NN-slug.md``.

Installed, the lessons sit inside the package (``tui_tutor/lessons``); in a
checkout they sit at the top of the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .lesson_markup import is_cjk

LANGUAGES = ("en", "zh")
_LINK = re.compile(r"\]\(workbench:([a-z_]+)\)")


def lessons_root() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "lessons", here.parent / "lessons"):
        if (candidate / "en").is_dir():
            return candidate
    raise FileNotFoundError("the lessons folder is missing from this installation")


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str
    title: str
    text: str

    @property
    def list_title(self) -> str:
        """The title for a narrow list: in CJK, no space after "1.", so a wrapped title
        folds with its number instead of leaving "1." alone on a line."""
        if any(is_cjk(c) for c in self.title):
            return self.title.replace(". ", ".", 1)
        return self.title

    @property
    def workbench_links(self) -> tuple[str, ...]:
        """The phases this lesson's "try it" links open."""
        return tuple(_LINK.findall(self.text))


def _parse(path: Path) -> Lesson:
    text = path.read_text(encoding="utf-8")
    number, _, slug = path.stem.partition("-")
    first = next((line for line in text.splitlines() if line.startswith("# ")), f"# {path.stem}")
    return Lesson(int(number), slug, first[2:].strip(), text)


@cache
def load_lessons(lang: str) -> tuple[Lesson, ...]:
    """The lessons of one language, in order; English where a language has none."""
    folder = lessons_root() / (lang if lang in LANGUAGES else "en")
    found = tuple(_parse(p) for p in sorted(folder.glob("[0-9][0-9]-*.md")))
    return found if found or lang == "en" else load_lessons("en")
