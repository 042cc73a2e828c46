"""The `explain`, `train` and `gradcheck` commands: pick the setup, run the engine, print."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import numpy as np

from ..engine import batch, export, gradcheck, presets, steps, training
from ..engine.netfile import NetworkFileError, load_setup
from ..engine.presets import Setup
from ..i18n import tr
from .errors import UsageError
from .parsing import language


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


def explained(setup: Setup, args: argparse.Namespace, lang: str) -> str:
    """What an explanation is about: the book's image N, the learner's pixels, or the input; and the target."""
    from ..engine.symbols import number

    def vector(v) -> str:
        return "(" + ", ".join(number(x) for x in v) + ")"

    t = vector(setup.target)
    if getattr(args, "pixels", None):
        return tr(lang, "cli_about_pixels", pixels=args.pixels, t=t)
    matches = [k for k, img in enumerate(presets.book_images()) if np.array_equal(img, setup.input)] \
        if setup.input.size == 12 else []
    image = getattr(args, "image", None) or (matches[0] + 1 if matches else None)
    if image is not None and setup.labels and setup.classes:
        return tr(lang, "cli_about_class", n=image, name=setup.classes[setup.labels[image - 1]], t=t)
    if image is not None and setup.labels:
        return tr(lang, "cli_about_image", n=image, digit=setup.labels[image - 1], t=t)
    return tr(lang, "cli_about_input", x=vector(setup.input), t=t)


def cmd_explain(args: argparse.Namespace) -> int:
    from . import render

    if getattr(args, "batch", False):
        return explain_batch(args)
    setup = _with_input(load_source(args), args)
    eta = args.learning_rate or setup.learning_rate
    ex = steps.explain(setup.network, setup.input, setup.target, eta, setup.update_biases)
    lang = language(args)
    doc = export.explanation_to_dict(ex)
    _finite(doc, "in the forward pass, the backward pass or the update")
    if args.format == "json":
        _print_json(doc)
    elif args.format == "markdown":
        sys.stdout.write(render.explanation_markdown(ex, lang, explained(setup, args, lang)))
    else:
        render.print_explanation(ex, lang, explained(setup, args, lang))
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
        run = render.train_with_progress(setup, eta, epochs, language(args))
    doc = export.training_to_dict(run, setup.data, eta, epochs)
    _finite(doc, "in training")
    if args.format == "json":
        _print_json(doc)
    else:
        render.print_training(run, setup, eta, epochs, language(args))
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
        render.print_gradcheck(check, language(args))
    return 0 if check.max_relative_difference < 1e-5 else 1



def explain_batch(args: argparse.Namespace) -> int:
    """`explain --batch`: one full-batch iteration over the setup's training set."""
    from . import render

    given = [name for name in ("image", "pixels", "digit") if getattr(args, name, None) is not None]
    if given:
        raise UsageError(f"--batch explains the whole training set: leave out --{given[0]}")
    setup = load_source(args)
    eta = args.learning_rate or setup.learning_rate
    ex = batch.explain_batch(setup.network, batch.training_set(setup), eta, setup.update_biases)
    if args.format == "json":
        _print_json(batch_to_dict(ex))
    elif args.format == "markdown":
        sys.stdout.write(render.batch_markdown(ex))
    else:
        render.print_batch(ex, from_data=setup.data is not None)
    return 0


def batch_to_dict(ex: batch.BatchExplanation) -> dict:
    """The JSON of `explain --batch`: C_T, each image's cost and δ (a list a layer, l = 2..L),
    ∂C_T/∂w and ∂C_T/∂b, the updated parameters and the step records."""
    p = ex.pass_
    return {
        "cost_total": p.cost_total,
        "images": [{"k": k + 1, "cost": float(p.costs[k]), "deltas": [d[k].tolist() for d in p.delta]}
                   for k in range(len(p))],
        "grad_weights": [g.tolist() for g in p.grad_w],
        "grad_biases": [g.tolist() for g in p.grad_b],
        "updated": {"weights": [w.tolist() for w in ex.updated.weights],
                    "biases": [b.tolist() for b in ex.updated.biases]},
        "steps": [s.to_dict() for s in ex.steps],
    }
