"""The progress store against files it did not expect: a schema without its tables, another program's
database, a lock held too long, a folder it cannot write; and the modes of what it makes."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui_tutor.progress import DB_NAME, SCHEMA_VERSION, NullStore, ProgressStore, open_store

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# As root, chmod stops no write: the folder is mounted read-only in a mount namespace of the command's own.
READ_ONLY_MOUNT = ("unshare", "--mount", "sh", "-c",
                   'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"')


def tui_tutor(*args: str, before: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*before, sys.executable, "-m", "tui_tutor", *args], capture_output=True, text=True,
                          env=ENV, timeout=60)


def one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("tui-tutor: error: ") and all(w in result.stderr for w in words), result.stderr
    return result.stderr


def hollow(path: Path) -> None:
    """A file whose schema version says "current" but that holds only one of the tables."""
    sqlite3.connect(path).executescript(
        f"CREATE TABLE users (name TEXT PRIMARY KEY, first_seen REAL, last_seen REAL);"
        f"PRAGMA user_version = {SCHEMA_VERSION};").connection.close()


def test_a_file_claiming_the_schema_but_lacking_tables_is_kept_aside_and_a_fresh_one_started(tmp_path):
    hollow(path := tmp_path / DB_NAME)
    before = path.read_bytes()
    store, warning = open_store(tmp_path, "ada")
    kept = list(tmp_path.glob(DB_NAME + ".corrupt-*"))
    assert type(store) is ProgressStore and len(kept) == 1 and kept[0].read_bytes() == before
    assert "damaged" in warning and "lacks the table(s)" in warning and "answers" in warning
    store.record_answer(1, "q", "a", True, 1.0)
    store.close()
    (cli := tmp_path / "cli").mkdir()
    hollow(cli / DB_NAME)  # and the command line says so, then shows the fresh progress
    result = tui_tutor("progress", "--data-dir", str(cli), "--user", "ada")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "damaged" in result.stderr and "Progress of ada (saved in" in result.stdout


def test_an_old_store_copied_to_memory_from_a_hollow_file_starts_from_nothing(tmp_path):
    store = ProgressStore.open(path := tmp_path / DB_NAME, "ada", busy_timeout=0.1)
    other = sqlite3.connect(path, isolation_level=None)
    other.executescript("DROP TABLE answers; DROP TABLE state")  # the file loses tables under a running store
    other.execute("BEGIN IMMEDIATE")
    store.set_state("k", "v")  # locked: the store goes on in memory, from a copy it cannot use
    other.rollback()
    other.close()
    assert store.reason and store.get_state("k") == "v"


def _damaged(path: Path) -> None:
    path.write_bytes(b"not an SQLite database at all\n" * 100)


def _foreign(path: Path) -> None:
    sqlite3.connect(path).executescript("CREATE TABLE moz_places (id, url); INSERT INTO moz_places VALUES (1, 'x')"
                                        ).connection.close()


def _future(path: Path) -> None:
    sqlite3.connect(path).executescript("CREATE TABLE users (name); PRAGMA user_version = 99").connection.close()


@pytest.mark.parametrize(("make", "words"), [
    (_damaged, ("damaged", "left as it is")),
    (_foreign, ("not a tui-tutor progress database", "moz_places")),
    (_future, ("newer tui-tutor", "schema 99")),
    (hollow, ("lacks the table(s)",)),
], ids=["damaged", "foreign", "future", "hollow"])
def test_lab_report_reads_a_bad_database_read_only_and_says_what_is_wrong_in_one_line(tmp_path, make, words):
    make(path := tmp_path / DB_NAME)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = tui_tutor("lab", "report", "--data-dir", str(tmp_path))
    one_line_error(result, str(path), *words)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing moved, migrated or added


def test_lab_report_changes_nothing_in_a_good_database_and_refuses_a_file_as_the_folder(tmp_path):
    with ProgressStore.open(tmp_path / DB_NAME, "ada") as store:
        store.mark_lesson_read(2)
    before = (tmp_path / DB_NAME).read_bytes()
    result = tui_tutor("lab", "report", "--data-dir", str(tmp_path), "--format", "csv")
    assert result.returncode == 0 and result.stdout.splitlines()[1].startswith("ada,1,2,"), result
    assert (tmp_path / DB_NAME).read_bytes() == before
    one_line_error(tui_tutor("lab", "report", "--data-dir", str(tmp_path / DB_NAME)), "is a file, not a folder")


def test_a_lock_held_past_the_busy_timeout_is_waited_out_and_what_was_kept_in_memory_is_written(tmp_path):
    path = tmp_path / DB_NAME
    store = ProgressStore.open(path, "ada", busy_timeout=0.2, retry_after=0.05)
    store.record_answer(1, "before", "a", True, 1.0)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock for longer than the busy timeout
    store.record_answer(1, "during", "b", False, 2.0)
    assert store.reason and "locked" in store.warning
    time.sleep(0.1)
    started = time.monotonic()
    for n in range(3):  # still locked: each retry gives up quickly, the learner is not held up
        store.set_state("workbench", f"draft {n}")
    assert time.monotonic() - started < 1.0 and store.reason
    store.mark_lesson_read(4)
    time.sleep(0.5)  # longer than the busy timeout
    other.rollback()
    other.close()
    time.sleep(0.5)  # past the next retry
    store.record_answer(2, "after", "c", True, 3.0)
    assert store.reason is None and store.warning is None  # back on the file
    store.set_state("last_screen", "quiz")
    store.close()
    with ProgressStore.open(path, "ada") as again:
        assert [a.question_id for a in again.answers()] == ["before", "during", "after"]
        assert again.get_state("workbench") == "draft 2" and again.get_state("last_screen") == "quiz"
        assert again.lessons_read() == {4}


def test_a_reset_kept_in_memory_is_replayed_in_order(tmp_path):
    path = tmp_path / DB_NAME
    store = ProgressStore.open(path, "ada", busy_timeout=0.1, retry_after=0.0)
    store.set_state("k", "old")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store.reset()
    store.set_state("k", "new")
    other.rollback()
    other.close()
    time.sleep(0.2)  # past the next retry
    store.mark_lesson_read(1)
    assert store.reason is None
    store.close()
    with ProgressStore.open(path, "ada") as again:
        assert again.get_state("k") == "new" and again.lessons_read() == {1}


@pytest.fixture
def read_only_folder(tmp_path):
    """A data folder with saved progress, and what to run a command under so that it cannot write there."""
    folder = tmp_path / "ro"
    with ProgressStore.open(folder / DB_NAME, "ada") as store:
        store.mark_lesson_read(3)
        store.record_answer(3, "q", "x", True, 1.0)
    if AS_ROOT:
        before = (*READ_ONLY_MOUNT, str(folder))
        if subprocess.run([*before, "touch", str(folder / "probe")], capture_output=True).returncode == 0 \
                or (folder / "probe").exists():
            pytest.skip("no read-only mount here (unshare needs CAP_SYS_ADMIN)")
        yield folder, before
        return
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("chmod does not stop writes here")
        yield folder, ()
    finally:
        folder.chmod(0o755)


def test_a_read_only_folder_shows_the_saved_progress_and_a_reset_fails_in_one_line(read_only_folder):
    folder, before_command = read_only_folder
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    args = ("progress", "--data-dir", str(folder), "--user", "ada")
    result = tui_tutor(*args, before=before_command)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "lessons read: 1 of" in result.stdout and "quiz answers given: 1" in result.stdout
    assert "NOT being saved" in result.stdout and "nothing new is saved" in result.stderr
    one_line_error(tui_tutor(*args, "--reset", "--yes", before=before_command), "cannot reset the progress of ada")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_store_over_a_read_only_copy_reads_what_was_saved(tmp_path):
    with ProgressStore.open(tmp_path / DB_NAME, "ada") as store:
        store.set_state("last_screen", "quiz")
    store = NullStore.reading(tmp_path / DB_NAME, "ada", "it cannot be written (test)")
    assert store.get_state("last_screen") == "quiz" and store.summary()["saving"] is False
    assert store.warning.startswith("Progress is not being saved: ") and store.warning.count(". ") == 0


def test_folders_are_made_0700_and_the_database_files_0600_under_umask_022(tmp_path):
    old = os.umask(0o022)
    try:
        store, _ = open_store(tmp_path / "a" / "b", "ada")
        store.record_answer(1, "q", "x", True, 1.0)
        modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode)
                 for p in [tmp_path / "a", tmp_path / "a" / "b", *(tmp_path / "a" / "b").iterdir()]}
        store.close()
    finally:
        os.umask(old)
    assert modes == {"a": 0o700, "a/b": 0o700, f"a/b/{DB_NAME}": 0o600, f"a/b/{DB_NAME}-wal": 0o600,
                     f"a/b/{DB_NAME}-shm": 0o600}


async def test_the_quiz_answer_and_the_prompt_take_no_more_than_they_keep():
    from textual.widgets import Input

    from tui_tutor.app import TutorApp
    from tui_tutor.progress import MemoryStore
    from tui_tutor.screens.prompt import PromptScreen

    app = TutorApp(lang="en", store=MemoryStore(), start="quiz")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#answer", Input).max_length == 200
        app.push_screen(PromptScreen("file?"))
        await pilot.pause()
        assert app.screen.query_one(Input).max_length == 4096
