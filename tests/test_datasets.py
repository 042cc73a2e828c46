"""The learner's own data sets: the model, JSON and CSV files, network files with a grid and classes,
and the CLI on them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tui_tutor.cli import main
from tui_tutor.engine import dataset_files, datasets, gradcheck, netfile, training
from tui_tutor.engine.datasets import DataSetFileError, ImageSet
from tui_tutor.progress.store import MemoryStore
from tui_tutor.tutor.capabilities import Capabilities
from tui_tutor.tutor.datasets import library_for
from tui_tutor.tutor.networks import LibraryError
from tui_tutor.tutor.session import Session

SEVEN = (1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0)  # a 7 on the book's 4-row, 3-column grid


def five_by_five() -> ImageSet:
    """A 0, a 1 and a 7 on a 5×5 grid, two of each (the second shifted by a pixel)."""
    zero = "01110" "10001" "10001" "10001" "01110"
    one = "00100" "01100" "00100" "00100" "01110"
    seven = "11111" "00010" "00100" "01000" "01000"
    images = datasets.empty(5, 5, ("0", "1", "7"))
    for label, picture in enumerate((zero, one, seven)):
        pixels = [float(c) for c in picture]
        images = images.with_image(pixels, label).with_image(pixels[1:] + [0.0], label)
    return images


def test_targets_are_one_hot_and_the_prediction_is_the_largest_output():
    images = five_by_five()
    data = images.data_set()
    assert data.inputs.shape == (6, 25) and data.targets.tolist()[4] == [0, 0, 1]
    network = datasets.new_network(5, 5, 3, hidden=4)
    assert network.layers == (25, 4, 3)
    out = training.outputs(network, data.inputs)
    assert training.predict(network, data.inputs).tolist() == np.argmax(out, axis=1).tolist()


def test_gradients_of_a_25_4_3_network_match_central_differences():
    images = five_by_five()
    network = datasets.new_network(5, 5, 3, hidden=4, seed=7)
    data = images.data_set()
    for k in (0, 3, 5):
        check = gradcheck.check_gradients(network, data.inputs[k], data.targets[k])
        assert check.backprop.size == 25 * 4 + 4 * 3 + 4 + 3
        assert check.max_relative_difference < 1e-6, check.max_difference


def test_a_trained_network_file_keeps_images_labels_and_weights(tmp_path):
    images = five_by_five()
    setup = datasets.setup_of(images, hidden=4, learning_rate=2.0)
    run = training.train(setup.network, setup.data, 2.0, 300)
    assert training.accuracy(run.network, setup.data) == 1.0
    trained = datasets.setup_of(images, run.network, learning_rate=2.0)
    netfile.save_setup(trained, tmp_path / "mine.json")
    again = netfile.load_setup(tmp_path / "mine.json")
    assert again.grid == (5, 5) and again.classes == ("0", "1", "7")
    assert again.network.same_as(run.network)
    assert datasets.image_set_of(again) == images


def test_edits_are_new_sets():
    images = five_by_five()
    assert len(images.without(0)) == 5 and images.relabelled(0, 2).labels[0] == 2
    assert images.duplicated(2).images[3] == images.images[2]
    flipped = images.flipped(0, 0)
    assert flipped.images[0][0] == 1.0 and images.images[0][0] == 0.0
    assert images.with_class("x").classes == ("0", "1", "7", "x")
    with pytest.raises(DataSetFileError, match="already a class"):
        images.with_class("7")


def test_csv_round_trip(tmp_path):
    images = five_by_five()
    dataset_files.save(images, tmp_path / "mine.csv")
    text = (tmp_path / "mine.csv").read_text()
    assert text.splitlines()[0].startswith("label,r1c1,r1c2") and text.splitlines()[0].endswith(",r5c5")
    assert dataset_files.load(tmp_path / "mine.csv") == images
    dataset_files.save(images, tmp_path / "mine.json")
    assert dataset_files.load(tmp_path / "mine.json") == images


def test_csv_without_a_header_takes_a_square_grid_or_the_one_given():
    square = "0," + ",".join("0" * 16) + "\n1," + ",".join("1" * 16) + "\n"
    assert dataset_files.from_csv(square).grid_text == "4×4"
    book_shape = "0," + ",".join("101101101111") + "\n7," + ",".join(map(str, SEVEN)) + "\n"
    images = dataset_files.from_csv(book_shape, grid=(4, 3))
    assert images.classes == ("0", "7") and images.images[1] == tuple(map(float, SEVEN))
    with pytest.raises(DataSetFileError, match="12 pixels a line is not a square grid"):
        dataset_files.from_csv(book_shape)


PIXELS_16 = ",".join("0" * 16)


@pytest.mark.parametrize("text, expected", [
    ("0," + PIXELS_16 + "\n1," + ",".join("0" * 15) + "\n", "line 2: 15 pixels, the 4×4 grid has 16"),
    ("label,r1c1,r9c9\n0,1,0\n", "larger than 8×8"),
    ("".join(f"{k}," + PIXELS_16 + "\n" for k in range(11)), "11 classes: a data set has 2 to 10"),
    ("0," + PIXELS_16 + "\n", "1 classes: a data set has 2 to 10"),
    ("0," + PIXELS_16 + "\n1," + PIXELS_16.replace("0", "x", 1) + "\n", "line 2, pixel 1: expected a number"),
    ("label,a,b\n0,1,0\n", "the last column should name the last pixel"),
    ("", "the CSV holds no images"),
])
def test_bad_csv_is_one_line_naming_the_problem(tmp_path, text, expected):
    (tmp_path / "bad.csv").write_text(text)
    with pytest.raises(DataSetFileError) as err:
        dataset_files.load(tmp_path / "bad.csv")
    assert expected in str(err.value) and "\n" not in str(err.value) and "bad.csv" in str(err.value)


def test_csv_labels_must_be_in_the_classes_named():
    with pytest.raises(DataSetFileError, match="label '7' is not one of the classes 0, 1"):
        dataset_files.from_csv("0," + PIXELS_16 + "\n7," + PIXELS_16 + "\n", classes=("0", "1"))


GOOD = {"grid": [2, 2], "classes": ["a", "b"], "images": [[1, 0, 0, 1], [0, 1, 1, 0]], "labels": ["a", "b"]}


@pytest.mark.parametrize("change, expected", [
    ({"images": [[1, 0, 0], [0, 1, 1, 0]]}, "image 1: expected 4 pixels (2×2), found 3"),
    ({"labels": ["a", "c"]}, 'image 2: label "c" is not one of the classes a, b'),
    ({"grid": [9, 2]}, "grid 9×2 is larger than 8×8"),
    ({"classes": [str(k) for k in range(11)]}, "11 classes: a data set has 2 to 10"),
    ({"classes": ["a", "b", "c"]}, "class 'c' has no image"),
    ({"images": [[1, 0, 0, 2], [0, 1, 1, 0]]}, "image 1, pixel 4: a pixel is a number from 0 to 1"),
    ({"grid": "5x5"}, '"grid": expected [rows, columns]'),
    ({"extra": 1}, "unknown key 'extra'"),
    ({"labels": ["a"]}, '"labels": expected 2 labels'),
])
def test_bad_json_is_one_line_naming_the_problem(tmp_path, change, expected):
    (tmp_path / "bad.json").write_text(json.dumps({**GOOD, **change}))
    with pytest.raises(DataSetFileError) as err:
        dataset_files.load(tmp_path / "bad.json")
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_unreadable_files_are_one_line(tmp_path):
    for path, expected in ((tmp_path / "none.json", "no such file"), (tmp_path, "is a folder")):
        with pytest.raises(DataSetFileError, match=expected):
            dataset_files.load(path)
    (tmp_path / "x.json").write_text("{")
    with pytest.raises(DataSetFileError, match="not valid JSON"):
        dataset_files.load(tmp_path / "x.json")


def _network_doc(**data) -> dict:
    images = ImageSet(2, 2, ("a", "b", "c"), ((1, 0, 0, 1), (0, 1, 1, 0), (1, 1, 0, 0)), (0, 1, 2))
    doc = netfile.setup_to_dict(datasets.setup_of(images))
    doc["data"].update(data)
    return doc


@pytest.mark.parametrize("data, path, expected", [
    ({"grid": [3, 2]}, "$.data.grid", "a 3×2 grid has 6 pixels, the network has 4 inputs"),
    ({"grid": [9, 1]}, "$.data.grid", "larger than 8×8"),
    ({"classes": ["a", "b"]}, "$.data.classes", "2 classes, the network has 3 outputs"),
    ({"targets": [[1, 0, 0], [0, 1, 0], [1, 0, 0]]}, "$.data.classes", "class 'c' has no image"),
    ({"targets": [[1, 0, 0], [0, 1, 0], [0, 0.5, 1]]}, "$.data.targets[2]", "one 1 and the rest 0"),
    ({"colour": "red"}, "$.data.colour", "unknown key"),
])
def test_a_network_file_checks_its_grid_and_classes(data, path, expected):
    with pytest.raises(netfile.NetworkFileError) as err:
        netfile.setup_from_dict(_network_doc(**data))
    assert err.value.path == path and expected in str(err.value)


def test_a_network_file_without_grid_and_classes_reads_as_before():
    doc = _network_doc()
    del doc["data"]["grid"], doc["data"]["classes"]
    setup = netfile.setup_from_dict(doc)
    assert setup.grid is None and setup.classes == () and setup.labels == ()


def test_cli_trains_any_file_with_a_confusion_matrix_and_explains_its_images(tmp_path, capsys):
    images = five_by_five()
    netfile.save_setup(datasets.setup_of(images, hidden=4, learning_rate=2.0, epochs=200), tmp_path / "n.json")
    assert main(["train", "--network", str(tmp_path / "n.json")]) == 0
    out = capsys.readouterr().out
    assert "Confusion matrix" in out and "6/6" in out
    assert "01110/10001" in out
    assert main(["explain", "--network", str(tmp_path / "n.json"), "--image", "5"]) == 0
    assert "image 5 of the data set (class 7)" in capsys.readouterr().out
    assert main(["train", "--preset", "book", "--epochs", "1"]) == 0
    assert "Confusion matrix" not in capsys.readouterr().out


@pytest.mark.parametrize("capabilities", [Capabilities.home(), Capabilities.lab()])
def test_the_library_saves_where_the_session_may(tmp_path, monkeypatch, capabilities):
    monkeypatch.chdir(tmp_path)
    store = MemoryStore()
    library = library_for(Session(store, "en", capabilities))
    images = five_by_five()
    name = library.save("mine.json" if capabilities.files else "mine", images)
    assert library.load(name) == images
    assert (tmp_path / "mine.json").exists() == capabilities.files
    assert library.names() == ([] if capabilities.files else ["mine"])
    with pytest.raises(LibraryError):
        library.load("other")


def test_huge_or_strange_numbers_in_a_csv_are_one_line():
    with pytest.raises(DataSetFileError, match="the last column should name the last pixel"):
        dataset_files.from_csv("label," + "r1c" + "9" * 5000 + "\n0,1\n")
    with pytest.raises(DataSetFileError, match="expected 1 to 12 characters"):
        dataset_files.from_csv(f"{'9' * 5000},1,0,0,1\n²,0,1,1,0\n", grid=(2, 2))
    assert dataset_files.from_csv("10,1,0,0,1\n²,0,1,1,0\n9,1,1,1,1\n", grid=(2, 2)).classes == ("9", "10", "²")


def test_the_readme_examples_load():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Data set files"):]
    assert datasets.loads(re.search(r"```json\n(.*?)```", section, re.S)[1]).classes == ("0", "1", "7")
    assert dataset_files.from_csv(re.search(r"```\n(label.*?)```", section, re.S)[1]).grid_text == "4×3"


def test_the_workbench_on_a_data_set_keeps_it_across_a_restart():
    from tui_tutor.tutor.workbench import Workbench
    from tui_tutor.tutor.workbench_json import workbench_from_json, workbench_to_json

    images = five_by_five()
    bench = Workbench.from_images(images, 4, Workbench.from_preset())
    assert bench.setup.network.layers == (25, 4, 3) and bench.grid == (5, 5) and bench.class_name == "0"
    assert bench.undone().setup.network.layers == (12, 3, 2)  # undo gives the book back
    assert bench.with_image(6).image == 6 and bench.with_image(6).class_name == "7"
    again = workbench_from_json(workbench_to_json(bench.with_image(5)))
    assert datasets.image_set_of(again.setup) == images and again.class_name == "7"
    assert again.setup.network.same_as(bench.setup.network)
