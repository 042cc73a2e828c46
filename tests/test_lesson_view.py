"""The lessons' markdown, read into blocks, broken into lines and drawn by the lesson view."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from tui_tutor.app import TutorApp
from tui_tutor.curriculum.quiz import question_ids
from tui_tutor.progress import MemoryStore
from tui_tutor.curriculum.lesson_markup import parse
from tui_tutor.curriculum.lessons import LANGUAGES, load_lessons
from tui_tutor.widgets.lesson_view import LessonView
from tui_tutor.widgets.line_breaks import CLOSING, break_offsets, wrap

LESSON = """# 7. Title

## One image

For a single image,
runs in *this* order, see [the workbench](workbench:forward):

1. Forward. Compute every weighted input
   and output:

   ```text
   z = w a + b
     a = σ(z)
   ```

2. Output errors.

- `forward`: weighted inputs
- `cost`: the **squared** error

第一行
第二行 and more
"""


def test_the_blocks_of_a_lesson():
    blocks = parse(LESSON)
    assert [(b.kind, b.level, b.indent, b.marker) for b in blocks] == [
        ("heading", 1, 0, ""), ("heading", 2, 0, ""), ("paragraph", 0, 0, ""), ("paragraph", 0, 0, "1."),
        ("code", 0, 3, ""), ("paragraph", 0, 0, "2."), ("paragraph", 0, 0, "•"), ("paragraph", 0, 0, "•"),
        ("paragraph", 0, 0, "")]
    assert blocks[2].text == "For a single image, runs in *this* order, see [the workbench](workbench:forward):"
    assert blocks[4].text == "z = w a + b\n  a = σ(z)"  # the list's indent taken off, the code's own kept
    assert [b.gap for b in blocks[5:8]] == [True, True, False]  # no blank line inside a tight list
    assert blocks[-1].text == "第一行第二行 and more"  # CJK lines join without a space


def test_every_lesson_reads_into_known_blocks():
    for lang in LANGUAGES:
        for lesson in load_lessons(lang):
            blocks = parse(lesson.text)
            assert blocks[0].kind == "heading" and blocks[0].level == 1 and blocks[0].text == lesson.title
            assert {b.kind for b in blocks} <= {"heading", "paragraph", "code"}
            assert not any("```" in b.text or b.text.startswith("#") for b in blocks), lesson.slug
            fenced = lesson.text.count("```") // 2
            assert sum(b.kind == "code" for b in blocks) == fenced, lesson.slug


def test_chinese_breaks_between_characters_but_not_before_punctuation():
    text = "第 1 课发现，许多链式法则的长乘积中都藏着同一个量。"
    for width, first in ((13, "第 1 课发现，"), (12, "第 1 课发")):  # a comma never starts a line
        cuts = break_offsets(text, width)
        lines = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
        assert lines[0] == first and all(cell_len(line.rstrip()) <= width for line in lines)
        assert not any(line[0] in CLOSING for line in lines)
    assert break_offsets("plain words wrap at spaces", 12) == [12, 20]  # "plain words ", "wrap at ", "spaces"


@given(st.text(alphabet="ab 第一，。δ₁²", min_size=0, max_size=80), st.integers(min_value=2, max_value=30))
def test_wrapped_lines_fit_and_keep_every_character(text, width):
    lines = wrap(Text(text), width, Console())
    shown = ["".join(seg.text for seg in line) for line in lines]
    assert all(cell_len(line) <= width for line in shown)
    assert "".join(shown).replace(" ", "") == text.replace(" ", "")


async def test_the_view_draws_a_lesson_its_headings_and_links():
    app = TutorApp(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one("#lesson", LessonView)
        lesson = load_lessons("zh")[0]
        assert view.headings[0] == (1, lesson.title)
        contents = app.screen.query_one("#lesson-toc")
        assert len(contents.items) == sum(1 for line in lesson.text.splitlines() if line.startswith("## "))
        first_line = "".join(seg.text for seg in view.render_line(0))
        assert lesson.title in first_line.replace(" ", "") or lesson.title.replace(" ", "") in first_line.replace(" ", "")
        contents.focus()
        await pilot.press("down", "down", "enter")  # the second section (the third heading): the view scrolls to it
        assert view.scroll_offset.y == view._heading_lines[2] > 0
        assert view.headings[2][1] in "".join(seg.text for seg in view.render_line(0))


async def test_the_lesson_takes_the_new_colours_when_the_theme_changes():
    app = TutorApp(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one("#lesson", LessonView)
        dark = view.render_line(0)
        await pilot.press("D")
        light = view.render_line(0)
        assert dark.text == light.text and dark != light
        assert {seg.style.bgcolor for seg in light} != {seg.style.bgcolor for seg in dark}


def test_a_word_too_wide_for_the_line_is_folded_even_before_punctuation():
    assert break_offsets(" aa，", 3) == [1, 3]  # " ", "aa", "，": wider than 3 cells otherwise


async def test_the_lessons_list_picks_by_keys_and_clicks_and_marks_mastered_lessons():
    from fsrs import Rating

    from tui_tutor.tutor.review import Reviews

    store = MemoryStore()
    for qid in question_ids("en")[1]:
        store.record_answer(1, qid, "x", True, 1.0)
    store.record_skill_attempt("forward-z", "x", True)  # lesson 1's skill, mastered: its ✓
    Reviews(store).rate("forward-z", Rating.Good)
    app = TutorApp(lang="en", store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        lessons = app.screen.query_one("#lesson-list")
        assert lessons.items[0].startswith("✓ 1.") and not lessons.items[1].startswith("✓")
        lessons.focus()  # the highlight is on the lesson open: lesson 1
        await pilot.press("down", "enter")
        assert app.screen.lesson.number == 2 and lessons.highlighted == 1
        row = next(y for y, (item, _) in enumerate(lessons._rows) if item == 2)  # lesson 3's first line
        await pilot.click(lessons, offset=(3, row - lessons.scroll_offset.y))
        assert app.screen.lesson.number == 3 and app.screen.sub_title == load_lessons("en")[2].title
