"""The `explain`, `train` and `gradcheck` commands: pick the setup, run the engine, print."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import numpy as np

from ..engine import export, gradcheck, presets, steps, training
from ..engine.netfile import NetworkFileError, load_setup
from ..engine.presets import Setup
from .errors import UsageError


def load_source(args: argparse.Namespace) -> Setup:
    """The preset or the network file the user named (the book by default)."""
    if getattr(args, "network", None):
        try:
            return load_setup(args.network)
        except NetworkFileError as err:
            raise UsageError(str(err)) from None
    return presets.preset(args.preset or "book")


def _with_input(setup: Setup, args: argparse.Namespace) -> Setup:
    """Replace the input and target by --image N or --pixels BITS where given."""
    image, pixels = getattr(args, "image", None), getattr(args, "pixels", None)
    if getattr(args, "digit", None) is not None and pixels is None:
        raise UsageError("--digit goes with --pixels")
    if image is not None:
        if setup.data is None:
            raise UsageError("--image needs a data set: the network file has no \"data\"")
        if image > len(setup.data):
            raise UsageError(f"--image {image}: the data set has only {len(setup.data)} images")
        return replace(setup, input=setup.data.inputs[image - 1], target=setup.data.targets[image - 1])
    if pixels is not None:
        if setup.network.layers[0] != 12 or setup.network.layers[-1] != 2:
            raise UsageError(f"--pixels needs a network with 12 inputs and 2 outputs; this one is "
                             f"{'-'.join(map(str, setup.network.layers))}")
        x = np.array([float(c) for c in pixels])
        digit = args.digit
        if digit is None:
            matches = [k for k, img in enumerate(presets.book_images()) if np.array_equal(img, x)]
            if not matches:
                raise UsageError(f"--pixels {pixels} is not one of the book's images: "
                                 "say which digit it shows with --digit 0 or --digit 1")
            digit = presets.book_labels()[matches[0]]
        return replace(setup, input=x, target=presets.target_for_digit(digit))
    return setup


OVERFLOW = ("the numbers overflowed to infinity or NaN ({what}): try a smaller learning rate, "
            "or smaller values in the network file")


def _finite(doc, what: str) -> None:
    """Refuse a result with an infinite or NaN number in it: JSON has no such numbers, and no lesson does."""
    try:
        json.dumps(doc, allow_nan=False)
    except ValueError:
        raise UsageError(OVERFLOW.format(what=what)) from None


def _print_json(doc) -> None:
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
    sys.stdout.write("\n")


def cmd_explain(args: argparse.Namespace) -> int:
    from . import render

    setup = _with_input(load_source(args), args)
    eta = args.learning_rate or setup.learning_rate
    ex = steps.explain(setup.network, setup.input, setup.target, eta, setup.update_biases)
    doc = export.explanation_to_dict(ex)
    _finite(doc, "in the forward pass, the backward pass or the update")
    if args.format == "json":
        _print_json(doc)
    elif args.format == "markdown":
        sys.stdout.write(render.explanation_markdown(ex))
    else:
        render.print_explanation(ex)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from . import render

    setup = load_source(args)
    if setup.data is None:
        raise UsageError("this network file has no \"data\" to train on (see README: network files)")
    epochs = setup.epochs if args.epochs is None else args.epochs
    eta = args.learning_rate or setup.learning_rate
    if args.format == "json":
        run = training.train(setup.network, setup.data, eta, epochs, setup.update_biases)
    else:
        run = render.train_with_progress(setup, eta, epochs)
    doc = export.training_to_dict(run, setup.data, eta, epochs)
    _finite(doc, "in training")
    if args.format == "json":
        _print_json(doc)
    else:
        render.print_training(run, setup, eta, epochs)
    return 0


def cmd_gradcheck(args: argparse.Namespace) -> int:
    from . import render

    setup = _with_input(load_source(args), args)
    check = gradcheck.check_gradients(setup.network, setup.input, setup.target)
    doc = {
        "max_difference": check.max_difference,
        "max_relative_difference": check.max_relative_difference,
        "gradients": [{"symbol": s, "backprop": float(b), "numeric": float(n), "difference": float(abs(b - n))}
                      for s, b, n in zip(check.symbols, check.backprop, check.numeric)],
    }
    _finite(doc, "in the gradients")
    if args.format == "json":
        _print_json(doc)
    else:
        render.print_gradcheck(check)
    return 0 if check.max_relative_difference < 1e-5 else 1

