"""Each workbench change is in the database before the tutor shows it: read from another connection
right after the key, with the app still running (what a machine that dies then leaves behind).

Run on a real SQLite file and a real PostgreSQL server (``postgres_url`` in conftest.py).
"""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from tui_tutor.app import TutorApp
from tui_tutor.progress import DB_NAME, ProgressStore, open_store_url
from tui_tutor.progress.postgres import PostgresStore
from tui_tutor.tutor.saved_state import SavedState
from tui_tutor.tutor.workbench import Workbench
from tui_tutor.tutor.workbench_json import workbench_to_json

SMALL = (80, 24)


@pytest.fixture(params=["sqlite", "postgres"])
def open_for(request, tmp_path):
    """``open_for(user)``: a new store (a new connection) on this test's database."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None

    def open_for(user: str):
        store, warning = open_store_url(url, user, tmp_path / "data")
        assert warning is None, warning
        return store

    return open_for


def saved(open_for, user: str = "ada") -> tuple[int | None, float | None]:
    """The saved workbench's step and when it was written, as another process reads them."""
    store = open_for(user)
    try:
        text = store.get_state("workbench")
        updated = store._rows("SELECT updated FROM state WHERE user = ? AND key = 'workbench'")
        return (json.loads(text)["step"] if text else None), (updated[0][0] if updated else None)
    finally:
        store.close()


async def test_each_step_is_in_the_database_before_the_next_key_without_quitting(open_for):
    app = TutorApp(lang="en", start="workbench", store=open_for("ada"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert saved(open_for) == (None, None)  # opening the workbench changed nothing: nothing written
        for expected in (1, 2, 3):
            await pilot.press("n")
            assert app.workbench.step == expected
            assert saved(open_for)[0] == expected
        await pilot.press("p", "p", "p")
        step, written = saved(open_for)
        assert step == 0
        await pilot.press("p")  # already at the first step: the same state, nothing written
        await pilot.press("w")  # the workbench again: nothing changed either
        assert saved(open_for) == (0, written)


def test_an_equal_workbench_is_not_written_again_and_a_different_one_is(tmp_path):
    store = ProgressStore.open(tmp_path / DB_NAME, "ada")
    state = SavedState(store)
    bench = Workbench.from_preset(image=3).at_step(5)
    state.workbench = bench
    before = store._conn.total_changes
    state.workbench = bench.at_step(5)  # another object, the same state
    state.workbench = bench
    assert store._conn.total_changes == before
    state.workbench = bench.at_step(6)
    assert store._conn.total_changes > before
    assert SavedState(store).workbench.step == 6
    store.close()


def test_a_step_of_a_large_own_data_set_is_kept_as_the_whole_state_would_be_without_serialising_it_again(tmp_path):
    from tui_tutor.engine.datasets import ImageSet

    images = tuple(tuple(float((k * 7 + p) % 3 == 0) for p in range(64)) for k in range(1000))
    own = Workbench.from_images(ImageSet(8, 8, ("a", "b", "c"), images, tuple(k % 3 for k in range(1000))), 16)
    store = ProgressStore.open(tmp_path / DB_NAME, "ada")
    state = SavedState(store)
    state.workbench = own
    for step in range(1, 6):  # each written from the last one's JSON (benchmarks: 45 ms a key if made whole)
        state.workbench = own.at_step(step)
    assert store.get_state("workbench") == workbench_to_json(own.at_step(5))
    for moved in (Workbench.from_preset(image=3).at_step(2), Workbench.from_preset(image=9).at_step(7)):
        state.workbench = moved  # another setup: serialised whole
        assert store.get_state("workbench") == workbench_to_json(moved)
    store.close()


async def test_a_locked_database_is_reported_once_and_the_steps_reach_it_once_free(tmp_path):
    path = tmp_path / DB_NAME
    store = ProgressStore.open(path, "ada", busy_timeout=0.2, retry_after=0.05)
    app = TutorApp(lang="en", start="workbench", store=store)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock past the busy timeout
        started = time.monotonic()
        await pilot.press("n", "n", "n")
        assert time.monotonic() - started < 2  # held up for the busy timeout once, then a short try each key
        warnings = [n for n in app._notifications if "not being saved" in str(n.message)]
        assert len(warnings) == 1 and app.return_code is None
        other.rollback()
        other.close()
        await pilot.pause(1.3)  # the tutor tries again every second, with no key pressed
        assert app.session.not_saving is None
        assert saved(lambda user: ProgressStore.open(path, user))[0] == 3
        await pilot.press("n")
        assert saved(lambda user: ProgressStore.open(path, user))[0] == 4
    assert app._exception is None


def test_postgres_out_of_reach_keeps_the_writes_in_memory_and_commits_them_once_back(postgres_cluster):
    import psycopg

    name = f"d_{time.monotonic_ns()}"
    admin = psycopg.connect(postgres_cluster.url(), autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    url = postgres_cluster.url().replace("/postgres?", f"/{name}?")
    store = PostgresStore.open_url(url, "ada")
    assert store.reason is None
    store.set_state("workbench", "draft 0")
    admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")  # down: nobody gets in ...
    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    store.record_answer(1, "during", "b", False, 2.0)
    assert store.reason and "not being saved" in store.warning
    store.set_state("workbench", "draft 1")
    store.set_state("workbench", "draft 2")
    assert store.try_again() is True  # not yet time to try, and it would fail anyway
    admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")  # ... back
    assert store.try_again(now=True) is False and store.reason is None and store.warning is None
    store.record_answer(2, "after", "c", True, 3.0)
    store.close()
    again = PostgresStore.open_url(url, "ada")
    assert [a.question_id for a in again.answers()] == ["during", "after"]
    assert again.get_state("workbench") == "draft 2"
    again.close()
    admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


async def test_a_dropped_postgres_connection_is_reopened_by_the_next_step(postgres_url):
    import psycopg

    store = PostgresStore.open_url(postgres_url, "ada")
    app = TutorApp(lang="en", start="workbench", store=store)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("n")
        with psycopg.connect(postgres_url, autocommit=True) as admin:  # the server ends the tutor's connection
            admin.execute("SELECT pg_terminate_backend(%s)", (store._pg.info.backend_pid,))
        await pilot.press("n")
        assert app.session.not_saving is None
        reader = PostgresStore.open_url(postgres_url, "ada")
        assert json.loads(reader.get_state("workbench"))["step"] == 2
        reader.close()


def test_postgres_keeps_the_state_uncompressed_so_a_large_workbench_costs_no_compression_per_key(postgres_url):
    import psycopg

    PostgresStore.open_url(postgres_url, "ada").close()
    PostgresStore.open_url(postgres_url, "bob").close()  # migrated once: the second start changes nothing
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert conn.execute("SELECT attstorage FROM pg_attribute WHERE attrelid = 'state'::regclass"
                            " AND attname = 'value'").fetchone() == ("e",)
        assert conn.execute("SELECT version FROM tui_tutor_schema WHERE part = 'progress_pg'").fetchone() == (1,)


def test_the_learner_is_told_once_per_time_saving_stops(tmp_path):
    from tui_tutor.tutor.session import Session

    path = tmp_path / DB_NAME
    store = ProgressStore.open(path, "ada", busy_timeout=0.1, retry_after=0.0)
    session = Session(store, "en")
    assert session.news_of_not_saving() is None
    for _ in range(2):
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        store.record_answer(1, "q", "a", True)  # an answer, not the workbench, finds the file locked
        assert "locked" in session.news_of_not_saving()
        store.set_state("workbench", "x")
        assert session.news_of_not_saving() is None and session.try_saving_again(now=True) is True
        other.rollback()
        other.close()
        assert session.try_saving_again(now=True) is False and session.news_of_not_saving() is None
    assert [a.question_id for a in store.answers()] == ["q", "q"]
    store.close()


def test_a_workbench_step_survives_its_process_killed_right_after_and_answers_still_wait_for_the_disk(tmp_path):
    import subprocess
    import sys

    path = tmp_path / DB_NAME
    child = ("import os, signal, sys\n"
             "from tui_tutor.progress import ProgressStore\n"
             "from tui_tutor.tutor.saved_state import SavedState\n"
             "from tui_tutor.tutor.workbench import Workbench\n"
             "store = ProgressStore.open(sys.argv[1], 'ada')\n"
             "SavedState(store).workbench = Workbench.from_preset(image=2).at_step(9)\n"
             "assert store._conn.execute('PRAGMA synchronous').fetchone() == (2,)  # FULL again for answers\n"
             "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", child, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == -9, done.stderr
    with ProgressStore.open(path, "ada") as store:
        assert SavedState(store).workbench.step == 9
