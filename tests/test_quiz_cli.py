"""`tui-tutor quiz --skills`, `--skill S --seed N --format json` and `--answer`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tui_tutor.curriculum.skills import SKILLS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_tutor", "quiz", *args], capture_output=True, text=True,
                          timeout=60)


def test_the_skills_are_listed_with_their_mistake_ids():
    out = run("--skills", "--format", "json")
    assert out.returncode == 0
    assert json.loads(out.stdout)["skills"] == [{"skill": s, "mistakes": list(m)} for s, m in SKILLS.items()]
    text = run("--skills").stdout
    assert "hidden-delta    no-sigma-prime, transposed-weights, one-term, updated-weights" in text


def test_a_generated_question_prints_its_network_its_quantity_and_its_answer():
    doc = json.loads(run("--skill", "grad-weight", "--seed", "4", "--format", "json").stdout)
    assert set(doc) >= {"skill", "seed", "prompt", "setup", "quantity", "answer", "tolerance"}
    assert doc["skill"] == "grad-weight" and doc["seed"] == 4
    assert set(doc["setup"]) >= {"layers", "weights", "biases", "input", "target", "learning_rate"}
    assert doc["quantity"]["kind"] == "grad-weight" and {"l", "j", "i"} <= set(doc["quantity"])
    assert set(doc["tolerance"]) == {"relative", "absolute"}
    again = json.loads(run("--skill", "grad-weight", "--seed", "4", "--format", "json").stdout)
    assert again == doc  # the seed makes the question


def test_answers_are_graded_with_the_mistake_named_and_exit_zero_either_way():
    doc = json.loads(run("--skill", "output-delta", "--seed", "7", "--format", "json").stdout)
    right = run("--skill", "output-delta", "--seed", "7", "--answer", repr(doc["answer"]), "--format", "json")
    assert right.returncode == 0 and json.loads(right.stdout)["correct"] is True
    setup = doc["setup"]
    j = doc["quantity"]["j"]
    from tui_tutor.engine.network import Network, backprop

    p = backprop(Network(tuple(setup["weights"]), tuple(setup["biases"])), setup["input"], setup["target"])
    no_sigma = float(p.output[j - 1] - p.t[j - 1])  # (a − t) without σ′(z)
    wrong = run("--skill", "output-delta", "--seed", "7", "--answer", f"{no_sigma:.4g}", "--format", "json")
    graded = json.loads(wrong.stdout)
    assert wrong.returncode == 0 and graded["correct"] is False and graded["mistake"] == "no-sigma-prime"
    assert "σ′(z)" in graded["feedback"] and "Right line:" in graded["feedback"]


@pytest.mark.parametrize("args, words", [
    (("--skill", "cost", "--seed", "1", "--answer", "half"), "'half' is not a number"),
    (("--skill", "nope"), "unknown skill 'nope'"),
    (("--skill", "cost", "--seed", "-3"), "seed must be"),
    (("--answer", "0.1"), "--answer and --format need --skill"),
    (("--format", "json"), "need --skill"),
])
def test_bad_input_gets_one_line_and_exit_2(args, words):
    out = run(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert words in out.stderr and len(out.stderr.strip().splitlines()) == 1


def seeded_progress(folder):
    """Ada got a generated δ wrong twice the same way and a weight gradient right."""
    from tui_tutor.curriculum.generated import generate
    from tui_tutor.progress import open_store
    from tui_tutor.tutor.session import Session

    store, _ = open_store(folder, "ada")
    session = Session(store, "en")
    for seed in (1, 2):
        g = generate("output-delta", seed)
        session.attempt_generated(g, repr(next(c.value for c in g.mistakes if c.id == "sign-flip")), 40.0)
    g = generate("grad-weight", 3)
    session.attempt_generated(g, repr(g.answer), 40.0)
    store.close()


def test_progress_lists_each_skill_with_its_mastery_and_due_date(tmp_path):
    seeded_progress(tmp_path)
    out = subprocess.run([sys.executable, "-m", "tui_tutor", "progress", "--data-dir", str(tmp_path), "--user", "ada"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line for line in out.stdout.splitlines() if line.strip()}
    assert "✓ mastered" in lines["grad-weight"] and " UTC" in lines["grad-weight"]
    assert "0/2" in lines["output-delta"] and "mastered" not in lines["output-delta"]
    assert lines["batch-gradient"].rstrip().endswith("—")  # never tried: nothing due
    assert "output-delta/sign-flip ×2" in out.stdout
    doc = json.loads(subprocess.run([sys.executable, "-m", "tui_tutor", "progress", "--data-dir", str(tmp_path),
                                     "--user", "ada", "--format", "json"], capture_output=True, text=True,
                                    timeout=60).stdout)
    assert [s["skill"] for s in doc["skills"]] == list(SKILLS)


def test_the_lab_report_gives_each_students_skills_and_most_frequent_mistake(tmp_path, capsys):
    from tui_tutor.lab.report import run_report

    seeded_progress(tmp_path)
    assert run_report(tmp_path, "text") == 0
    text = capsys.readouterr().out
    assert "most frequent mistake" in text and "output-delta/sign-flip ×2" in text and "grad-weight✓" in text
    assert run_report(tmp_path, "csv") == 0
    header, ada = capsys.readouterr().out.splitlines()
    columns = dict(zip(header.split(","), ada.split(",")))
    assert [c for c in columns if c.startswith("skill:")] == [f"skill:{s}" for s in SKILLS]
    assert float(columns["skill:grad-weight"]) > 0.9 and columns["skill:cost"] == ""
    assert columns["top_mistake"] == "output-delta/sign-flip ×2"
