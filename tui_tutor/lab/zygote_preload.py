"""What the zygote loads before it forks anything: the tutor's modules (its screens' too) and content.

Everything loaded here once is shared, copy on write, by every tutor forked after it. The zygote does
not run the tutor through its screens to fill Textual's caches: a forked tutor would start ~0.02 s
sooner, but each would copy more of the zygote's pages, ~2 MiB a tutor (benchmarks/README.md).
"""

from __future__ import annotations

import contextlib


def preload() -> None:
    """Import the tutor, what it imports at start and its screens, read the lessons and quiz questions."""
    import numpy  # noqa: F401
    import textual.app  # noqa: F401
    from textual.drivers.linux_driver import LinuxDriver  # noqa: F401 -- imported by the app only at run time

    from .. import app, app_entry, app_pool, cli, progress  # noqa: F401
    from ..screens import lessons, quiz, training, workbench  # noqa: F401 -- the app imports them when first shown
    from ..curriculum.lessons import load_lessons
    from ..curriculum.quiz import load_bank
    from ..engine import presets

    for lang in ("en", "zh"):
        with contextlib.suppress(Exception):  # a problem here shows in the tutor itself, where it can be read
            load_lessons(lang)
            load_bank(lang)
    with contextlib.suppress(Exception):
        presets.book_data()
