"""The command line, run for real in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tui_tutor.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
       "PYTHONIOENCODING": "utf-8"}
MAZUR_FILE = {
    "layers": [2, 2, 2],
    "weights": [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
    "biases": [[0.35, 0.35], [0.60, 0.60]],
    "input": [0.05, 0.10], "target": [0.01, 0.99], "learning_rate": 0.5, "update_biases": False,
}
DATA = {"inputs": [[0.05, 0.10], [0.9, 0.2]], "targets": [[0.01, 0.99], [0.99, 0.01]]}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_tutor", *args], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


@cache
def run_json(*args: str) -> dict:
    out = run(*args, "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _file(tmp_path: Path, doc: dict | str, name: str = "net.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def test_explain_json_layout_for_the_book():
    doc = run_json("explain")
    assert {"cost", "layers", "updated", "steps"} <= set(doc)
    layers = doc["layers"]
    assert [layer["l"] for layer in layers] == [1, 2, 3]
    assert set(layers[0]) == {"l", "a"} and len(layers[0]["a"]) == 12
    for layer, (n, m) in zip(layers[1:], [(3, 12), (2, 3)]):
        assert set(layer) == {"l", "z", "a", "delta", "grad_weights", "grad_biases"}
        assert len(layer["z"]) == len(layer["a"]) == len(layer["delta"]) == len(layer["grad_biases"]) == n
        assert [len(row) for row in layer["grad_weights"]] == [m] * n
    assert [[len(r) for r in w] for w in doc["updated"]["weights"]] == [[12] * 3, [3] * 2]
    assert [len(b) for b in doc["updated"]["biases"]] == [3, 2]
    assert len(doc["steps"]) == 110
    for step in doc["steps"]:
        assert {"kind", "symbol", "formula", "substituted", "value"} <= set(step)
    assert doc["steps"][0]["symbol"] == "z₁²"
    assert doc["layers"][2]["delta"] == [s["value"] for s in doc["steps"] if s["kind"] == "output_delta"]


def test_explain_json_for_mazur_matches_the_blog():
    doc = run_json("explain", "--preset", "mazur")
    assert doc["cost"] == pytest.approx(0.298371109, abs=5e-10)
    assert doc["layers"][2]["a"] == pytest.approx([0.75136507, 0.772928465], abs=5e-9)
    assert doc["layers"][2]["delta"][0] == pytest.approx(0.138498562, abs=5e-10)
    assert doc["layers"][2]["grad_weights"][0][0] == pytest.approx(0.082167041, abs=5e-10)
    assert doc["updated"]["weights"] == [
        [pytest.approx([0.149780716, 0.19956143], abs=5e-9), pytest.approx([0.24975114, 0.29950229], abs=5e-9)],
        [pytest.approx([0.35891648, 0.408666186], abs=5e-9), pytest.approx([0.511301270, 0.561370121], abs=5e-9)],
    ]
    assert doc["updated"]["biases"] == [[0.35, 0.35], [0.6, 0.6]]


def test_pixels_of_image_1_equal_image_1():
    assert run_json("explain", "--pixels", "111101101111") == run_json("explain", "--image", "1")
    assert run_json("explain", "--image", "1") == run_json("explain")


def test_pixels_with_a_digit_set_the_target():
    doc = run_json("explain", "--pixels", "010010010010", "--digit", "1")
    assert doc["layers"][0]["a"] == [0, 1, 0] * 4
    assert doc["steps"][10]["formula"].startswith("C = ½[(t₁ − a₁³)²")
    assert doc["cost"] == pytest.approx(0.5 * ((0 - doc["layers"][2]["a"][0]) ** 2 + (1 - doc["layers"][2]["a"][1]) ** 2))


def test_explain_markdown_has_headings_and_code_blocks():
    out = run("explain", "--format", "markdown")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("# ")
    assert sum(line.startswith("## ") for line in lines) == 6
    assert lines.count("```text") == 6 and lines.count("```") == 6
    assert "δ₁³ = (a₁³ − t₁)σ′(z₁³)" in out.stdout


def test_explain_text_shows_the_deltas():
    out = run("explain", "--preset", "mazur")
    assert out.returncode == 0, out.stderr
    assert "δ₁³" in out.stdout and "σ′(z₁³)" in out.stdout
    assert "0.138499" in out.stdout  # δ₁³ to six figures


def test_train_json_for_the_book():
    doc = run_json("train")
    assert doc["epochs"] == 50 and doc["learning_rate"] == 0.2
    assert len(doc["cost_history"]) == 51
    assert doc["cost_history"][0] == pytest.approx(20.2545, abs=5e-5)
    assert doc["cost_history"][-1] == pytest.approx(0.236735, abs=5e-7)
    assert doc["accuracy"] == 1.0
    assert len(doc["predictions"]) == 64 and all(p["correct"] for p in doc["predictions"])
    assert [p["expected"] for p in doc["predictions"]] == [0] * 32 + [1] * 32
    assert [[len(r) for r in w] for w in doc["weights"]] == [[12] * 3, [3] * 2]
    assert [len(b) for b in doc["biases"]] == [3, 2]


def test_train_epochs_3_gives_4_history_values():
    doc = run_json("train", "--epochs", "3")
    assert doc["epochs"] == 3 and len(doc["cost_history"]) == 4
    assert doc["cost_history"][:4] == pytest.approx(run_json("train")["cost_history"][:4], rel=1e-12)


def test_gradcheck_agrees_and_prints_the_largest_difference():
    out = run("gradcheck")
    assert out.returncode == 0, out.stderr
    assert "largest difference" in out.stdout and "they agree" in out.stdout
    doc = run_json("gradcheck", "--image", "40")
    assert len(doc["gradients"]) == 36 + 6 + 3 + 2
    assert doc["max_difference"] == max(g["difference"] for g in doc["gradients"]) < 1e-8


def test_network_file_for_explain_train_and_gradcheck(tmp_path):
    path = _file(tmp_path, {**MAZUR_FILE, "data": DATA, "epochs": 4})
    assert run_json("explain", "--network", path) == run_json("explain", "--preset", "mazur")
    doc = run_json("train", "--network", path)
    assert doc["epochs"] == 4 and len(doc["cost_history"]) == 5 and len(doc["predictions"]) == 2
    assert doc["biases"] == MAZUR_FILE["biases"]  # the file says update_biases: false
    out = run("gradcheck", "--network", path)
    assert out.returncode == 0 and "largest difference" in out.stdout, out.stderr
    assert run_json("explain", "--network", path, "--image", "2")["layers"][0]["a"] == [0.9, 0.2]


def test_help_exits_0():
    for args in [(), ("explain",), ("train",), ("gradcheck",)]:
        out = run(*args, "--help")
        assert out.returncode == 0, (args, out.stderr)
        assert "usage: tui-tutor" in out.stdout


NO_DATA = json.dumps(MAZUR_FILE)
BAD = {
    "missing file": (["explain", "--network", "{tmp}/nothing.json"], None, "no such file"),
    "invalid JSON": (["explain", "--network", "{file}"], '{"layers": [2, 2', "not valid JSON"),
    "wrong shape": (["explain", "--network", "{file}"], NO_DATA.replace("0.45]", "0.45, 1]"), "$.weights[1][0]"),
    "non-number": (["gradcheck", "--network", "{file}"], NO_DATA.replace("0.45", '"x"'), "expected a number"),
    "NaN": (["explain", "--network", "{file}"], NO_DATA.replace("0.45", "NaN"), "finite"),
    "huge integer": (["explain", "--network", "{file}"], NO_DATA.replace("0.45", "1" + "0" * 400), "$.weights[1][0][1]"),
    "pixels short": (["explain", "--pixels", "1111011011"], None, "twelve 0/1 digits"),
    "pixels not 0/1": (["explain", "--pixels", "111101101112"], None, "twelve 0/1 digits"),
    "image 0": (["explain", "--image", "0"], None, "from 1 to 64"),
    "image 65": (["gradcheck", "--image", "65"], None, "from 1 to 64"),
    "unknown preset": (["explain", "--preset", "lenet"], None, "invalid choice"),
    "negative epochs": (["train", "--epochs", "-3"], None, "epochs must be 0 or more"),
    "too many epochs": (["train", "--epochs", "100001"], None, "epochs must be at most 100000"),
    "eta 0": (["explain", "--learning-rate", "0"], None, "positive finite"),
    "eta -1": (["train", "--learning-rate", "-1"], None, "positive finite"),
    "eta nan": (["explain", "--eta", "nan"], None, "positive finite"),
    "eta inf": (["train", "--eta", "inf"], None, "positive finite"),
    "eta abc": (["explain", "--learning-rate", "abc"], None, "must be a number"),
    "eta two marks": (["explain", "--learning-rate", "0,2.5"], None, "must be a number"),
    "digit alone": (["explain", "--digit", "1"], None, "--digit goes with --pixels"),
    "digit with image": (["explain", "--image", "3", "--digit", "1"], None, "--digit goes with --pixels"),
    "pixels not in the book": (["explain", "--pixels", "000000000000"], None, "--digit"),
    "pixels on mazur": (["explain", "--preset", "mazur", "--pixels", "111101101111"], None, "12 inputs"),
    "train without data": (["train", "--network", "{file}"], NO_DATA, "no \"data\""),
    "image without data": (["explain", "--network", "{file}", "--image", "1"], NO_DATA, "data"),
}


@pytest.mark.parametrize("args, content, expected", BAD.values(), ids=BAD.keys())
def test_bad_input_is_one_line_and_status_2(tmp_path, args, content, expected):
    file = _file(tmp_path, content) if content is not None else ""
    out = run(*[a.format(tmp=tmp_path, file=file) for a in args])
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("tui-tutor: error: ")
    assert expected in lines[0]
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("typed", ["0.7", "0,7", "０．７", "０，７", "7e-1", " 0.7 "])
def test_the_learning_rate_is_read_like_everywhere_in_the_tutor(typed):
    assert build_parser().parse_args(["explain", "--learning-rate", typed]).learning_rate == 0.7


@pytest.mark.parametrize("typed, value", [("100000", 100000), ("０", 0), ("１２", 12), ("+3", 3)])
def test_epochs_are_whole_numbers_up_to_the_tutors_limit(typed, value):
    assert build_parser().parse_args(["train", "--epochs", typed]).epochs == value


@pytest.mark.parametrize("args, expected", [
    (["train", "--epochs", "1e3"], "epochs must be a whole number, not '1e3'"),
    (["train", "--epochs", "1_000"], "epochs must be a whole number"),
    (["train", "--epochs", "99999999999999999999"], "at most 100000"),
    (["explain", "--learning-rate", "NaN"], "positive finite"),
    (["explain", "--learning-rate", "1e999"], "positive finite"),
    (["lab", "serve", "--idle-timeout", "nan"], "0 (never) or a positive number of seconds"),
    (["lab", "serve", "--idle-timeout", "1,5x"], "expected a number of seconds"),
])
def test_refused_numbers_are_one_line_and_status_2(capsys, args, expected):
    assert main(args) == 2
    out = capsys.readouterr()
    assert out.out == "" and len(out.err.splitlines()) == 1 and expected in out.err, out.err


def test_lab_seconds_accept_a_decimal_comma():
    assert build_parser().parse_args(["lab", "serve", "--idle-timeout", "1,5"]).idle_timeout == 1.5
