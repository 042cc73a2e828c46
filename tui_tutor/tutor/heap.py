"""Python's full garbage collections in a tutor that runs on its own.

A full collection scans every object Python tracks: in a tutor at home, the modules it loaded and
its screens, 35-80 ms, which a workbench key met every few dozen keys (their p95). So once a screen
is made, what exists is frozen (``gc.freeze``): later full collections scan only what was made
since, ~5 ms.

A tutor forked from the lab's zygote is spared most of that already: the zygote froze all it
loaded before forking. Freezing its screens as well would also keep for good the garbage they
later become, measured at 1.3 MiB a tutor, which a class pays thirty times over, for collections a
few ms shorter: there collections stay as Python makes them.
"""

from __future__ import annotations

import gc

forked_from_zygote = False  # set in the processes the lab's zygote forks
# Set where the tutor runs as a program (``app_entry.run_app``), unless forked from the zygote: never in
# a process that runs many apps one after the other (a test run), whose garbage would be kept for good.
enabled = False


def keep_what_exists(full: bool = False) -> None:
    """Freezes what exists, after collecting the garbage of its making, or it would be kept for
    good: all of it (``full``, at the start) or the young (a screen just made, a few ms)."""
    if not enabled:
        return
    gc.collect() if full else gc.collect(1)
    gc.freeze()
