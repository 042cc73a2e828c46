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


def test_a_message_in_both_languages_shows_the_learners_half():
    from tui_tutor.tutor.live import in_language

    assert in_language("Break in five minutes | 五分钟后休息", "zh") == "五分钟后休息"
    assert in_language("Break in five minutes | 五分钟后休息", "en") == "Break in five minutes"
    assert in_language("a | b | c", "zh") == "a | b | c" and in_language("just this", "zh") == "just this"


def test_the_tutor_sends_its_state_only_when_it_changed_and_at_most_a_few_times_a_second():
    import socket

    from tui_tutor.tutor.live import MAX_RATE, LiveChannel

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    ours.setblocking(False)
    channel = LiveChannel(theirs)
    for step in range(50):  # a burst of changes: the first goes, the rest wait for the next look
        channel.publish({"screen": "workbench", "step": step})
    channel.publish({"screen": "workbench", "step": 0})
    packets = []
    with pytest.raises(BlockingIOError):
        while True:
            packets.append(json.loads(ours.recv(4096)))
    assert packets == [{"screen": "workbench", "step": 0}]
    time.sleep(1 / MAX_RATE)
    channel.publish({"screen": "workbench", "step": 49})
    channel.publish({"screen": "workbench", "step": 49})  # unchanged: not sent again
    assert json.loads(ours.recv(4096)) == {"screen": "workbench", "step": 49}
    with pytest.raises(BlockingIOError):
        ours.recv(4096)
    channel.close()
    ours.close()


async def test_a_row_is_flagged_stuck_after_three_wrong_answers_or_five_minutes_on_one_step():
    from tui_tutor.lab.live_state import STUCK_SECONDS, LiveLink

    link = LiveLink()
    try:
        link.tutor_end.send(json.dumps({"screen": "quiz", "lesson": 2, "question": "q3", "wrong": 2}).encode())
        await until(lambda: link.state.get("question") == "q3", 5, "the state read")
        now = time.monotonic()
        assert not link.row("amy", now, now)["stuck"]
        assert link.row("amy", now, now + STUCK_SECONDS + 1)["stuck"]  # five minutes on the same question
        link.tutor_end.send(json.dumps({"screen": "quiz", "lesson": 2, "question": "q3", "wrong": 3,
                                        "mistake": "q3: 7"}).encode())
        await until(lambda: link.state.get("wrong") == 3, 5, "the third wrong answer")
        row = link.row("amy", time.monotonic())
        assert row["stuck"] and row["last_mistake"] == "q3: 7" and row["since"] < STUCK_SECONDS
    finally:
        link.close()


async def test_a_data_folder_too_deep_for_a_socket_still_serves_and_says_why(tmp_path):
    from tui_tutor.lab.config import LabConfig
    from tui_tutor.lab.server import Lab

    deep = tmp_path / ("x" * 120)
    lab = Lab(LabConfig(data_dir=deep, port=0, log_to_stderr=False, zygote=False))
    await lab.start()
    try:
        assert lab.port and "warning: no lab.sock (AF_UNIX path too long)" in (deep / "lab.log").read_text()
    finally:
        await lab.close()
