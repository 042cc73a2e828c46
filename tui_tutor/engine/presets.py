"""The book's 12-3-2 example and the 2-2-2 example of the step-by-step blog post."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from .network import Network
from .training import DataSet

PRESET_NAMES = ("book", "mazur")


@dataclass(frozen=True, eq=False)
class Setup:
    """A network with one input and target to explain, and training data if any."""

    network: Network
    input: np.ndarray
    target: np.ndarray
    learning_rate: float
    update_biases: bool = True
    data: DataSet | None = None
    epochs: int = 50
    labels: tuple[int, ...] = ()  # each image's class (the book's digit), an index into ``classes``
    grid: tuple[int, int] | None = None  # rows, columns of an image, when the file says
    classes: tuple[str, ...] = ()  # one name an output unit, when the file says

    def shape(self) -> tuple[tuple[int, int], tuple[str, ...]] | None:
        """The grid and the classes of the images, or None when the inputs are no picture:
        the book's 12 inputs and 2 outputs are its 4-row, 3-column digits 0 and 1."""
        layers = self.network.layers
        grid = self.grid or ((4, 3) if layers[0] == 12 else None)
        if grid is None:
            return None
        classes = self.classes or (("0", "1") if layers[-1] == 2 else tuple(str(k + 1) for k in range(layers[-1])))
        return grid, classes


@cache
def _book_json() -> dict:
    text = resources.files("tui_tutor.data").joinpath("book-digits-3x4.json").read_text(encoding="utf-8")
    return json.loads(text)


def book_images() -> np.ndarray:
    """The 64 training images, one row each, pixels x₁ … x₁₂ row by row."""
    images = np.array(_book_json()["images"], dtype=float)
    images.setflags(write=False)
    return images


def book_labels() -> tuple[int, ...]:
    return tuple(_book_json()["labels"])


def target_for_digit(digit: int) -> np.ndarray:
    """Digit 0 → t = (1, 0), digit 1 → t = (0, 1)."""
    return np.array([1.0, 0.0]) if digit == 0 else np.array([0.0, 1.0])


def book_network() -> Network:
    p = _book_json()["initial_parameters"]
    return Network((p["hidden_weights"], p["output_weights"]), (p["hidden_biases"], p["output_biases"]))


def book_data() -> DataSet:
    return DataSet(book_images(), np.array([target_for_digit(d) for d in book_labels()]))


def book(image: int = 1) -> Setup:
    """The book's network, explained on image ``image`` (1 to 64, as numbered in the book)."""
    p = _book_json()["initial_parameters"]
    return Setup(book_network(), book_images()[image - 1], target_for_digit(book_labels()[image - 1]),
                 float(p["learning_rate"]), True, book_data(), int(p["iterations"]), book_labels())


def mazur() -> Setup:
    """The 2-2-2 network of the blog post; like the post, it leaves the biases alone."""
    network = Network(
        ([[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]),
        ([0.35, 0.35], [0.60, 0.60]),
    )
    return Setup(network, np.array([0.05, 0.10]), np.array([0.01, 0.99]), 0.5, update_biases=False)


def preset(name: str) -> Setup:
    if name == "book":
        return book()
    if name == "mazur":
        return mazur()
    raise ValueError(f"unknown preset {name!r}: choose one of {', '.join(PRESET_NAMES)}")
