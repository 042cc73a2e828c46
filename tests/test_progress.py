"""The progress store for real: files under tmp_path, hand-made old and damaged databases, real processes."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import platformdirs
import pytest

from tui_tutor.progress import (
    DB_NAME,
    ENV_VAR,
    SCHEMA_VERSION,
    Answer,
    NullStore,
    ProgressStore,
    Score,
    data_dir,
    default_user,
    open_store,
)
from tui_tutor.tutor.workbench import Workbench
from tui_tutor.tutor.workbench_json import workbench_from_json, workbench_to_json

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def test_progress_is_kept_across_reopening(tmp_path):
    store, warning = open_store(tmp_path / "data", "ada")
    assert warning is None and type(store) is ProgressStore
    for n in (3, 5, 3):
        store.mark_lesson_read(n)
    store.record_answer(3, "delta-1", "0.0138", True, 12.5)
    store.record_answer(3, "order-2", "2143", False, 30.0)
    bench = Workbench.from_preset("book", image=7).at_step(4)
    store.set_state("workbench", workbench_to_json(bench))
    store.set_state("last_screen", "quiz:3")
    store.close()
    store, warning = open_store(tmp_path / "data", "ada")
    assert warning is None and (tmp_path / "data" / DB_NAME).is_file()
    assert store.lessons_read() == {3, 5}
    assert [(a.lesson, a.question_id, a.answer, a.correct, a.seconds) for a in store.answers()] == [
        (3, "delta-1", "0.0138", True, 12.5), (3, "order-2", "2143", False, 30.0)]
    assert store.answers(lesson=5) == [] and len(store.answers(lesson=3)) == 2
    assert workbench_to_json(workbench_from_json(store.get_state("workbench"))) == workbench_to_json(bench)
    assert store.get_state("last_screen") == "quiz:3" and store.get_state("never set") is None
    summary = store.summary({3: 2})
    assert json.loads(json.dumps(summary)) == summary
    assert (summary["user"], summary["saving"], summary["lessons_read"], summary["last_screen"], summary["answers"]) \
        == ("ada", True, [3, 5], "quiz:3", 2)
    assert summary["scores"] == {"3": {"right": 1, "answered": 2, "total": 2, "mastered": False}}


def test_scores_count_the_latest_answer_to_each_question(tmp_path):
    store = ProgressStore.open(tmp_path / DB_NAME, "ada")
    for lesson, qid, correct in [(1, "a", False), (1, "b", True), (1, "a", True), (2, "c", False)]:
        store.record_answer(lesson, qid, "x", correct, 3.0)
    scores = store.lesson_scores({1: 2, 2: {"c", "d"}, 4: 3})
    assert (scores[1], scores[2], scores[4]) == (Score(2, 2, 2), Score(0, 1, 2), Score(0, 0, 3))
    assert [s.mastered for s in (scores[1], scores[2], scores[4])] == [True, False, False]
    assert store.lesson_scores()[1] == Score(2, 2, None) and not store.lesson_scores()[1].mastered
    assert store.lesson_scores({1: {"a"}})[1] == Score(1, 1, 1)  # "b" left the bank: it no longer counts
    assert store.missed_questions(1) == [] and store.missed_questions(2) == ["c"]
    for qid in ("b", "a"):
        store.record_answer(1, qid, "q", False, 1.0)
    assert store.missed_questions(1) == ["a", "b"]  # in the order first answered


def test_two_learners_are_kept_apart_and_reset_forgets_only_one(tmp_path):
    ada, _ = open_store(tmp_path, "ada")
    bob, _ = open_store(tmp_path, "bob")
    ada.mark_lesson_read(1)
    ada.record_answer(1, "q", "1", True, 1.0)
    ada.set_state("last_screen", "workbench")
    bob.mark_lesson_read(2)
    bob.set_state("last_screen", "lessons:2")
    assert ada.lessons_read() == {1} and bob.lessons_read() == {2}
    assert bob.answers() == [] and bob.lesson_scores() == {}
    assert (ada.get_state("last_screen"), bob.get_state("last_screen")) == ("workbench", "lessons:2")
    report = bob.all_users_summary({1: 1})
    assert [(r["user"], r["answers"], r["lessons_read"]) for r in report] == [("ada", 1, [1]), ("bob", 0, [2])]
    assert report[0]["scores"]["1"]["mastered"] is True
    ada.reset()
    assert (ada.lessons_read(), ada.answers(), ada.get_state("last_screen")) == (set(), [], None)
    assert bob.lessons_read() == {2} and bob.get_state("last_screen") == "lessons:2"
    assert [r["user"] for r in bob.all_users_summary()] == ["bob"]  # ada is forgotten, her name too


VERSION_1 = """
CREATE TABLE users (name TEXT PRIMARY KEY, first_seen REAL NOT NULL, last_seen REAL NOT NULL);
CREATE TABLE lessons_read (user TEXT NOT NULL, lesson INTEGER NOT NULL, first_read REAL NOT NULL,
                           last_read REAL NOT NULL, PRIMARY KEY (user, lesson));
CREATE TABLE answers (id INTEGER PRIMARY KEY, user TEXT NOT NULL, lesson INTEGER NOT NULL, question_id TEXT NOT NULL,
                      answer TEXT NOT NULL, correct INTEGER NOT NULL, answered_at REAL NOT NULL);
CREATE TABLE state (user TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated REAL NOT NULL,
                    PRIMARY KEY (user, key));
INSERT INTO users VALUES ('ada', 1700000000, 1700000000);
INSERT INTO lessons_read VALUES ('ada', 2, 1700000000, 1700000100);
INSERT INTO answers VALUES (1, 'ada', 2, 'q1', '0.5', 1, 1700000050);
INSERT INTO state VALUES ('ada', 'last_screen', 'quiz:2', 1700000060);
PRAGMA user_version = 1;
"""


def test_a_version_1_database_is_migrated_with_its_data_kept_and_a_newer_one_left_alone(tmp_path):
    sqlite3.connect(path := tmp_path / DB_NAME).executescript(VERSION_1).connection.close()
    store = ProgressStore.open(path, "ada")
    assert store.warning is None
    assert store.answers() == [Answer(2, "q1", "0.5", True, None, 1700000050.0)]
    assert store.lessons_read() == {2} and store.get_state("last_screen") == "quiz:2"
    assert store.summary()["first_seen"] == "2023-11-14T22:13:20+00:00"
    store.record_answer(2, "q2", "0.7", False, 7.5)
    assert store.answers()[-1].seconds == 7.5
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    assert "seconds" in [row[1] for row in conn.execute("PRAGMA table_info(answers)")]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    newer = "PRAGMA journal_mode = DELETE; CREATE TABLE future (x); PRAGMA user_version = 99;"
    sqlite3.connect(path).executescript(newer).connection.close()
    before = path.read_bytes()  # a later tutor's file: left exactly as it is
    store, warning = open_store(tmp_path, "ada")
    assert isinstance(store, NullStore) and "newer tui-tutor" in warning and path.read_bytes() == before


def test_a_version_3_database_moves_lessons_7_and_up_one_place_for_the_new_lesson_7(tmp_path):
    version_3 = VERSION_1.replace("PRAGMA user_version = 1;", """
ALTER TABLE answers ADD COLUMN seconds REAL;
CREATE TABLE networks (user TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL, updated REAL NOT NULL,
                       PRIMARY KEY (user, name));
INSERT INTO lessons_read VALUES ('ada', 7, 1, 2), ('ada', 8, 3, 4), ('bob', 6, 5, 6);
INSERT INTO answers VALUES (2, 'ada', 7, 'why-sum-images', '1', 1, 9, 3.0),
                           (3, 'ada', 8, 'true-statement', 'c', 1, 9, NULL), (4, 'bob', 6, 'old-weights', 'd', 1, 9, NULL);
INSERT INTO state VALUES ('ada', 'lesson', '7', 9), ('ada', 'quiz_position', '8:3', 9),
                         ('bob', 'lesson', '5', 9), ('bob', 'quiz_position', '6:1', 9),
                         ('cy', 'lesson', 'x7', 9), ('cy', 'quiz_position', '7:', 9),
                         ('dan', 'quiz_position', 'a:7', 9);
PRAGMA user_version = 3;""")
    sqlite3.connect(path := tmp_path / DB_NAME).executescript(version_3).connection.close()
    ada, bob = ProgressStore.open(path, "ada"), ProgressStore.open(path, "bob")
    assert ada.lessons_read() == {2, 8, 9} and bob.lessons_read() == {6}
    assert [(a.lesson, a.question_id) for a in ada.answers()] == [(2, "q1"), (8, "why-sum-images"),
                                                                  (9, "true-statement")]
    assert [(a.lesson, a.question_id) for a in bob.answers()] == [(6, "old-weights")]
    assert (ada.get_state("lesson"), ada.get_state("quiz_position")) == ("8", "9:3")  # index 7 is lesson 8, now 9
    assert (bob.get_state("lesson"), bob.get_state("quiz_position")) == ("5", "6:1")
    for user, key, value in (("cy", "lesson", "x7"), ("cy", "quiz_position", "7:"), ("dan", "quiz_position", "a:7")):
        assert ProgressStore.open(path, user).get_state(key) == value  # what was not understood is left alone


@pytest.mark.parametrize("damage", ["not sqlite", "damaged pages"])
def test_a_damaged_database_is_moved_aside_and_a_fresh_one_started(tmp_path, damage):
    path = tmp_path / DB_NAME
    if damage == "not sqlite":
        path.write_bytes(b"this is not an SQLite database\n" * 200)
    else:
        with ProgressStore.open(path, "ada") as store:
            for n in range(300):
                store.record_answer(1, f"q{n}", "x" * 50, True, 1.0)
        data = bytearray(path.read_bytes())
        for start in range(4096, len(data), 4096):  # every b-tree page header but the first
            data[start:start + 8] = b"\x0d" + b"\xff" * 7
        path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    store, warning = open_store(tmp_path, "ada")
    kept = list(tmp_path.glob(DB_NAME + ".corrupt-*"))
    assert type(store) is ProgressStore and len(kept) == 1 and kept[0].read_bytes() == damaged
    assert "damaged" in warning and kept[0].name in warning and "fresh one" in warning
    store.record_answer(1, "new", "y", True, 2.0)
    store.close()
    store, warning = open_store(tmp_path, "ada")
    assert warning is None and [a.question_id for a in store.answers()] == ["new"]


def _check_null_store(store, warning: str, where: Path) -> None:
    assert isinstance(store, NullStore) and warning == store.warning
    assert warning.startswith("Progress is not being saved: ") and str(where) in warning
    assert warning.endswith(".") and warning.count(". ") == 0  # one sentence
    store.mark_lesson_read(1)
    store.record_answer(1, "q", "a", False, 2.0)
    store.set_state("last_screen", "quiz:1")
    assert (store.lessons_read(), store.missed_questions(1), store.get_state("last_screen")) == ({1}, ["q"], "quiz:1")
    assert store.summary()["saving"] is False and store.summary()["answers"] == 1


def test_an_unusable_data_dir_keeps_progress_in_memory_even_for_root(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me")
    store, warning = open_store(blocker / "data", "ada")
    _check_null_store(store, warning, blocker / "data")
    assert blocker.read_text() == "keep me"


@pytest.mark.skipif(AS_ROOT, reason="as root, chmod does not stop writes (the test above covers root)")
def test_a_read_only_data_dir_keeps_progress_in_memory(tmp_path):
    with ProgressStore.open(tmp_path / "old" / DB_NAME, "ada") as store:
        store.mark_lesson_read(4)
    (tmp_path / "ro").mkdir()
    try:
        for folder in ("ro", "old"):
            (tmp_path / folder).chmod(0o555)
        if os.access(tmp_path / "ro", os.W_OK):
            pytest.skip("chmod does not stop writes here")
        for where in (tmp_path / "ro", tmp_path / "ro" / "data", tmp_path / "old"):
            store, warning = open_store(where, "ada")
            _check_null_store(store, warning, where)
    finally:
        for folder in ("ro", "old"):
            (tmp_path / folder).chmod(0o755)
    assert ProgressStore.open(tmp_path / "old" / DB_NAME, "ada").lessons_read() == {4}


def test_a_write_that_fails_mid_session_goes_on_in_memory(tmp_path):
    path = tmp_path / DB_NAME
    store = ProgressStore.open(path, "ada", busy_timeout=0.1)
    store.record_answer(1, "q1", "a", True, 1.0)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock past the busy timeout
    store.record_answer(1, "q2", "b", False, 2.0)
    other.close()
    assert store.warning.startswith("Progress is not being saved: ") and "locked" in store.warning  # one sentence
    assert [a.question_id for a in store.answers()] == ["q1", "q2"]
    assert [a.question_id for a in ProgressStore.open(path, "ada").answers()] == ["q1"]


WRITER = """
import sys, time; from pathlib import Path; from tui_tutor.progress import ProgressStore
path, k, tmp = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
(tmp / f"ready-{k}").touch()
while not (tmp / "go").exists():
    time.sleep(0.002)
store = ProgressStore.open(path, f"learner{k % 3}")
for n in range(50):
    store.record_answer(1 + n % 8, f"p{k}-q{n}", str(n), n % 2 == 0, 0.25)
    if n % 10 == 0:
        store.mark_lesson_read(1 + n % 8)
store.close()
sys.exit(store.warning)
"""


def test_eight_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "fresh" / DB_NAME  # not there yet: they race to create and migrate it too
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(k), str(tmp_path)], env=ENV,
                              stderr=subprocess.PIPE, text=True) for k in range(8)]
    deadline = time.monotonic() + 30
    while len(list(tmp_path.glob("ready-*"))) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    (tmp_path / "go").touch()
    for p in procs:
        assert p.wait(timeout=60) == 0, p.stderr.read()
    stores = [ProgressStore.open(path, f"learner{j}") for j in range(3)]
    assert all(s.lessons_read() == {1, 3, 5, 7} for s in stores)
    ids = {a.question_id for s in stores for a in s.answers()}
    assert ids == {f"p{k}-q{n}" for k in range(8) for n in range(50)}
    assert sum(r["answers"] for r in stores[0].all_users_summary()) == 400


def test_data_dir_prefers_the_flag_then_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert data_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    assert data_dir(None) == tmp_path / "env"
    monkeypatch.setenv(ENV_VAR, "~/progress-here")
    assert data_dir(None) == Path.home() / "progress-here"
    monkeypatch.delenv(ENV_VAR)
    assert data_dir(None) == Path(platformdirs.user_data_dir("tui-tutor", appauthor=False))
    store, warning = open_store(data_dir(str(tmp_path / "flag" / "deeper")), "ada")
    assert warning is None and (tmp_path / "flag" / "deeper" / DB_NAME).is_file()


def test_the_default_user_is_the_login_name_and_the_store_imports_no_ui(tmp_path):
    try:
        expected = getpass.getuser()
    except Exception:
        expected = "learner"
    assert default_user() == expected
    assert ProgressStore.open(tmp_path / DB_NAME, "  ").user == expected
    probe = "import sys, tui_tutor.progress; print(sorted({m.split('.')[0] for m in sys.modules} & {'textual','rich'}))"
    out = subprocess.run([sys.executable, "-c", probe], env=ENV, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr
