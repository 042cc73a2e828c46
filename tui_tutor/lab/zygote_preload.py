"""What the zygote loads before it forks anything: the tutor, its content, Textual's caches.

Everything done here once is shared, copy on write, by every tutor forked after it.
"""

from __future__ import annotations

import contextlib
import sys


def preload() -> None:
    """Import the tutor and what it imports at start, read the lessons and quiz questions, rehearse."""
    import numpy  # noqa: F401
    import textual.app  # noqa: F401
    from textual.drivers.linux_driver import LinuxDriver  # noqa: F401 -- imported by the app only at run time

    from .. import app, app_entry, app_pool, cli, progress  # noqa: F401
    from ..curriculum.lessons import load_lessons
    from ..curriculum.quiz import load_bank
    from ..engine import presets

    for lang in ("en", "zh"):
        with contextlib.suppress(Exception):  # a problem here shows in the tutor itself, where it can be read
            load_lessons(lang)
            load_bank(lang)
    with contextlib.suppress(Exception):
        presets.book_data()
    share_parsed_css()
    rehearse()


def share_parsed_css() -> None:
    """Every tutor parses the same CSS again (Textual keeps parsed rules per stylesheet, and
    each app makes its own): kept here, by text and theme, the rehearsal parses it once for
    all the sessions forked after it. Parsed rules are only read once made."""
    from textual.css.stylesheet import Stylesheet

    parse_alone = Stylesheet._parse_rules
    parsed: dict[tuple, list] = {}

    def parse_shared(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = parse_alone(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    Stylesheet._parse_rules = parse_shared


def rehearse() -> None:
    """Runs the tutor once, headless, through its screens, and leaves: Textual imports widgets and fills
    caches on first use, and what is done here once is done for every session."""
    from ..app import TutorApp
    from ..progress import MemoryStore
    from ..tutor.capabilities import Capabilities

    async def visit(pilot) -> None:
        for key in ("w", "t", "z", "l"):
            await pilot.press(key)
            await pilot.pause()
        pilot.app.exit()

    app = TutorApp(lang="en", store=MemoryStore(), capabilities=Capabilities.lab())
    try:
        app.run(headless=True, size=(100, 32), auto_pilot=visit)
    except Exception as e:  # noqa: BLE001 -- a rehearsal that fails only makes sessions start slower
        print(f"tui-tutor zygote: the rehearsal failed ({e!r}); sessions will start a little slower",
              file=sys.stderr, flush=True)
