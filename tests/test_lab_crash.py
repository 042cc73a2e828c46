"""A crash in a lab session: the student sees one line, never a traceback with the server's paths and
variables; the instructor finds the traceback in the data folder's crashes/ and the crash in lab.log.

The crash is a real one: the tutor's progress database loses tables under it (as a careless
instructor's `sqlite3 progress.sqlite3 'DROP TABLE …'` would do), and the next screen that reads
the scores fails."""

from __future__ import annotations

import re
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import Term, connect, logged

from tui_tutor.lab.confine import PACKAGE_ROOT
from tui_tutor.progress import DB_NAME, open_store

pytest_plugins = ["lab_support"]  # the fixtures: keys, make_lab, lab


def break_the_database(data_dir: Path) -> None:
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.executescript("DROP TABLE answers; DROP TABLE lessons_read")
    conn.close()


async def test_a_crash_in_a_lab_session_shows_one_line_and_keeps_the_traceback_for_the_instructor(make_lab, keys):
    lab = await make_lab(tutor_command=[sys.executable, "-m", "tui_tutor"])
    data = lab.config.data_dir
    async with connect(lab, "alice", keys["alice"]) as conn:
        term = await Term.open(conn, size=(100, 30))
        await term.expect(b"Quit", timeout=30)
        seen = term.buffer
        break_the_database(data)
        term.send(b"z")  # the quiz reads the scores: no such table
        seen += await term.rest(timeout=40)
        assert term.process.exit_status != 0
    shown = seen.decode("utf-8", "replace")
    for secret in ("Traceback", "locals", "no such table", str(data), PACKAGE_ROOT, "site-packages", ".py"):
        assert secret not in shown, secret
    assert "stopped unexpectedly; what you saved is kept" in shown
    reports = list((data / "crashes").iterdir())
    assert len(reports) == 1 and re.fullmatch(r"alice-\d{8}-\d{6}-\d+\.txt", reports[0].name)
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "crashes").stat().st_mode) == 0o700
    report = reports[0].read_text()
    assert "Traceback" in report and "no such table: answers" in report and "locals" in report
    assert "\x1b" not in report
    await logged(lab, r"crash user=alice .*exit status 1", within=10)  # the report's name follows as the
    # tutor's last output when the server has read it before it sees the tutor exit


@pytest.mark.parametrize("where", ["lab", "home"])
async def test_only_the_lab_keeps_a_crash_from_the_terminal(tmp_path, where):
    from tui_tutor.app import TutorApp
    from tui_tutor.tutor.capabilities import Capabilities
    from tui_tutor.tutor.session import Session

    store, _ = open_store(tmp_path, "bob")
    capabilities = Capabilities.lab() if where == "lab" else Capabilities.home()
    app = TutorApp(Session(store, "en", capabilities))
    with pytest.raises(sqlite3.OperationalError, match="no such table"):  # the test pilot re-raises it
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            break_the_database(tmp_path)
            await pilot.press("z")
            await pilot.pause()
    assert app.return_code == 1
    reports = list((tmp_path / "crashes").glob("bob-*.txt")) if (tmp_path / "crashes").exists() else []
    assert len(reports) == (1 if where == "lab" else 0)
