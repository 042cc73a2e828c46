"""The workbench as the learner left it, kept between runs: the network file's JSON of its setup, plus the
preset, image and step they were on (``SavedState`` keeps it in the progress store)."""

from __future__ import annotations

from dataclasses import replace

from ..engine import presets
from .workbench import Workbench


def workbench_to_json(bench: Workbench) -> str:
    """The state as the network file's JSON, plus where the learner was."""
    import json

    from ..engine.netfile import setup_to_dict

    own = bench.setup.grid is not None  # the learner's own data set is kept; the book's is known
    doc = setup_to_dict(bench.setup if own else replace(bench.setup, data=None))
    return json.dumps({"setup": doc, "preset": bench.preset, "image": bench.image, "step": bench.step})


def workbench_from_json(text: str) -> Workbench | None:
    """A saved state, or None when it cannot be read back (then the tutor starts afresh)."""
    import json

    from ..engine.netfile import NetworkFileError, setup_from_dict

    try:
        doc = json.loads(text)
        setup = setup_from_dict(doc["setup"])
        preset = doc.get("preset", "book")
        if setup.network.layers == (12, 3, 2) and setup.data is None:
            setup = replace(setup, data=presets.book_data())
        bench = Workbench(setup, preset, doc.get("image"))
        return bench.at_step(int(doc.get("step", 0)))
    except (ValueError, KeyError, TypeError, NetworkFileError):
        return None
