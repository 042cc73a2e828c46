"""The progress store's behaviour on both backends: the SQLite file and a real PostgreSQL server.

Every test taking ``backend`` runs twice; the PostgreSQL run gets a fresh schema on the session's
server (``postgres_url`` in conftest.py), the SQLite run a fresh folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui_tutor.progress import (
    DATABASE_URL_ENV,
    SCHEMA_VERSION,
    NullStore,
    ProgressStore,
    Score,
    open_store,
    open_store_url,
)
from tui_tutor.tutor.workbench import Workbench
from tui_tutor.tutor.workbench_json import workbench_from_json, workbench_to_json

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    """``backend(user)`` opens a store for ``user`` (asserting it saves); ``backend.url`` names it."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = None

    def open_for(user: str) -> ProgressStore:
        store, warning = open_store_url(url, user, tmp_path / "data")
        assert warning is None, warning
        return store

    open_for.url, open_for.directory = url, tmp_path / "data"
    return open_for


def test_progress_is_kept_across_reopening(backend):
    store = backend("ada")
    for n in (3, 5, 3):
        store.mark_lesson_read(n)
    store.record_answer(3, "delta-1", "0.0138", True, 12.5)
    store.record_answer(3, "order-2", "2143", False, 30.0)
    bench = Workbench.from_preset("book", image=7).at_step(4)
    store.set_state("workbench", workbench_to_json(bench))
    store.set_state("last_screen", "quiz:3")
    store.set_state("last_screen", "quiz:3")  # the same key twice: one row, the last value
    store.close()
    store = backend("ada")
    assert store.lessons_read() == {3, 5}
    assert [(a.lesson, a.question_id, a.answer, a.correct, a.seconds) for a in store.answers()] == [
        (3, "delta-1", "0.0138", True, 12.5), (3, "order-2", "2143", False, 30.0)]
    assert all(isinstance(a.when, float) and abs(a.when - time.time()) < 60 for a in store.answers())
    assert store.answers(lesson=5) == [] and len(store.answers(lesson=3)) == 2
    assert workbench_to_json(workbench_from_json(store.get_state("workbench"))) == workbench_to_json(bench)
    assert store.get_state("last_screen") == "quiz:3" and store.get_state("never set") is None
    summary = store.summary({3: 2})
    assert json.loads(json.dumps(summary)) == summary
    assert (summary["user"], summary["saving"], summary["lessons_read"], summary["last_screen"], summary["answers"]) \
        == ("ada", True, [3, 5], "quiz:3", 2)
    assert summary["scores"] == {"3": {"right": 1, "answered": 2, "total": 2, "mastered": False}}
    assert summary["first_seen"] <= summary["last_seen"]


def test_scores_count_the_latest_answer_to_each_question(backend):
    store = backend("ada")
    for lesson, qid, correct in [(1, "a", False), (1, "b", True), (1, "a", True), (2, "c", False)]:
        store.record_answer(lesson, qid, "x", correct, 3.0)
    scores = store.lesson_scores({1: 2, 2: {"c", "d"}, 4: 3})
    assert (scores[1], scores[2], scores[4]) == (Score(2, 2, 2), Score(0, 1, 2), Score(0, 0, 3))
    assert store.lesson_scores()[1] == Score(2, 2, None) and not store.lesson_scores()[1].mastered
    assert store.lesson_scores({1: {"a"}})[1] == Score(1, 1, 1)
    assert store.missed_questions(1) == [] and store.missed_questions(2) == ["c"]
    for qid in ("b", "a"):
        store.record_answer(1, qid, "q", False, None)
    assert store.missed_questions(1) == ["a", "b"]  # in the order first answered
    assert store.answers(lesson=1)[-1].seconds is None


def test_two_learners_are_kept_apart_and_reset_forgets_only_one(backend):
    ada, bob = backend("ada"), backend("bob")
    ada.mark_lesson_read(1)
    ada.record_answer(1, "q", "1", True, 1.0)
    ada.set_state("last_screen", "workbench")
    ada.save_network("mine", '{"net": 1}')
    bob.mark_lesson_read(2)
    bob.set_state("last_screen", "lessons:2")
    assert ada.lessons_read() == {1} and bob.lessons_read() == {2}
    assert bob.answers() == [] and bob.lesson_scores() == {} and bob.network_names() == []
    assert (ada.get_state("last_screen"), bob.get_state("last_screen")) == ("workbench", "lessons:2")
    report = bob.all_users_summary({1: 1})
    assert [(r["user"], r["answers"], r["lessons_read"]) for r in report] == [("ada", 1, [1]), ("bob", 0, [2])]
    assert report[0]["scores"]["1"]["mastered"] is True
    ada.reset()
    assert (ada.lessons_read(), ada.answers(), ada.get_state("last_screen"), ada.network_names()) == (
        set(), [], None, [])
    assert bob.lessons_read() == {2} and bob.get_state("last_screen") == "lessons:2"
    assert [r["user"] for r in bob.all_users_summary()] == ["bob"]


def test_networks_are_saved_by_name_and_listed_most_recent_first(backend):
    store = backend("ada")
    for name in ("first", "second", "first"):
        store.save_network(name, json.dumps({"name": name, "at": time.time()}))
        time.sleep(0.01)
    assert store.network_names() == ["first", "second"]
    assert json.loads(store.load_network("second"))["name"] == "second" and store.load_network("none") is None
    assert backend("bob").load_network("first") is None


WRITER = """
import sys, time
from pathlib import Path
from tui_tutor.progress import open_store_url
url, k, signals = (sys.argv[1] or None), int(sys.argv[2]), Path(sys.argv[3])
(signals / f"ready-{k}").touch()
while not (signals / "go").exists():
    time.sleep(0.002)
stores = [open_store_url(url, f"learner{j}", signals / "data") for j in range(3)]  # racing to migrate
if any(warning for _, warning in stores):
    sys.exit(next(warning for _, warning in stores if warning))
for n in range(30):
    store = stores[n % 3][0]
    store.record_answer(1 + n % 5, f"p{k}-q{n}", str(n), n % 2 == 0, 1.0)
    store.mark_lesson_read(1 + n % 4)
    store.set_state(f"writer{k}", str(n))
for store, _ in stores:
    store.close()
"""


def test_eight_processes_writing_at_once_lose_nothing(backend, tmp_path):
    # a fresh database each time: the eight race to create and migrate it too
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, backend.url or "", str(k), str(tmp_path)], env=ENV,
                              stderr=subprocess.PIPE, text=True) for k in range(8)]
    deadline = time.monotonic() + 30
    while len(list(tmp_path.glob("ready-*"))) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    (tmp_path / "go").touch()
    for p in procs:
        assert p.wait(timeout=90) == 0, p.stderr.read()
    stores = [backend(f"learner{j}") for j in range(3)]
    assert all(s.lessons_read() == {1, 2, 3, 4} for s in stores)
    ids = {a.question_id for s in stores for a in s.answers()}
    assert ids == {f"p{k}-q{n}" for k in range(8) for n in range(30)}
    assert sum(r["answers"] for r in stores[0].all_users_summary()) == 240
    assert all((stores[0].get_state(f"writer{k}"), stores[2].get_state(f"writer{k}")) == ("27", "29") for k in range(8))


# PostgreSQL only


def test_the_database_is_migrated_once_to_this_schema_and_a_newer_one_is_left_alone(postgres_url):
    import psycopg

    store, warning = open_store_url(postgres_url, "ada")
    assert warning is None and store.summary()["saving"] and store.summary()["database"].startswith("postgresql://")
    store.record_answer(2, "q", "1", True)
    store.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM tui_tutor_schema WHERE part = 'progress'").fetchone() == (
            SCHEMA_VERSION,)
        conn.execute("UPDATE tui_tutor_schema SET version = 99 WHERE part = 'progress'")
    store, warning = open_store_url(postgres_url, "ada")
    assert isinstance(store, NullStore) and "newer tui-tutor" in warning
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM answers").fetchone() == (1,)


def test_an_unreachable_database_keeps_progress_in_memory_and_never_shows_the_password(tmp_path):
    url = f"postgresql://someone:s3cret-pw@/nowhere?host={tmp_path}&connect_timeout=2"
    store, warning = open_store_url(url, "ada")
    assert isinstance(store, NullStore) and "cannot be reached" in warning and "s3cret-pw" not in warning
    store.record_answer(1, "q", "1", True)
    assert len(store.answers()) == 1  # this session's answers are still there
    store, warning = open_store_url("mysql://x@y/z", "ada")
    assert isinstance(store, NullStore) and "not a postgresql:// URL" in warning


def test_a_lost_connection_is_reopened_and_nothing_is_lost(postgres_url):
    import psycopg

    store, _ = open_store_url(postgres_url, "ada")
    store.record_answer(1, "before", "1", True)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE application_name = 'tui-tutor' AND pid <> pg_backend_pid()")
    store.record_answer(1, "after", "2", False)
    assert [a.question_id for a in store.answers()] == ["before", "after"] and store.warning is None
    reopened, _ = open_store_url(postgres_url, "ada")
    assert [a.question_id for a in reopened.answers()] == ["before", "after"]


def test_the_environment_variable_sends_open_store_to_the_database(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_url)
    store, warning = open_store(tmp_path / "unused", "ada")
    assert warning is None and type(store).__name__ == "PostgresStore"
    store.mark_lesson_read(4)
    assert not (tmp_path / "unused").exists()
    monkeypatch.delenv(DATABASE_URL_ENV)
    assert open_store_url(postgres_url, "ada")[0].lessons_read() == {4}
