"""The application layer on its own, without Textual: a whole quiz lesson, a training run,
networks saved and loaded by name, what a lab session may do, and the saved state."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tui_tutor.curriculum.grading import AnswerError
from tui_tutor.curriculum.quiz import load_bank, right_answer
from tui_tutor.engine import presets
from tui_tutor.progress import MemoryStore, open_store
from tui_tutor.tutor.capabilities import Capabilities
from tui_tutor.tutor.networks import LibraryError
from tui_tutor.tutor.session import Session
from tui_tutor.tutor.training_runs import TrainingRefused
from tui_tutor.tutor.workbench import Workbench


def right_text(q, numeric) -> str:
    """What a learner who knows the answer types."""
    if q.kind == "numeric":
        return f"{numeric.expected:.{q.figures}g}"
    if q.kind == "order":
        shown = q.shuffled_items()
        return "".join(str(shown.index(item) + 1) for item in q.items)
    return "abcdefgh"[q.answer - 1]


def wrong_text(q, numeric) -> str:
    if q.kind == "numeric":
        return "9999"
    if q.kind == "order":
        return right_text(q, numeric)[::-1]
    return "abcdefgh"[q.answer % len(q.choices)]


def test_a_whole_quiz_lesson_one_wrong_then_retried_right_gives_mastery():
    session, bench = Session(MemoryStore(), "en"), Workbench.from_preset()
    questions = session.questions(3)
    assert len(questions) >= 5
    for k, q in enumerate(questions):
        numeric = session.numbers_for(q, bench)
        with pytest.raises(AnswerError):  # not an answer: not counted
            session.attempt(q, numeric, "[/x]" if q.kind == "numeric" else "")
        feedback = session.attempt(q, numeric, (right_text if k else wrong_text)(q, numeric), seconds=1.5)
        assert feedback.correct == (k > 0)
        assert feedback.explanation == q.explanation and feedback.expected
    first = questions[0]
    assert session.missed_questions(3) == [first.id] and not session.lesson_scores()[3].mastered
    mistakes = session.mistakes(bench)
    assert [m.prompt for m in mistakes] == [first.prompt] and mistakes[0].right == right_answer(first, bench)
    numeric = session.numbers_for(first, bench)
    assert session.attempt(first, numeric, right_text(first, numeric)).correct
    assert session.lesson_scores()[3].mastered and 3 in session.mastered_lessons()
    assert session.mistakes(bench) == []


def test_an_answer_is_kept_cut_to_a_sane_length(tmp_path):
    store, _ = open_store(tmp_path, "ada")
    session = Session(store, "en")
    q = next(q for q in load_bank("en")[1] if q.kind == "choice")
    with pytest.raises(AnswerError):
        session.attempt(q, None, "x" * (1 << 20))
    session.attempt(q, None, "  a" + " " * 10)
    assert [a.answer for a in store.answers()] == ["a"]


def test_a_training_run_one_at_a_time_cancellable_and_taken_only_by_a_network_of_its_shape():
    session = Session(MemoryStore(), "en")
    bench = Workbench.from_preset()
    with pytest.raises(TrainingRefused) as refused:
        session.trainer.take(bench)
    assert refused.value.key == "nothing_trained"
    job = session.trainer.begin(bench.setup, epochs=5)
    assert job.learning_rate == bench.setup.learning_rate == 0.2  # the workbench's own η
    with pytest.raises(TrainingRefused) as refused:
        session.trainer.begin(bench.setup)
    assert refused.value.key == "already_training"
    seen = []
    run = job.execute(lambda n, cost: seen.append((n, cost)))
    session.trainer.finish(job, run)
    assert [n for n, _ in seen] == [1, 2, 3, 4, 5] and run.cost_history[-1] < run.cost_history[0]
    assert session.trainer.take(bench).setup.network.same_as(run.network)
    with pytest.raises(TrainingRefused) as refused:
        session.trainer.take(Workbench.from_preset("mazur"))
    assert refused.value.key == "trained_shape"
    with pytest.raises(TrainingRefused) as refused:
        session.trainer.begin(Workbench.from_preset("mazur").setup)  # 2-2-2 has no images
    assert refused.value.key == "no_data"
    job = session.trainer.begin(bench.setup, epochs=100_000)
    job.cancel()
    run = job.execute()
    session.trainer.finish(job, run)
    assert run.stopped and len(run.cost_history) == 2 and not session.trainer.running


def test_a_lab_session_saves_and_loads_networks_by_name_in_its_own_progress(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store, _ = open_store(tmp_path / "data", "ada")
    lab = Session(store, "en", Capabilities.lab())
    assert lab.networks.kind == "slots" and not lab.capabilities.files
    bench = Workbench.from_preset().randomised(3)
    for name in ("../../etc/passwd", "/tmp/x.json", "mine"):  # a name, never a path
        assert lab.networks.save(name, bench.setup) == name
    assert sorted(lab.networks.names()) == sorted(["../../etc/passwd", "/tmp/x.json", "mine"])
    loaded = lab.networks.load("mine")
    assert loaded.network.same_as(bench.setup.network) and np.array_equal(loaded.input, bench.setup.input)
    for bad, key in (("", "name_empty"), ("a\x1b[2J", "name_control"), ("n" * 61, "name_long"), ("nope", "no_slot")):
        with pytest.raises(LibraryError) as err:
            lab.networks.load(bad) if key == "no_slot" else lab.networks.save(bad, bench.setup)
        assert err.value.key == key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no file was made for any name
    bob = Session(open_store(tmp_path / "data", "bob")[0], "en", Capabilities.lab())
    assert bob.networks.names() == []  # ada's are hers
    store.reset()
    assert lab.networks.names() == []


def test_at_home_networks_are_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    home = Session(MemoryStore(), "en")
    assert home.networks.kind == "files"
    bench = Workbench.from_preset()
    home.networks.save("net.json", bench.setup)
    assert home.networks.load("net.json").network.same_as(bench.setup.network)
    for bad in ("/dev/zero", str(tmp_path)):
        with pytest.raises(LibraryError):
            home.networks.load(bad)


@pytest.mark.skipif(sys.platform != "linux", reason="FIFOs as on Linux")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    import os

    os.mkfifo(fifo := tmp_path / "pipe")
    code = ("from tui_tutor.tutor.session import Session; from tui_tutor.progress import MemoryStore\n"
            f"try:\n  Session(MemoryStore()).networks.load({str(fifo)!r})\nexcept Exception as e: print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert "not a regular file" in out.stdout


def test_capabilities_decide_what_a_session_may_do():
    home, lab = Capabilities.home(), Capabilities.lab()
    for action in ("suspend_process", "screenshot", "deliver_screenshot", "open_url"):
        assert home.allows(action) and not lab.allows(action)
    assert lab.allows("quit") and lab.allows("save")


def test_the_saved_state_is_typed_and_ignores_what_it_cannot_read(tmp_path):
    store, _ = open_store(tmp_path, "ada")
    session = Session(store, "zh")
    state = session.state
    assert (state.last_screen, state.lesson_index, state.quiz_position, state.workbench) == (None, 0, None, None)
    state.last_screen, state.lesson_index, state.quiz_position = "quiz", 4, (3, 2)
    state.workbench = Workbench.from_preset(image=7).at_step(12)
    session.set_language("zh")
    again = Session(open_store(tmp_path, "ada")[0])
    assert again.lang == "zh"  # remembered for this learner
    s = again.state
    assert (s.last_screen, s.lesson_index, s.quiz_position) == ("quiz", 4, (3, 2))
    assert s.workbench.image == 7 and s.workbench.step == 12
    store.set_state("last_screen", "/etc/passwd")
    store.set_state("quiz_position", "x:1")
    store.set_state("lesson", "9" * 50)
    store.set_state("workbench", "{not json")
    assert (s.last_screen, s.quiz_position, s.lesson_index, s.workbench) == (None, None, 0, None)
    assert presets.book_network() is not None


def test_the_app_starts_without_the_engine():
    """numpy and the engine load when a screen first needs them, not before the lessons' first frame."""
    code = ("import sys, tui_tutor.app, tui_tutor.tutor.session\n"
            "print(sorted(m for m in sys.modules if m == 'numpy' or m.startswith('tui_tutor.engine')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
