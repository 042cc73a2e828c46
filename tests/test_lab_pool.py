"""The lab's pool of ready tutors: a login served by one gets that learner's tutor (their progress,
language, place, terminal size and colours, cell for cell what a tutor forked for them shows),
two logins never share one, the pool refills when the machine is quiet, and the lab stops cleanly
with pooled tutors idle. The real tutor, a real lab, asyncssh clients."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import time
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")
pyte = pytest.importorskip("pyte")
pytest.register_assert_rewrite("lab_support")

from lab_support import Shown, Term, connect, gone, log_of, logged, pool_warm

from tui_tutor.lab.accounts import Accounts
from tui_tutor.lab.confine import TUTOR_NICENESS
from tui_tutor.lab.prefork import default_pool, pool_target
from tui_tutor.progress import open_store

pytest_plugins = ["lab_support"]  # the fixtures: keys, make_lab, lab

TUTOR = [sys.executable, "-m", "tui_tutor"]


def test_how_many_tutors_are_kept_ready():
    assert pool_target(8, students=30, logged_in=0) == 8
    assert pool_target(8, students=30, logged_in=25) == 5  # only the students still to come
    assert pool_target(8, students=30, logged_in=30) == 0
    assert pool_target(8, students=0, logged_in=12) == 8  # guests: no class list to count
    assert default_pool(30, max_sessions=64) <= 30
    assert default_pool(30, max_sessions=10) <= 10
    assert default_pool(0, max_sessions=64) <= 2 * (os.cpu_count() or 1)


def pooled_pids(lab) -> set[int]:
    """The zygote's children still waiting in the pool (what ps shows as tutor-pool)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == lab.zygote.pid and "(tutor-pool)" in stat:
                found.add(int(entry.name))
    return found


def seed(data_dir: Path, user: str) -> None:
    """A returning learner: Chinese, on the fourth lesson, in the light theme, help already seen."""
    store, _ = open_store(data_dir, user)
    from tui_tutor.tutor.session import Session

    session = Session(store, "zh")
    session.set_language("zh")
    session.state.lesson_index = 3
    session.state.last_screen = "lessons"
    session.state.theme = "textual-light"
    session.state.told_about_help = True


async def look_twice(lab, keys, size: tuple[int, int], steps: list[tuple[str, bytes]],
                     env: dict[str, str] | None = None) -> dict[str, list[list[tuple]]]:
    """alice and bob log in at once (one takes the ready tutor, the other gets one forked); each waits
    for each step's text, then sends its keys; every cell of each screen, once it has settled."""
    shown = {}

    async def look(user: str) -> None:
        async with connect(lab, user, keys[user]) as conn:
            term = await Term.open(conn, size=size, term="xterm-256color", env=env or {})
            screen = Shown(term, size)
            for text, sent in steps:
                await screen.until(lambda lines, text=text: any(text in line for line in lines), timeout=30)
                if sent:
                    term.send(sent)
            shown[user] = await screen.settled()
            term.send(b"q")
            await screen.task

    await asyncio.gather(look("alice"), look("bob"))
    return shown


@pytest.mark.parametrize(("size", "returning"), [((80, 24), True), ((90, 28), True), ((80, 24), False)],
                         ids=["the pool's size", "another size", "a new learner"])
async def test_a_pooled_tutor_shows_its_learner_cell_for_cell_as_a_forked_one(make_lab, keys, tmp_path, size,
                                                                               returning):
    if returning:
        for user in ("alice", "bob"):
            seed(tmp_path, user)
    lab = await make_lab(tutor_command=TUTOR, pool=1)
    # Ready at 80x24 for a new learner: at that size it paints the screen it kept, the learner's changes
    # painted over it (a returning learner's: their language, lesson, theme, and no word on the help keys).
    await pool_warm(lab, 1)
    text = "4." if returning else "ctrl+p"  # their lesson; the word on the help keys
    shown = await look_twice(lab, keys, size, [(text, b"")], env={"COLORTERM": "truecolor"})
    log = await logged(lab, "end user=bob")
    via = dict(re.findall(rf"start user=(\w+) .* size={size[0]}x{size[1]} via=(\w+)", log))
    assert sorted(via.values()) == ["pool", "zygote"], log
    pooled = next(user for user, how in via.items() if how == "pool")
    text = "\n".join("".join(c[0] for c in row) for row in shown[pooled])
    if returning:
        assert "课" in text and "Lessons" not in text and "New here?" not in text  # theirs, not the pool's
    else:
        assert "New here?" in text and "Lessons" in text
    assert shown["alice"] == shown["bob"]  # characters, colours (their theme, true colour) and attributes
    store, _ = open_store(tmp_path, pooled)
    assert store.lessons_read() == ({4} if returning else {1})  # in its learner's progress, not nobody's


def seed_workbench(data_dir: Path, user: str, screen: str) -> None:
    """A returning learner whose workbench is their own: a pixel toggled, at the output δ, in Chinese."""
    from tui_tutor.tutor.session import Session
    from tui_tutor.tutor.workbench import Workbench

    store, _ = open_store(data_dir, user)
    session = Session(store, "zh")
    session.set_language("zh")
    session.state.last_screen = screen
    session.state.told_about_help = True
    session.state.workbench = Workbench.from_preset().with_pixel_toggled(0).at_phase("output_delta")


@pytest.mark.parametrize("screen", ["lessons", "workbench"], ids=["opened with w", "where they left"])
async def test_the_workbench_a_pooled_tutor_made_ahead_shows_its_learners_own(make_lab, keys, tmp_path, screen):
    for user in ("alice", "bob"):
        seed_workbench(tmp_path, user, screen)
    lab = await make_lab(tutor_command=TUTOR, pool=1)
    await pool_warm(lab, 1)  # its workbench composed for nobody: the book's, in English, at step 1
    opening = [("课", b"w")] if screen == "lessons" else []
    shown = await look_twice(lab, keys, (100, 30), [*opening, ("步骤 12 / 110", b"")])
    log = await logged(lab, "end user=bob")
    assert sorted(re.findall(r"start user=\w+ .* via=(\w+)", log)) == ["pool", "zygote"], log
    text = "\n".join("".join(c[0] for c in row) for row in shown["alice"])
    assert "C = 0.242554" in text and "Step" not in text  # their image's cost (the book's is 0.236821), their language
    assert shown["alice"] == shown["bob"]  # the pooled one too: characters, colours and attributes


async def test_a_learner_who_asks_for_no_colour_gets_none_pooled_or_forked(make_lab, keys):
    lab = await make_lab(tutor_command=TUTOR, pool=1)
    await pool_warm(lab, 1)  # got ready in colour
    shown = await look_twice(lab, keys, (80, 24), [("ctrl+p", b"w"), ("Step 1 of", b"")], env={"NO_COLOR": "1"})
    log = await logged(lab, "end user=bob")
    assert sorted(re.findall(r"start user=\w+ .* via=(\w+)", log)) == ["pool", "zygote"], log
    colours = {colour for row in shown["alice"] for cell in row for colour in cell[1:3]}
    assert colours and all(c == "default" or c[0:2] == c[2:4] == c[4:6] for c in colours), colours  # greys only
    assert any(cell[3] or cell[5] for row in shown["alice"] for cell in row)  # the roles keep their attributes
    assert shown["alice"] == shown["bob"]


async def test_logins_at_once_get_a_pooled_tutor_each_and_the_pool_refills(make_lab, keys, tmp_path):
    accounts = Accounts(tmp_path)
    with accounts.editing():  # five students: two still to come once three are in
        for name in ("carol", "dave", "erin"):
            accounts.account(name, create=True).add_keys([keys["stranger"].convert_to_public()])
    lab = await make_lab(tutor_command=TUTOR, pool=3)
    await pool_warm(lab, 3)
    ready = pooled_pids(lab)
    assert len(ready) == 3
    # Three at once, more than the CPUs that take their learner at the same time: the last waits its turn.
    logins = [("alice", keys["alice"]), ("bob", keys["bob"]), ("carol", keys["stranger"])]
    async with contextlib.AsyncExitStack() as stack:
        conns = await asyncio.gather(*(stack.enter_async_context(connect(lab, u, k)) for u, k in logins))
        terms = await asyncio.gather(*(Term.open(c, size=(100, 30)) for c in conns))
        await asyncio.gather(*(t.expect(b"Quit", timeout=30) for t in terms))
        log = log_of(lab)
        pids = {int(p) for p in re.findall(r"start user=\w+ .* pid=(\d+) .* via=pool", log)}
        assert pids == ready  # each took one of the ready tutors: never the same one
        nice = min(19, os.getpriority(os.PRIO_PROCESS, 0) + TUTOR_NICENESS)  # as any tutor, below the server
        assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in pids} == {nice}
        await pool_warm(lab, 2)  # refilled for the two still to come, while the CPUs are idle
        assert pooled_pids(lab).isdisjoint(pids) and len(pooled_pids(lab)) == 2
        for t in terms:
            t.send(b"q")
        await asyncio.gather(*(t.rest(timeout=15) for t in terms))
    assert [t.process.exit_status for t in terms] == [0, 0, 0]


async def test_a_command_line_the_pooled_tutor_cannot_take_is_started_the_ordinary_way(make_lab, keys):
    lab = await make_lab(tutor_command=[*TUTOR, "--reader"], pool=1)
    await pool_warm(lab, 1)
    async with connect(lab, "alice", keys["alice"]) as conn:
        term = await Term.open(conn, size=(100, 30))
        await term.expect(b"Reader mode", timeout=30)  # --reader: what the pooled app does not show
        term.send(b"q")
        await term.rest(timeout=15)
    log = await logged(lab, "end user=alice")
    assert re.search(r"start user=alice .* via=pool", log) and "why=quit" in log and "crash" not in log


async def test_the_lab_stops_cleanly_with_pooled_tutors_idle(make_lab):
    lab = await make_lab(tutor_command=TUTOR, pool=2)
    await pool_warm(lab, 2)
    idle = pooled_pids(lab)
    assert len(idle) == 2
    started = time.monotonic()
    await lab.close()
    assert time.monotonic() - started < 8
    assert await gone(*idle, lab.zygote.pid)
    assert "crash" not in log_of(lab)
