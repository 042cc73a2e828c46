"""The network file: JSON in, a ``Setup`` out, and back again.

Layout (``weights[k][j][i]`` is w_ji of layer k + 2)::

    {"layers": [2, 2, 2],
     "weights": [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
     "biases": [[0.35, 0.35], [0.60, 0.60]],
     "input": [0.05, 0.10], "target": [0.01, 0.99],
     "learning_rate": 0.5, "update_biases": false,
     "data": {"inputs": [[...], ...], "targets": [[...], ...],
              "grid": [4, 3], "classes": ["0", "1"]}}

``grid`` (rows, columns; rows × columns = the input units) and ``classes`` (one a output
unit; then every target is one-hot and every class has an image) are optional.

Every problem is reported as a ``NetworkFileError`` naming the JSON path. A network is
explained weight by weight, so one larger than MAX_UNITS units a layer, MAX_LAYERS
layers or MAX_PARAMETERS weights and biases is refused before its numbers are read.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

from .network import Network
from .presets import Setup
from .training import DataSet

KNOWN_KEYS = {"layers", "weights", "biases", "input", "target", "learning_rate", "update_biases", "data",
              "epochs", "description"}
DEFAULT_LEARNING_RATE = 0.2
# A network is explained one weight at a time: these keep every command and screen quick (the book's is 12-3-2).
MAX_UNITS = 64
MAX_LAYERS = 8
MAX_PARAMETERS = 2_000


class NetworkFileError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


def _number(value, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NetworkFileError(path, f"expected a number, found {json.dumps(value)[:40]}")
    try:
        number = float(value)
    except OverflowError:
        raise NetworkFileError(path, "expected a finite number, found an integer too large for a float") from None
    if not math.isfinite(number):
        raise NetworkFileError(path, f"expected a finite number, found {value}")
    return number


def _vector(value, length: int, path: str) -> list[float]:
    if not isinstance(value, list):
        raise NetworkFileError(path, f"expected a list of {length} numbers")
    if len(value) != length:
        raise NetworkFileError(path, f"expected {length} numbers, found {len(value)}")
    return [_number(v, f"{path}[{k}]") for k, v in enumerate(value)]


def _matrix(value, rows: int, cols: int, path: str) -> list[list[float]]:
    if not isinstance(value, list) or len(value) != rows:
        found = f"found {len(value)}" if isinstance(value, list) else "found no list"
        raise NetworkFileError(path, f"expected {rows} rows of {cols} numbers, {found}")
    return [_vector(row, cols, f"{path}[{k}]") for k, row in enumerate(value)]


def parameter_count(layers: list[int]) -> int:
    """Weights and biases of a network with these layers."""
    return sum(n * (m + 1) for m, n in zip(layers, layers[1:]))


def _layers(doc: dict) -> list[int]:
    layers = doc.get("layers")
    if not isinstance(layers, list) or len(layers) < 2:
        raise NetworkFileError("$.layers", "expected a list of at least two unit counts, e.g. [12, 3, 2]")
    limits = (f"the tutor explains networks of at most {MAX_UNITS} units a layer, {MAX_LAYERS} layers and "
              f"{MAX_PARAMETERS:,} parameters")
    if len(layers) > MAX_LAYERS:
        raise NetworkFileError("$.layers", f"{len(layers)} layers; {limits}")
    for k, n in enumerate(layers):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise NetworkFileError(f"$.layers[{k}]", f"expected a positive whole number, found {json.dumps(n)}")
        if n > MAX_UNITS:
            raise NetworkFileError(f"$.layers[{k}]", f"{n} units; {limits}")
    if (count := parameter_count(layers)) > MAX_PARAMETERS:
        raise NetworkFileError("$.layers", f"{count:,} weights and biases; {limits}")
    return layers


def _network(doc: dict, layers: list[int]) -> Network:
    for key in ("weights", "biases"):
        if not isinstance(doc.get(key), list) or len(doc[key]) != len(layers) - 1:
            raise NetworkFileError(f"$.{key}", f"expected a list of {len(layers) - 1} layers")
    weights = [_matrix(doc["weights"][k], layers[k + 1], layers[k], f"$.weights[{k}]") for k in range(len(layers) - 1)]
    biases = [_vector(doc["biases"][k], layers[k + 1], f"$.biases[{k}]") for k in range(len(layers) - 1)]
    return Network(tuple(weights), tuple(biases))


def _data(value, layers: list[int]) -> DataSet:
    if not isinstance(value, dict):
        raise NetworkFileError("$.data", 'expected an object {"inputs": [...], "targets": [...]}')
    inputs, targets = value.get("inputs"), value.get("targets")
    if not isinstance(inputs, list) or not inputs:
        raise NetworkFileError("$.data.inputs", "expected a non-empty list of inputs")
    if not isinstance(targets, list) or len(targets) != len(inputs):
        raise NetworkFileError("$.data.targets", f"expected a list of {len(inputs)} targets, one per input")
    unknown = sorted(set(value) - {"inputs", "targets", "grid", "classes"})
    if unknown:
        raise NetworkFileError(f"$.data.{unknown[0]}", "unknown key (known: inputs, targets, grid, classes)")
    return DataSet(
        np.array([_vector(x, layers[0], f"$.data.inputs[{k}]") for k, x in enumerate(inputs)]),
        np.array([_vector(t, layers[-1], f"$.data.targets[{k}]") for k, t in enumerate(targets)]),
    )


def _shape(value: dict, layers: list[int], data: DataSet) -> tuple[tuple[int, int] | None, tuple[str, ...]]:
    """The optional grid and classes of ``data``, checked against the layers and the targets."""
    from .datasets import DataSetFileError, check_shape

    grid, classes = value.get("grid"), value.get("classes")
    if grid is not None:
        if not isinstance(grid, list) or len(grid) != 2:
            raise NetworkFileError("$.data.grid", "expected [rows, columns], e.g. [5, 5]")
        try:
            check_shape(grid[0], grid[1], ("a", "b"))
        except DataSetFileError as err:
            raise NetworkFileError("$.data.grid", str(err)) from None
        if grid[0] * grid[1] != layers[0]:
            raise NetworkFileError("$.data.grid", f"a {grid[0]}×{grid[1]} grid has {grid[0] * grid[1]} pixels, "
                                                  f"the network has {layers[0]} inputs")
        grid = (grid[0], grid[1])
    if classes is None:
        return grid, ()
    if not isinstance(classes, list):
        raise NetworkFileError("$.data.classes", 'expected a list of class names, e.g. ["0", "1", "7"]')
    try:
        check_shape(1, 1, classes)
    except DataSetFileError as err:
        raise NetworkFileError("$.data.classes", str(err)) from None
    if len(classes) != layers[-1]:
        raise NetworkFileError("$.data.classes", f"{len(classes)} classes, the network has {layers[-1]} outputs")
    for k, t in enumerate(data.targets):
        if sorted(t.tolist()) != [0.0] * (len(t) - 1) + [1.0]:
            raise NetworkFileError(f"$.data.targets[{k}]", "with classes, a target is one 1 and the rest 0")
    seen = set(np.argmax(data.targets, axis=1).tolist())
    missing = [name for j, name in enumerate(classes) if j not in seen]
    if missing:
        raise NetworkFileError("$.data.classes", f"class {missing[0]!r} has no image")
    return grid, tuple(classes)


def setup_from_dict(doc) -> Setup:
    if not isinstance(doc, dict):
        raise NetworkFileError("$", "expected a JSON object with layers, weights and biases")
    unknown = sorted(set(doc) - KNOWN_KEYS)
    if unknown:
        raise NetworkFileError(f"$.{unknown[0]}", f"unknown key (known: {', '.join(sorted(KNOWN_KEYS))})")
    layers = _layers(doc)
    network = _network(doc, layers)
    x = _vector(doc["input"], layers[0], "$.input") if "input" in doc else [0.0] * layers[0]
    t = _vector(doc["target"], layers[-1], "$.target") if "target" in doc else [0.0] * layers[-1]
    eta = _number(doc.get("learning_rate", DEFAULT_LEARNING_RATE), "$.learning_rate")
    if eta <= 0:
        raise NetworkFileError("$.learning_rate", f"expected a positive number, found {eta:g}")
    update_biases = doc.get("update_biases", True)
    if not isinstance(update_biases, bool):
        raise NetworkFileError("$.update_biases", "expected true or false")
    data = _data(doc["data"], layers) if "data" in doc else None
    grid, classes = _shape(doc["data"], layers, data) if data is not None else (None, ())
    epochs = doc.get("epochs", 50)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise NetworkFileError("$.epochs", "expected a whole number of iterations, 0 or more")
    labels = tuple(int(k) for k in np.argmax(data.targets, axis=1)) if classes else ()
    return Setup(network, np.array(x), np.array(t), eta, update_biases, data, epochs, labels, grid, classes)


MAX_FILE_BYTES = 8 << 20  # the book's network with its 64 images is ~20 KB; far larger is not a network file


def _read_regular(path: Path) -> str:
    """The text of a regular file of at most MAX_FILE_BYTES: never a device, a FIFO (which would
    block) or a file that would fill the memory."""
    if path.exists() and not path.is_dir() and not path.is_file():
        raise NetworkFileError("", f"{path}: not a regular file")
    with open(path, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise NetworkFileError("", f"{path}: larger than {MAX_FILE_BYTES >> 20} MiB, too large for a network file")
    return data.decode("utf-8")


def load_setup(path: str | Path) -> Setup:
    """Read and check a network file; any problem raises NetworkFileError naming it."""
    path = Path(path)
    try:
        text = _read_regular(path)
    except FileNotFoundError:
        raise NetworkFileError("", f"{path}: no such file") from None
    except IsADirectoryError:
        raise NetworkFileError("", f"{path}: is a folder, not a network file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise NetworkFileError("", f"{path}: cannot read it ({getattr(err, 'strerror', None) or err})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise NetworkFileError("", f"{path}: not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}") from None
    except RecursionError:
        raise NetworkFileError("", f"{path}: not a network file: JSON nested too deeply") from None
    except ValueError:  # Python refuses to read an integer of more than sys.get_int_max_str_digits() digits
        raise NetworkFileError("", f"{path}: not a network file: a number of more than "
                                   f"{sys.get_int_max_str_digits()} digits") from None
    try:
        return setup_from_dict(doc)
    except NetworkFileError as err:
        wrapped = NetworkFileError("", f"{path}: {err}")
        wrapped.path = err.path  # keep the JSON path for callers that point at the field
        raise wrapped from None


def network_to_dict(network: Network) -> dict:
    return {
        "layers": list(network.layers),
        "weights": [w.tolist() for w in network.weights],
        "biases": [b.tolist() for b in network.biases],
    }


def setup_to_dict(setup: Setup) -> dict:
    doc = network_to_dict(setup.network)
    doc.update(input=setup.input.tolist(), target=setup.target.tolist(), learning_rate=setup.learning_rate,
               update_biases=setup.update_biases, epochs=setup.epochs)
    if setup.data is not None:
        doc["data"] = {"inputs": setup.data.inputs.tolist(), "targets": setup.data.targets.tolist()}
        if setup.grid is not None:
            doc["data"]["grid"] = list(setup.grid)
        if setup.classes:
            doc["data"]["classes"] = list(setup.classes)
    return doc


def save_setup(setup: Setup, path: str | Path) -> None:
    """Write atomically, so a failed save never leaves half a file behind."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(setup_to_dict(setup), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
