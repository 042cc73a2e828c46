"""The translation catalogue (tui_tutor/i18n): complete in both languages, every key named in it,
every id the code asks for present, none left unused."""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable

import tui_tutor
from tui_tutor.app import TutorApp
from tui_tutor.curriculum.grading import AnswerError, parse_answer
from tui_tutor.curriculum.quiz import KINDS
from tui_tutor.engine.numbers import NumberError, parse_whole
from tui_tutor.engine.steps import PHASES
from tui_tutor.i18n import CATALOGUE, LANGUAGES, PHASE_TITLES, action_label, detect_language, en, tr, zh
from tui_tutor.screens.help import HelpScreen
from tui_tutor.screens.lessons import LessonsScreen
from tui_tutor.screens.mistakes import MistakesScreen
from tui_tutor.screens.prompt import PromptScreen
from tui_tutor.screens.quiz import QuizScreen
from tui_tutor.screens.training import TrainingScreen
from tui_tutor.screens.workbench import TAB_TITLES, WorkbenchScreen
from tui_tutor.widgets.keys import bind
from tui_tutor.widgets.parameter_grid import ParameterGrid
from tui_tutor.widgets.pixel_grid import PixelGrid

PACKAGE = Path(tui_tutor.__file__).resolve().parent  # the package under test: the checkout's or the installed one
ROOT = PACKAGE.parent
OURS = (TutorApp, LessonsScreen, WorkbenchScreen, TrainingScreen, QuizScreen, HelpScreen, PromptScreen,
        MistakesScreen, PixelGrid, ParameterGrid)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_every_id_is_in_both_languages_with_the_same_placeholders():
    assert list(zh.WORDS) == list(en.WORDS)  # same ids, same order: a translator reads them side by side
    for key, english in en.WORDS.items():
        assert placeholders(zh.WORDS[key]) == placeholders(english), key
        assert zh.WORDS[key].strip() and english.strip(), key


def test_the_catalogue_names_the_engines_phases():
    for lang in LANGUAGES:
        assert list(PHASE_TITLES[lang]) == list(PHASES)
        assert action_label(lang, "jump('backward')") == tr(lang, "jump_to_phase", phase=PHASE_TITLES[lang]["backward"])


def test_the_language_comes_from_the_locale():
    assert detect_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert detect_language({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"  # LC_ALL overrides
    assert detect_language({}) == "en"
    assert tr("fr", "help") == "Help"  # a language the tutor does not speak: English


def test_i18n_is_the_bottom_layer():
    """It imports nothing else of the tutor and no UI library: the engine may use it."""
    probe = ("import json, sys; import tui_tutor.i18n; print(json.dumps(sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('tui_tutor', 'textual', 'rich'))))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["tui_tutor", "tui_tutor.i18n", "tui_tutor.i18n.en", "tui_tutor.i18n.zh"]


def bindings_of(cls) -> list[Binding]:
    return [b for b in cls.BINDINGS if isinstance(b, Binding)]


@pytest.mark.parametrize("cls", OURS, ids=lambda cls: cls.__name__)
def test_every_key_of_ours_is_named_in_both_languages_and_described_in_english(cls):
    named = [b for b in bindings_of(cls) if b.description]
    assert named
    for binding in named:
        for lang in LANGUAGES:
            assert action_label(lang, binding.action, cls.__name__), (lang, binding.action)
        # The command palette shows the description: the catalogue's English, not a copy of it
        assert binding.description == action_label("en", binding.action, cls.__name__)


def test_textuals_common_keys_are_named_in_both_languages():
    textual = [b for cls in (App, Screen) for b in bindings_of(cls) if b.description and not b.system]
    actions = {b.action for b in textual} | {"command_palette"}
    assert {"quit", "app.focus_next", "app.focus_previous", "screen.copy_text"} <= actions
    for action in actions:
        for lang in LANGUAGES:
            assert action_label(lang, action), (lang, action)


def test_one_action_string_can_mean_different_keys_in_different_widgets():
    assert action_label("en", "move(0, -1)", "PixelGrid") == "Up"
    assert action_label("zh", "move(0, -1)", "ParameterGrid") == "左"
    assert action_label("zh", "select", "ParameterGrid") == "编辑" and action_label("zh", "select") == "选择"


def test_a_binding_is_described_from_the_catalogue_and_refused_for_an_unknown_action():
    assert bind("up", "move(0, -1)", owner="PixelGrid", show=False).description == "Up"
    assert bind("3", "jump('output_delta')").description == "Jump to Output-layer δ"
    with pytest.raises(KeyError, match="no_such_action"):
        bind("x", "no_such_action")


def test_refused_numbers_and_answers_say_it_in_english_from_the_catalogue():
    with pytest.raises(NumberError) as refused:
        parse_whole("70", 1, 64)
    assert str(refused.value) == tr("en", "bad_answer_range", **refused.value.values) == \
        "70 is out of range: it must be from 1 to 64."
    assert tr("zh", "bad_answer_range", **refused.value.values) == "70 超出范围：必须在 1 到 64 之间。"
    with pytest.raises(AnswerError) as refused:
        parse_answer("1,2.3")
    assert str(refused.value) == tr("en", f"bad_answer_{refused.value.key}", **refused.value.values)


# Which ids the code asks for: literals given to tr, and the families it builds keys from

# tr("x"), app.tr("x"), tr(lang, 'x'), tr("en", "x"); the language, once read, is not taken back for a key
TR_LITERAL = re.compile(r"""\btr\(\s*(?:(?:[\w.]+|(['"])\w\w\1)\s*,\s*)?+(['"])([\w.]+)\2""")
REFUSED = re.compile(r"""\b_refused\(\s*(['"])(\w+)\1""")  # the workbench's prompts: self._refused("x", ...)
KEY_CHOICE = re.compile(r"""\bkey = .*""")  # key = "a" if ... else "b", then tr(key, ...)
RAISED = {  # exceptions that carry a key, and the id each key is said by
    re.compile(r"""\b(?:Number|Answer)Error\(\s*['"](\w+)"""): "bad_answer_{}",
    re.compile(r"""\bLibraryError\(\s*['"](\w+)"""): "library_{}",
    re.compile(r"""\bTrainingRefused\(\s*['"](\w+)"""): "{}",
}


def sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "i18n" not in path.relative_to(PACKAGE).parts:
            yield path, path.read_text(encoding="utf-8")


def used_ids() -> dict[str, str]:
    """Every id the code asks for, with where."""
    used = {}
    for path, text in sources():
        where = str(path.relative_to(ROOT))
        found = {m[2] for m in TR_LITERAL.findall(text)} | {m[1] for m in REFUSED.findall(text)}
        for line in KEY_CHOICE.findall(text):
            found |= set(re.findall(r"""['"](\w+)['"]""", line.split("=", 1)[1]))
        for pattern, form in RAISED.items():
            found |= {form.format(key) for key in pattern.findall(text)}
        used.update(dict.fromkeys(found, where))
    used.update(dict.fromkeys(TAB_TITLES.values(), "screens/workbench.py: TAB_TITLES"))
    used.update(dict.fromkeys(KINDS, "screens/quiz.py: tr(q.kind)"))
    used.update({f"prompt_{a}{s}": "screens/workbench_prompts.py" for a in ("save", "load") for s in ("", "_slot")})
    return used


def test_every_id_the_code_asks_for_exists_in_both_languages():
    used = used_ids()
    assert {"edit_hint", "bad_answer_letter", "library_no_slot", "stopped", "seed_whole"} <= set(used)
    for key, where in sorted(used.items()):
        for lang in LANGUAGES:
            assert key in CATALOGUE[lang], f"{where} asks for {key!r}, missing in {lang}"


def test_no_id_is_left_unused():
    kept = {"jump_to_phase"}  # the jumps' labels are made from it
    plain = {k for k in en.WORDS if not k.startswith(("action.", "phase.", "help."))}
    assert sorted(plain - set(used_ids()) - kept) == []


async def test_the_help_names_the_keys_by_their_action_in_the_learners_language():
    app = TutorApp(lang="zh", start="workbench")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        table = app.screen.query_one(DataTable)
        rows = {str(table.get_row_at(k)[0]): str(table.get_row_at(k)[1]) for k in range(table.row_count)}
        assert rows["n"] == "下一步" and rows["3"] == "跳到输出层的 δ"
        assert rows["→"] == "右"  # the pixel grid has the focus: its own key, named for the grid
        assert rows["tab"] == "下一个控件" and rows["鼠标"].startswith("点击像素")
        assert [str(c.label) for c in table.columns.values()] == ["按键", "操作"]
        await pilot.press("escape", "L", "question_mark")  # English now
        table = app.screen.query_one(DataTable)
        rows = {str(table.get_row_at(k)[0]): str(table.get_row_at(k)[1]) for k in range(table.row_count)}
        assert rows["3"] == "Jump to Output-layer δ" and rows["L"] == "中文/English"


def test_no_id_is_written_twice_in_a_language():
    """A dict literal keeps the last of two equal keys without a word: merges must not leave one behind."""
    import ast
    from pathlib import Path

    import tui_tutor.i18n as package

    for name in ("en.py", "zh.py"):
        tree = ast.parse((Path(package.__file__).parent / name).read_text(encoding="utf-8"))
        keys = [k.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
                for k in node.keys if isinstance(k, ast.Constant)]
        assert sorted({k for k in keys if keys.count(k) > 1}) == [], name
