"""A data set of the learner's own: small black-and-white images on one grid, each with a class.

The grid is ``rows × cols`` (at most 8 × 8); pixels are numbered row by row, as the book's
x₁ … x₁₂ are on its 4-row, 3-column grid. ``classes`` names 2 to 10 classes; each image's
label is an index into them. The network that learns it has one input a pixel and one output
a class; its target is one-hot (1 for the image's class, 0 elsewhere), and its prediction is
the class of the largest output.

Files (see README, "Your own pictures")::

    {"grid": [5, 5], "classes": ["0", "1", "7"],
     "images": [[0, 1, 1, 0, ...], ...], "labels": ["0", "7", ...]}

and CSV, one image a line: label, then the pixels row by row. Every problem raises
``DataSetFileError`` with one line naming it; nothing is half loaded.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace

import numpy as np

from .network import Network
from .training import DataSet

MAX_SIDE = 8
MIN_CLASSES, MAX_CLASSES = 2, 10
MAX_IMAGES = 1000
MAX_CLASS_NAME = 12


class DataSetFileError(ValueError):
    """One line naming what is wrong with a data set (and where, when it is a file)."""


@dataclass(frozen=True)
class ImageSet:
    rows: int
    cols: int
    classes: tuple[str, ...]
    images: tuple[tuple[float, ...], ...] = ()
    labels: tuple[int, ...] = ()  # index into ``classes``, one per image

    def __post_init__(self) -> None:
        check_shape(self.rows, self.cols, self.classes)
        if len(self.images) != len(self.labels):
            raise DataSetFileError(f"{len(self.images)} images but {len(self.labels)} labels")
        for k, (image, label) in enumerate(zip(self.images, self.labels)):
            if len(image) != self.pixels:
                raise DataSetFileError(
                    f"image {k + 1}: {len(image)} pixels, the {self.grid_text} grid has {self.pixels}")
            if not 0 <= label < len(self.classes):
                raise DataSetFileError(f"image {k + 1}: label {label} is not one of the {len(self.classes)} classes")

    @property
    def pixels(self) -> int:
        return self.rows * self.cols

    @property
    def grid_text(self) -> str:
        return f"{self.rows}×{self.cols}"

    def __len__(self) -> int:
        return len(self.images)

    def missing_classes(self) -> list[str]:
        """Classes no image shows: a network cannot learn a class it never sees."""
        seen = set(self.labels)
        return [name for k, name in enumerate(self.classes) if k not in seen]

    def check_trainable(self) -> None:
        if not self.images:
            raise DataSetFileError("the data set has no images")
        missing = self.missing_classes()
        if missing:
            raise DataSetFileError(f"class {missing[0]!r} has no image")

    def targets(self) -> np.ndarray:
        """One-hot: row k has a 1 in the column of image k's class."""
        out = np.zeros((len(self.images), len(self.classes)))
        out[np.arange(len(self.labels)), list(self.labels)] = 1.0
        return out

    def data_set(self) -> DataSet:
        return DataSet(np.array(self.images, dtype=float).reshape(len(self.images), self.pixels), self.targets())

    # Edits: each returns a new set, so a history of them is an undo stack.

    def with_image(self, image, label: int, at: int | None = None) -> ImageSet:
        image = tuple(float(p) for p in image)
        at = len(self.images) if at is None else at
        return replace(self, images=self.images[:at] + (image,) + self.images[at:],
                       labels=self.labels[:at] + (label,) + self.labels[at:])

    def without(self, k: int) -> ImageSet:
        return replace(self, images=self.images[:k] + self.images[k + 1:], labels=self.labels[:k] + self.labels[k + 1:])

    def relabelled(self, k: int, label: int) -> ImageSet:
        return replace(self, labels=self.labels[:k] + (label,) + self.labels[k + 1:])

    def duplicated(self, k: int) -> ImageSet:
        return self.with_image(self.images[k], self.labels[k], k + 1)

    def flipped(self, k: int, pixel: int) -> ImageSet:
        image = list(self.images[k])
        image[pixel] = 0.0 if image[pixel] >= 0.5 else 1.0
        return replace(self, images=self.images[:k] + (tuple(image),) + self.images[k + 1:])

    def with_class(self, name: str) -> ImageSet:
        return replace(self, classes=self.classes + (clean_class(name, self.classes),))


def check_shape(rows, cols, classes) -> None:
    for name, n in (("rows", rows), ("columns", cols)):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise DataSetFileError(f"grid: {name} must be a whole number from 1 to {MAX_SIDE}")
    if rows > MAX_SIDE or cols > MAX_SIDE:
        raise DataSetFileError(f"grid {rows}×{cols} is larger than {MAX_SIDE}×{MAX_SIDE}")
    if not MIN_CLASSES <= len(classes) <= MAX_CLASSES:
        raise DataSetFileError(f"{len(classes)} classes: a data set has {MIN_CLASSES} to {MAX_CLASSES}")
    if len(set(classes)) != len(classes):
        raise DataSetFileError("two classes have the same name")
    for name in classes:
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_CLASS_NAME:
            raise DataSetFileError(f"class name {json.dumps(name)[:20]}: expected 1 to {MAX_CLASS_NAME} characters")


def clean_class(name: str, classes: tuple[str, ...]) -> str:
    name = name.strip()
    if not name or len(name) > MAX_CLASS_NAME:
        raise DataSetFileError(f"a class name has 1 to {MAX_CLASS_NAME} characters")
    if name in classes:
        raise DataSetFileError(f"there is already a class {name!r}")
    if len(classes) >= MAX_CLASSES:
        raise DataSetFileError(f"a data set has at most {MAX_CLASSES} classes")
    return name


def empty(rows: int, cols: int, classes=("0", "1")) -> ImageSet:
    return ImageSet(rows, cols, tuple(classes))


def from_data(data: DataSet, rows: int, cols: int, classes) -> ImageSet:
    """The images of a network's data set, labelled by the largest target."""
    labels = tuple(int(k) for k in np.argmax(data.targets, axis=1))
    return ImageSet(rows, cols, tuple(classes), tuple(tuple(float(p) for p in x) for x in data.inputs), labels)


def new_network(rows: int, cols: int, classes: int, hidden: int = 3, seed: int = 0) -> Network:
    """Small random weights, biases 0: a network with one input a pixel and one output a class."""
    rng = np.random.default_rng(seed)
    sizes = (rows * cols, hidden, classes)
    weights = tuple(rng.uniform(-1.0, 1.0, (m, n)) / math.sqrt(n) for n, m in zip(sizes, sizes[1:]))
    return Network(weights, tuple(np.zeros(m) for m in sizes[1:]))


# JSON


def _pixel(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise DataSetFileError(f"{where}: a pixel is a number from 0 to 1, found {json.dumps(value)[:20]}")
    return float(value)


def _labels_of(names, classes: tuple[str, ...]) -> tuple[int, ...]:
    out = []
    for k, name in enumerate(names):
        name = str(name) if isinstance(name, int) and not isinstance(name, bool) else name
        if name not in classes:
            raise DataSetFileError(f"image {k + 1}: label {json.dumps(name)[:20]} is not one of the classes "
                                   f"{', '.join(classes)}")
        out.append(classes.index(name))
    return tuple(out)


def from_dict(doc) -> ImageSet:
    if not isinstance(doc, dict):
        raise DataSetFileError('expected a JSON object {"grid", "classes", "images", "labels"}')
    unknown = sorted(set(doc) - {"grid", "classes", "images", "labels", "description"})
    if unknown:
        raise DataSetFileError(f"unknown key {unknown[0]!r} (known: grid, classes, images, labels)")
    grid = doc.get("grid")
    if not isinstance(grid, list) or len(grid) != 2:
        raise DataSetFileError('"grid": expected [rows, columns], e.g. [5, 5]')
    classes = doc.get("classes")
    if not isinstance(classes, list):
        raise DataSetFileError('"classes": expected a list of class names, e.g. ["0", "1", "7"]')
    check_shape(grid[0], grid[1], classes)
    images, labels = doc.get("images"), doc.get("labels")
    if not isinstance(images, list) or len(images) > MAX_IMAGES:
        raise DataSetFileError(f'"images": expected a list of at most {MAX_IMAGES} images')
    if not isinstance(labels, list) or len(labels) != len(images):
        raise DataSetFileError(f'"labels": expected {len(images)} labels, one per image')
    pixels = grid[0] * grid[1]
    rows = []
    for k, image in enumerate(images):
        if not isinstance(image, list) or len(image) != pixels:
            found = len(image) if isinstance(image, list) else "no list"
            raise DataSetFileError(f"image {k + 1}: expected {pixels} pixels ({grid[0]}×{grid[1]}), found {found}")
        rows.append(tuple(_pixel(p, f"image {k + 1}, pixel {i + 1}") for i, p in enumerate(image)))
    out = ImageSet(grid[0], grid[1], tuple(classes), tuple(rows), _labels_of(labels, tuple(classes)))
    out.check_trainable()
    return out


def to_dict(images: ImageSet) -> dict:
    return {"grid": [images.rows, images.cols], "classes": list(images.classes),
            "images": [[int(p) if p in (0.0, 1.0) else p for p in image] for image in images.images],
            "labels": [images.classes[k] for k in images.labels]}


def loads(text: str) -> ImageSet:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataSetFileError(f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}") from None
    except RecursionError:
        raise DataSetFileError("not a data set: JSON nested too deeply") from None
    return from_dict(doc)


def dumps(images: ImageSet) -> str:
    return json.dumps(to_dict(images), ensure_ascii=False) + "\n"


# Between a data set and the network that learns it


def setup_of(images: ImageSet, network: Network | None = None, hidden: int = 3,
             learning_rate: float = 0.2, epochs: int = 50):
    """The Setup that trains a network (new, or the one given when its shape fits) on ``images``,
    explaining the first image."""
    from .presets import Setup

    images.check_trainable()
    shape = (images.pixels, len(images.classes))
    if network is None or (network.layers[0], network.layers[-1]) != shape:
        network = new_network(images.rows, images.cols, len(images.classes), hidden)
    data = images.data_set()
    return Setup(network, data.inputs[0], data.targets[0], learning_rate, True, data, epochs,
                 images.labels, (images.rows, images.cols), images.classes)


def image_set_of(setup) -> ImageSet | None:
    """The images of a Setup's data as a data set, when its inputs are a picture."""
    shape = setup.shape()
    if shape is None or setup.data is None:
        return None
    (rows, cols), classes = shape
    return from_data(setup.data, rows, cols, classes)
