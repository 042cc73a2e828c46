"""The instructor's view of the class: roles, each tutor's live state (over the channel the server made
for it), ``lab status``, messages; with the real tutor, over real SSH."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import time

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import Term, connect, logged

from tui_tutor.lab.accounts import Accounts
from tui_tutor.lab.live_state import clean

pytest_plugins = ["lab_support"]  # the fixtures: keys, make_lab, lab

TUTOR = [sys.executable, "-m", "tui_tutor"]


async def until(condition, within: float = 10.0, what: str = ""):
    deadline = time.monotonic() + within
    while not (value := condition()):
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        await asyncio.sleep(0.1)
    return value


def status_json(lab) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "tui_tutor", "lab", "status", "--format", "json", "--data-dir",
                          str(lab.config.data_dir)], capture_output=True, text=True, timeout=30, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_server_trusts_no_field_of_the_live_state():
    state = clean({"screen": "quiz\x1b[2J", "phase": "b" * 500, "step": -1, "steps": True, "lesson": 3,
                   "question": ["x"], "mistake": "q1: \u202eevil\n", "extra": "dropped"})
    assert state == {"screen": "quiz\\x1b[2J", "phase": "b" * 20 + "…(+480)", "lesson": 3,
                     "mistake": "q1: \\u202eevil\\n"}
    assert clean("not a dict") == {} and clean([1, 2]) == {}


def test_the_role_is_kept_in_the_class_list_and_listed(tmp_path, keys):
    key = tmp_path / "t.pub"
    key.write_text(keys["alice"].export_public_key("openssh").decode())
    run = lambda *a: subprocess.run([sys.executable, "-m", "tui_tutor", "lab", "user", *a, "--data-dir",
                                     str(tmp_path)], capture_output=True, text=True, timeout=30, check=False)
    assert run("add", "teach", "--key", str(key), "--instructor").returncode == 0
    assert run("add", "stu", "--key", str(key)).returncode == 0
    listed = run("list").stdout.splitlines()
    assert [line.split("\t")[-1] for line in listed] == ["student", "instructor"]
    assert Accounts(tmp_path).users["teach"].role == "instructor"


def test_lab_status_without_a_running_lab_says_so(tmp_path):
    out = subprocess.run([sys.executable, "-m", "tui_tutor", "lab", "status", "--data-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=30, check=False)
    assert out.returncode == 1 and "no lab is running" in out.stderr and "Traceback" not in out.stderr


async def test_each_tutor_reports_its_phase_and_lab_status_lists_both_students(make_lab, keys):
    lab = await make_lab(tutor_command=TUTOR)
    sock = lab.config.data_dir / "lab.sock"
    assert stat.S_IMODE(os.stat(sock).st_mode) == 0o600
    async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
        ta, tb = await Term.open(a, size=(100, 30)), await Term.open(b, size=(100, 30))
        await ta.expect(b"Quit", timeout=30)
        await tb.expect(b"Quit", timeout=30)
        ta.send(b"w")
        tb.send(b"w")
        await ta.expect(b"Step 1 of", timeout=10)
        await tb.expect(b"Step 1 of", timeout=10)
        ta.send(b"4")  # alice jumps to the backward pass; bob steps twice in the forward one
        tb.send(b"nn")
        await until(lambda: {r["user"]: r["phase"] for r in lab.feed.rows()} == {"alice": "backward", "bob": "forward"}
                    and {r["user"]: r["step"].split("/")[0] for r in lab.feed.rows()}["bob"] == "3",
                    what="both phases on the board's feed")
        rows = await asyncio.to_thread(status_json, lab)
        assert [r["user"] for r in rows] == ["alice", "bob"]
        assert set(rows[0]) == {"user", "screen", "lesson", "phase", "step", "question", "score", "last_mistake",
                                "since", "idle_s"}
        assert [(r["screen"], r["phase"]) for r in rows] == [("workbench", "backward"), ("workbench", "forward")]
        assert rows[1]["step"].startswith("3/")

        # A message to everyone reaches both tutors; "English | 中文" shows the learner's language.
        assert lab.feed.message("", "Break in five minutes | 五分钟后休息", "teach") == 2
        await ta.expect(b"Break in five minutes", timeout=10)
        await tb.expect(b"Break in five minutes", timeout=10)
        assert lab.feed.message("bob", "Bob, look at step 3", "teach") == 1
        await tb.expect(b"Bob, look at step 3", timeout=10)
        ta.send(b"q")
        tb.send(b"q")
        await ta.rest(timeout=15)
        await tb.rest(timeout=15)
        assert b"Bob, look" not in ta.buffer
    await logged(lab, r"message from=teach to=bob reached=1 text=Bob, look at step 3")


def test_lab_report_csv_is_a_gradebook_with_a_column_per_lesson(tmp_path):
    import csv
    import io

    from tui_tutor.curriculum.quiz import load_bank
    from tui_tutor.progress import open_store

    ids = [q.id for q in load_bank("en")[1]]
    for user, answers in (("amy", [(ids[0], True), (ids[1], False), (ids[1], True)]), ("ben", [(ids[0], False)])):
        store, _ = open_store(tmp_path, user)
        for qid, ok in answers:
            store.record_answer(1, qid, "42", ok, 3.0)
        store.close()
    out = subprocess.run([sys.executable, "-m", "tui_tutor", "lab", "report", "--format", "csv", "--data-dir",
                          str(tmp_path)], capture_output=True, text=True, timeout=30, check=False)
    assert out.returncode == 0, out.stderr
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    lessons = sorted(load_bank("en"))
    assert [c for c in table[0] if c.startswith("lesson_")] == [f"lesson_{n}" for n in lessons]
    assert [r["user"] for r in table] == ["amy", "ben"]
    assert float(table[0]["lesson_1"]) == round(100 * 2 / len(ids), 1)  # two right at their latest answer
    assert float(table[1]["lesson_1"]) == 0.0 and float(table[0]["lesson_2"]) == 0.0
