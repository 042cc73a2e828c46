"""The workbench's state: what the learner set up and which step they are on.

Pure data, no Textual: every change returns a new ``Workbench``, so undo is a
list of old ones. The explanation (every z, a, δ, gradient and formula) is
computed once per state, on first use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from ..engine import presets
from ..engine.batch import BatchExplanation, explain_batch, training_set
from ..engine.network import Network
from ..engine.presets import Setup
from ..engine.quantities import Ref, parameter_value
from ..engine.steps import PHASES, Explanation, explain

MAX_SEED = 2**32 - 1  # numpy's generators take seeds from 0 up


@dataclass(frozen=True, eq=False)
class Workbench:
    setup: Setup
    preset: str = "book"
    image: int | None = 1  # the book's image number, None once the pixels are edited
    step: int = 0
    history: tuple[Workbench, ...] = field(default=())
    """The states before each update, reset, randomisation or switch of network, for undo."""

    @classmethod
    def from_preset(cls, name: str = "book", image: int = 1) -> Workbench:
        setup = presets.book(image) if name == "book" else presets.preset(name)
        return cls(setup, name, image if name == "book" else None)

    @classmethod
    def from_setup(cls, setup: Setup) -> Workbench:
        """A workbench for a loaded network file: the book's preset (and its 64 images, for
        training) when the network has the book's shape."""
        if setup.network.layers != (12, 3, 2):
            return cls(setup, "custom", None)
        if setup.data is None:
            setup = replace(setup, data=presets.book_data())
        return cls(setup, "book", cls._matching_image(setup.input))

    @classmethod
    def from_images(cls, images, hidden: int = 3, before: Workbench | None = None) -> Workbench:
        """A network (``before``'s when it has the shape, so training goes on) that learns the
        learner's own data set (``engine.datasets.ImageSet``); ``before`` is kept for undo."""
        from ..engine.datasets import setup_of

        keep = before.setup.network if before is not None and before.setup.network.layers == (
            images.pixels, hidden, len(images.classes)) else None
        eta = before.setup.learning_rate if before is not None else 0.2
        setup = setup_of(images, keep, hidden, eta, before.setup.epochs if before is not None else 50)
        return cls(setup, "custom", None, history=before._remembered() if before is not None else ())

    @property
    def grid(self) -> tuple[int, int] | None:
        """Rows and columns of the input image, or None when the input is no picture."""
        shape = self.setup.shape()
        return shape[0] if shape else None

    @cached_property
    def explanation(self) -> Explanation:
        s = self.setup
        return explain(s.network, s.input, s.target, s.learning_rate, s.update_biases)

    @property
    def shows_books_image(self) -> bool:
        """The book's network on one of its images with the book's target for it."""
        return (self.preset == "book" and self.image is not None
                and np.array_equal(self.setup.target, presets.target_for_digit(presets.book_labels()[self.image - 1])))

    def label(self) -> tuple[str, dict]:
        """What the learner is looking at, as a catalogue id and its values: the book's image,
        that image with another target, edited pixels, the 2-2-2 network, or a loaded one."""
        if self.preset == "mazur":
            key = "preset_mazur"
        elif self.preset != "book" and self.setup.grid is not None and self.setup.data is not None:
            key = "own_image_n" if self.image else "own_image_edited"  # an image of the learner's data set
        elif self.preset != "book":
            key = "loaded_network"
        elif self.image is None:
            key = "edited"
        else:
            key = "image_n" if self.shows_books_image else "image_new_target"
        return key, {"n": self.image}

    def _remembered(self) -> tuple[Workbench, ...]:
        """The history with this state on top (without its own history: that is the rest)."""
        return self.history + (replace(self, history=()),)

    @property
    def is_image_grid(self) -> bool:
        """A pixel grid applies: the book's 12 inputs, or the grid of the learner's data set."""
        return self.grid is not None

    @property
    def digit(self) -> int | None:
        t = self.setup.target
        if self.setup.classes:  # the learner's data set: the class named by the one-hot target
            return None
        if t.size == 2 and set(t.tolist()) == {0.0, 1.0}:
            return 0 if t[0] == 1.0 else 1
        return None

    def _with_setup(self, **changes) -> Workbench:
        step = min(self.step, len(self.explanation.steps) - 1)
        return replace(self, setup=replace(self.setup, **changes), step=step)

    def at_step(self, step: int) -> Workbench:
        moved = replace(self, step=max(0, min(step, len(self.explanation.steps) - 1)))
        # Same network and input: hand over the explanation rather than compute it again.
        moved.__dict__["explanation"] = self.explanation
        return moved

    def at_phase(self, phase: str) -> Workbench:
        return self.at_step(self.explanation.first_of(phase))

    def next_phase(self, direction: int) -> Workbench:
        """The first step of the next (or previous) phase."""
        current = PHASES.index(self.explanation.steps[self.step].phase)
        target = PHASES[(current + direction) % len(PHASES)]
        return self.at_phase(target)

    @property
    def class_name(self) -> str | None:
        """The class the target names, on the learner's own data set."""
        t = self.setup.target
        if self.setup.classes and sorted(t.tolist()) == [0.0] * (t.size - 1) + [1.0]:
            return self.setup.classes[int(t.argmax())]
        return None

    def with_pixel_toggled(self, k: int) -> Workbench:
        x = self.setup.input.copy()
        x[k] = 0.0 if x[k] >= 0.5 else 1.0
        return replace(self._with_setup(input=x), image=self._matching_image(x))

    def with_image(self, n: int) -> Workbench:
        if self.setup.grid is not None and self.setup.data is not None:  # the learner's own data set
            data = self.setup.data
            return replace(self._with_setup(input=data.inputs[n - 1], target=data.targets[n - 1]), image=n)
        images, labels = presets.book_images(), presets.book_labels()
        return replace(self._with_setup(input=images[n - 1], target=presets.target_for_digit(labels[n - 1])), image=n)

    def with_digit(self, digit: int) -> Workbench:
        return self._with_setup(target=presets.target_for_digit(digit))

    def with_weight(self, l: int, j: int, i: int, value: float) -> Workbench:
        _check_finite(value)
        return self._with_setup(network=self.setup.network.with_weight(l, j, i, value))

    def with_bias(self, l: int, j: int, value: float) -> Workbench:
        _check_finite(value)
        return self._with_setup(network=self.setup.network.with_bias(l, j, value))

    def with_learning_rate(self, eta: float) -> Workbench:
        if not math.isfinite(eta) or eta <= 0:
            raise ValueError("η must be a positive finite number")
        return self._with_setup(learning_rate=eta)

    def with_network(self, network: Network) -> Workbench:
        """The same input and target with other parameters, which must fit this network's shape."""
        if network.layers != self.setup.network.layers:
            raise ValueError(f"a {'-'.join(map(str, network.layers))} network does not fit this "
                             f"{'-'.join(map(str, self.setup.network.layers))} workbench")
        return self._with_setup(network=network)

    def reset(self) -> Workbench:
        """The preset's own parameters again; the image and target stay. Undone by ``undone``."""
        preset = self.preset if self.preset in presets.PRESET_NAMES else "book"
        if presets.preset(preset).network.layers != self.setup.network.layers:  # a loaded network
            return self
        fresh = Workbench.from_preset(preset).setup
        reset = self._with_setup(network=fresh.network, learning_rate=fresh.learning_rate)
        return replace(reset, history=self._remembered())

    def switched(self, preset: str) -> Workbench:
        """Another preset network (``m``), this state kept for undo."""
        return replace(Workbench.from_preset(preset), history=self._remembered())

    def is_books_lesson(self, image: int = 1) -> bool:
        """The lessons' numbers: the book's network with its parameters and η, on image ``image``."""
        book = presets.book(image)
        return (self.shows_books_image and self.image == image and self.setup.network.same_as(book.network)
                and self.setup.learning_rate == book.learning_rate and self.setup.update_biases)

    def books_lesson(self, image: int = 1) -> Workbench:
        """The book's network and parameters on ``image`` (a lesson's numbers), this state kept for undo."""
        phase = self.explanation.steps.phases[self.step]
        return replace(Workbench.from_preset("book", image).at_phase(phase), history=self._remembered())

    def randomised(self, seed: int) -> Workbench:
        if not 0 <= seed <= MAX_SEED:
            raise ValueError(f"the seed must be a whole number from 0 to {MAX_SEED}, not {seed}")
        network = Network.random(self.setup.network.layers, seed)
        return replace(self._with_setup(network=network), history=self._remembered())

    def applied(self) -> Workbench:
        """One gradient-descent step on this input; this state goes on the history."""
        new = self.explanation.updated
        return replace(self._with_setup(network=new), history=self._remembered(), step=0)

    def undone(self) -> Workbench:
        """The state before the last update, reset, randomisation or switch. With the same network
        shape only the parameters come back (the image and target chosen since stay)."""
        if not self.history:
            return self
        before, rest = self.history[-1], self.history[:-1]
        if before.preset == self.preset and before.setup.network.layers == self.setup.network.layers:
            back = self._with_setup(network=before.setup.network, learning_rate=before.setup.learning_rate)
            return replace(back, history=rest)
        return replace(before, history=rest)

    @cached_property
    def batch(self) -> BatchExplanation:
        """One full-batch iteration over the training set (the book's update), with this η."""
        s = self.setup
        return explain_batch(s.network, training_set(s), s.learning_rate, s.update_biases)

    def batch_applied(self) -> Workbench:
        """The full-batch update w ← w − η ∂C_T/∂w (the book's); this state goes on the history."""
        new = self.batch.updated
        return replace(self._with_setup(network=new), history=self._remembered(), step=0)

    def nudged(self, parameter: Ref, h: float) -> tuple[Workbench, Nudge]:
        """The parameter moved by ``h``, with C before and after beside ∂C/∂θ·h; the old
        state goes on the history, so undo takes the nudge back like an update."""
        if not math.isfinite(h) or h == 0:
            raise ValueError("h must be a non-zero finite number")
        ex = self.explanation
        old = parameter_value(self.setup.network, parameter)
        _check_finite(old + h)
        if parameter.quantity == "w":
            moved = self.with_weight(parameter.layer, parameter.j, parameter.i, old + h)
            gradient = ex.value_of(Ref("grad_w", parameter.layer, parameter.j, parameter.i))
        else:
            moved = self.with_bias(parameter.layer, parameter.j, old + h)
            gradient = ex.value_of(Ref("grad_b", parameter.layer, parameter.j))
        moved = replace(moved, history=self._remembered())
        return moved, Nudge(parameter, h, ex.pass_.cost, moved.explanation.pass_.cost, gradient)

    @staticmethod
    def _matching_image(x: np.ndarray) -> int | None:
        if x.size != 12:
            return None
        for k, img in enumerate(presets.book_images()):
            if np.array_equal(img, x):
                return k + 1
        return None


@dataclass(frozen=True)
class Nudge:
    """A parameter moved by h: the change of C beside its first-order prediction ∂C/∂θ·h."""

    parameter: Ref
    h: float
    cost_before: float
    cost_after: float
    gradient: float  # ∂C/∂θ before the move

    @property
    def change(self) -> float:
        return self.cost_after - self.cost_before

    @property
    def predicted(self) -> float:
        return self.gradient * self.h


def _check_finite(value: float) -> None:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
