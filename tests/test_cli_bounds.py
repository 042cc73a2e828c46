"""What the command line refuses, and that each refusal is one line naming the problem and exit status 2:
files that are not network files, networks too large to explain, numbers that overflow, the lab's
host key, key files and data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui_tutor.cli import main
from tui_tutor.engine.netfile import MAX_LAYERS, MAX_PARAMETERS, MAX_UNITS

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
       "PYTHONIOENCODING": "utf-8"}


def run(*args: str, timeout: float = 20) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "tui_tutor", *args], cwd=ROOT, env=ENV, capture_output=True,
                         text=True, encoding="utf-8", timeout=timeout, stdin=subprocess.DEVNULL)
    return out, time.monotonic() - started


def refused(out: subprocess.CompletedProcess, *words: str) -> str:
    assert out.returncode == 2, (out.returncode, out.stdout[-300:], out.stderr)
    assert out.stdout == "" and "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tui-tutor: error: "), out.stderr
    assert all(w in lines[0] for w in words), lines[0]
    return lines[0]


def network(layers: list[int], value=0, **extra) -> dict:
    return {"layers": layers, "weights": [[[value] * m for _ in range(n)] for m, n in zip(layers, layers[1:])],
            "biases": [[value] * n for n in layers[1:]], **extra}


def write(tmp_path: Path, doc, name: str = "net.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return str(path)


# Files that are not network files: never read whole, never waited on

def test_dev_zero_as_a_network_file_is_refused_at_once():
    out, took = run("explain", "--network", "/dev/zero")
    refused(out, "/dev/zero", "not a regular file")
    assert took < 30  # it returns at once; a read of /dev/zero or a FIFO would never end (slack: a busy CI)


def test_a_fifo_as_a_network_file_does_not_hang(tmp_path):
    os.mkfifo(fifo := tmp_path / "pipe.json")
    out, took = run("train", "--network", str(fifo))
    refused(out, "pipe.json", "not a regular file")
    assert took < 30  # it returns at once; a read of /dev/zero or a FIFO would never end (slack: a busy CI)


def test_a_file_over_8_mib_is_refused_without_parsing_it(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate((8 << 20) + 1)
    refused(run("gradcheck", "--network", str(path))[0], "big.json", "larger than 8 MiB")


# Networks too large to explain: refused with the limits named, before any work

@pytest.mark.parametrize(("layers", "words"), [
    ([1000, 1000, 2], ("$.layers[0]", "1000 units", f"at most {MAX_UNITS} units a layer")),
    ([2] * (MAX_LAYERS + 1), ("$.layers", f"{MAX_LAYERS + 1} layers", f"{MAX_LAYERS} layers and")),
    ([64, 64, 64, 2], ("$.layers", "8,450 weights and biases", f"{MAX_PARAMETERS:,} parameters")),
], ids=["wide", "deep", "many parameters"])
def test_a_network_too_large_to_explain_is_refused_with_the_limits(tmp_path, layers, words):
    path = write(tmp_path, network(layers))
    out, took = run("explain", "--network", path)
    refused(out, "net.json", *words)
    assert took < 30  # refused before any work; explaining [1000, 1000, 2] took minutes (slack: a busy CI)


def test_the_largest_network_accepted_is_explained_in_seconds(tmp_path):
    layers = [16] * MAX_LAYERS  # 1,904 parameters, as deep as allowed: the slowest to explain
    assert sum(n * (m + 1) for m, n in zip(layers, layers[1:])) <= MAX_PARAMETERS
    out, took = run("explain", "--network", write(tmp_path, network(layers, 0.1)), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)["layers"]) == MAX_LAYERS and took < 30


def test_a_5000_digit_number_is_refused_naming_the_file(tmp_path):
    text = json.dumps(network([2, 2, 2], 0.5)).replace("0.5", "1" + "0" * 5000, 1)
    refused(run("explain", "--network", write(tmp_path, text, "digits.json"))[0], "digits.json", "digits")


def test_an_empty_network_name_is_refused_not_read_as_the_book(capsys):
    assert main(["explain", "--network", ""]) == 2
    err = capsys.readouterr()
    assert err.out == "" and len(err.err.splitlines()) == 1 and "--network" in err.err and "empty" in err.err


# Numbers that overflow: JSON never holds NaN or Infinity, and the text never shows a nonsense run

OVERFLOWING = network([2, 2, 2], 1, learning_rate=1e300, epochs=3,
                      data={"inputs": [[1e300, -1e300]], "targets": [[1, 0]]})


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_training_that_overflows_is_one_line_and_never_nan_in_json(tmp_path, fmt):
    out, _ = run("train", "--network", write(tmp_path, OVERFLOWING), "--format", fmt)
    refused(out, "overflowed", "smaller learning rate")


def test_training_that_does_not_overflow_still_prints_its_json(tmp_path):
    doc = network([2, 2, 2], 0.1, epochs=2, data={"inputs": [[0.1, 0.9]], "targets": [[1, 0]]})
    out, _ = run("train", "--network", write(tmp_path, doc), "--format", "json")
    assert out.returncode == 0 and out.stderr == "" and len(json.loads(out.stdout)["cost_history"]) == 3


# The lab: its host key, a key file and the data folder

def test_a_damaged_host_key_is_one_line_naming_it(tmp_path):
    (key := tmp_path / "lab-host-key").write_text("not a key\n")
    key.chmod(0o600)
    out, _ = run("lab", "serve", "--port", "0", "--data-dir", str(tmp_path))
    refused(out, str(key), "cannot be read", "move it aside")
    assert key.read_text() == "not a key\n"  # never replaced behind the teacher's back


def test_a_host_key_that_is_a_folder_is_one_line(tmp_path):
    (tmp_path / "lab-host-key").mkdir()
    refused(run("lab", "serve", "--port", "0", "--data-dir", str(tmp_path))[0], "lab-host-key", "a folder")


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "folder"])
def test_a_key_file_that_is_not_a_file_is_refused_at_once(tmp_path, kind):
    if kind == "fifo":
        os.mkfifo(path := tmp_path / "alice.pub")
    elif kind == "folder":
        (path := tmp_path / "keys").mkdir()
    else:
        path = Path(kind)
    out, took = run("lab", "user", "add", "alice", "--key", str(path), "--data-dir", str(tmp_path / "lab"))
    refused(out, f"key file {path}")
    assert took < 30 and not (tmp_path / "lab" / "lab-accounts.json").exists()


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["user", "list"], ["user", "remove", "alice"],
                                     ["report"], ["web", "--port", "8000"]],
                         ids=["serve", "user list", "user remove", "report", "web"])
@pytest.mark.parametrize("where", ["file", "inside a file"])
def test_a_data_dir_that_names_a_file_is_one_line(tmp_path, capsys, command, where):
    (blocker := tmp_path / "notes.txt").write_text("keep me")
    folder = blocker if where == "file" else blocker / "lab"
    assert main(["lab", *command, "--data-dir", str(folder)]) == 2
    err = capsys.readouterr()
    assert err.out == "" and len(err.err.splitlines()) == 1, err
    assert f"the data folder {folder}" in err.err and "is a file" in err.err
    assert blocker.read_text() == "keep me"
