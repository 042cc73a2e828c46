"""The network file: round trips, the documented example, and every bad input named with its JSON path."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tui_tutor.engine import presets
from tui_tutor.engine.netfile import NetworkFileError, load_setup, save_setup, setup_from_dict

# The layout documented in netfile.py (and the README): the 2-2-2 network of the blog post.
EXAMPLE = """{"layers": [2, 2, 2],
 "weights": [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
 "biases": [[0.35, 0.35], [0.60, 0.60]],
 "input": [0.05, 0.10], "target": [0.01, 0.99],
 "learning_rate": 0.5, "update_biases": false,
 "data": {"inputs": [[0.05, 0.10], [0.9, 0.2]], "targets": [[0.01, 0.99], [0.99, 0.01]]}}
"""


def _doc() -> dict:
    return json.loads(EXAMPLE)


def assert_same_setup(a, b) -> None:
    assert a.network.same_as(b.network)
    np.testing.assert_array_equal(a.input, b.input)
    np.testing.assert_array_equal(a.target, b.target)
    assert (a.learning_rate, a.update_biases) == (b.learning_rate, b.update_biases)
    assert (a.data is None) == (b.data is None)
    if a.data is not None:
        np.testing.assert_array_equal(a.data.inputs, b.data.inputs)
        np.testing.assert_array_equal(a.data.targets, b.data.targets)


@pytest.mark.parametrize("name", ["book", "mazur"])
def test_save_then_load_gives_identical_numbers(tmp_path, name):
    setup = presets.preset(name)
    path = tmp_path / f"{name}.json"
    save_setup(setup, path)
    assert_same_setup(load_setup(path), setup)
    assert [p.name for p in tmp_path.iterdir()] == [f"{name}.json"]  # no temporary file left behind


def test_round_trip_of_random_numbers_is_exact(tmp_path):
    rng = np.random.default_rng(5)
    doc = _doc()
    doc["weights"] = [rng.normal(size=(2, 2)).tolist() for _ in range(2)]
    doc["data"] = {"inputs": rng.random((7, 2)).tolist(), "targets": rng.random((7, 2)).tolist()}
    setup = setup_from_dict(doc)
    save_setup(setup, tmp_path / "n.json")
    assert_same_setup(load_setup(tmp_path / "n.json"), setup)


def test_round_trip_keeps_the_number_of_epochs(tmp_path):
    """A file's "epochs" is read into Setup.epochs, so saving must write it back."""
    setup = replace(setup_from_dict(_doc()), epochs=7)
    save_setup(setup, tmp_path / "n.json")
    assert load_setup(tmp_path / "n.json").epochs == 7


def test_the_documented_example_loads(tmp_path):
    path = tmp_path / "mazur.json"
    path.write_text(EXAMPLE, encoding="utf-8")
    setup = load_setup(path)
    assert_same_setup(replace(setup, data=None), presets.mazur())
    assert len(setup.data) == 2
    assert setup.epochs == 50


def test_the_readme_example_loads(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Network files\s+```json\n(.*?)```", readme, re.S)
    assert block, "README.md has no JSON example under 'Network files'"
    path = tmp_path / "readme.json"
    path.write_text(block.group(1), encoding="utf-8")
    assert_same_setup(load_setup(path), presets.mazur())


def test_optional_keys_take_their_defaults():
    doc = {k: _doc()[k] for k in ("layers", "weights", "biases")}
    setup = setup_from_dict(doc)
    np.testing.assert_array_equal(setup.input, [0.0, 0.0])
    np.testing.assert_array_equal(setup.target, [0.0, 0.0])
    assert setup.learning_rate == 0.2 and setup.update_biases is True and setup.data is None


def _with(**changes) -> str:
    doc = _doc()
    for key, value in changes.items():
        if value is ...:
            del doc[key]
        else:
            doc[key] = value
    return json.dumps(doc)


def _replace_text(old: str, new: str) -> str:
    assert old in EXAMPLE
    return EXAMPLE.replace(old, new, 1)


BAD_FILES = {
    "invalid JSON": ('{"layers": [2, 2, 2],', ["not valid JSON", "line 1"]),
    "not an object": ("[1, 2, 3]", ["$:", "JSON object"]),
    "missing layers": (_with(layers=...), ["$.layers", "at least two"]),
    "short layers": (_with(layers=[2]), ["$.layers", "at least two"]),
    "zero units": (_with(layers=[2, 0, 2]), ["$.layers[1]", "positive whole number"]),
    "missing weights": (_with(weights=...), ["$.weights", "2 layers"]),
    "short weight row": (_replace_text("[0.40, 0.45]", "[0.40, 0.45, 0.46]"), ["$.weights[1][0]", "2 numbers, found 3"]),
    "too many rows": (_replace_text("[[0.15, 0.20], [0.25, 0.30]]", "[[0.15, 0.20], [0.25, 0.30], [1, 1]]"),
                      ["$.weights[0]", "2 rows", "found 3"]),
    "short biases": (_replace_text("[0.60, 0.60]", "[0.60]"), ["$.biases[1]", "2 numbers, found 1"]),
    "string as number": (_replace_text("0.45", '"0.45"'), ["$.weights[1][0][1]", "expected a number", "0.45"]),
    "NaN": (_replace_text("0.30", "NaN"), ["$.weights[0][1][1]", "finite"]),
    "Infinity": (_replace_text("0.55", "-Infinity"), ["$.weights[1][1][1]", "finite"]),
    "1e999": (_replace_text("0.35, 0.35", "0.35, 1e999"), ["$.biases[0][1]", "finite"]),
    "boolean as number": (_replace_text("0.05", "true"), ["$.input[0]", "expected a number", "true"]),
    "zero learning rate": (_with(learning_rate=0), ["$.learning_rate", "positive"]),
    "negative learning rate": (_with(learning_rate=-0.5), ["$.learning_rate", "positive", "-0.5"]),
    "learning rate as text": (_with(learning_rate="fast"), ["$.learning_rate", "expected a number"]),
    "update_biases not a bool": (_with(update_biases="no"), ["$.update_biases", "true or false"]),
    "update_biases as 0": (_with(update_biases=0), ["$.update_biases", "true or false"]),
    "input too long": (_with(input=[1, 2, 3]), ["$.input", "2 numbers, found 3"]),
    "target not a list": (_with(target=1), ["$.target", "list of 2 numbers"]),
    "data count mismatch": (_with(data={"inputs": [[0, 1], [1, 0]], "targets": [[1, 0]]}),
                            ["$.data.targets", "2 targets"]),
    "data input width": (_with(data={"inputs": [[0, 1], [1]], "targets": [[1, 0], [0, 1]]}),
                         ["$.data.inputs[1]", "2 numbers, found 1"]),
    "data not an object": (_with(data=[[0, 1]]), ["$.data", "inputs"]),
    "empty data": (_with(data={"inputs": [], "targets": []}), ["$.data.inputs", "non-empty"]),
    "unknown key": (_with(weight=[1]), ["$.weight", "unknown key"]),
    "negative epochs": (_with(epochs=-1), ["$.epochs", "0 or more"]),
}


@pytest.mark.parametrize("text, expected", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_reported_with_its_json_path(tmp_path, text, expected):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NetworkFileError) as caught:
        load_setup(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for part in expected:
        assert part in message, message
    assert "\n" not in message


def test_missing_file(tmp_path):
    with pytest.raises(NetworkFileError, match="no such file") as caught:
        load_setup(tmp_path / "nothing.json")
    assert "nothing.json" in str(caught.value)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(NetworkFileError, match="is a folder"):
        load_setup(tmp_path)


def test_not_utf8(tmp_path):
    (tmp_path / "bad.json").write_bytes(b'{"layers": "\xff\xfe"}')
    with pytest.raises(NetworkFileError, match="cannot read"):
        load_setup(tmp_path / "bad.json")


def test_error_from_a_dict_keeps_its_json_path():
    doc = _doc()
    doc["weights"][1][0] = [0.4]
    with pytest.raises(NetworkFileError) as caught:
        setup_from_dict(doc)
    assert caught.value.path == "$.weights[1][0]"


def test_a_huge_integer_literal_is_a_network_file_error(tmp_path):
    """An integer too large for a float (1 followed by 400 zeros) is as bad as 1e999, not a crash."""
    path = tmp_path / "bad.json"
    path.write_text(_replace_text("0.15", "1" + "0" * 400), encoding="utf-8")
    with pytest.raises(NetworkFileError, match=r"\$\.weights\[0\]\[0\]\[0\]"):
        load_setup(path)


def test_deeply_nested_json_is_a_network_file_error(tmp_path):
    """Python's json gives up on deep nesting with RecursionError; that too is a bad file, not a crash."""
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(NetworkFileError, match="deep.json"):
        load_setup(path)
