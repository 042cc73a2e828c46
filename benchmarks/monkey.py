"""The monkey test (tests/test_monkey.py) for longer: N random sequences of the app's own
keys and nasty typed text on the real app; prints how many ran and every distinct crash
(exception type and the place in tui_tutor) with the shortest sequence found to reproduce it.

    python benchmarks/monkey.py 500 [--seed 1] [--max-actions 24]

Each crash is shrunk by dropping one action at a time while the same crash still happens.
Runs in a temporary directory (ctrl+s / ctrl+o write there). Always exits 0: a report.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_monkey import LANGS, SCREEN_KEYS, SIZES, choose, our_frame, replay, run_one  # noqa: E402


def crash_of(lang, size, next_action) -> tuple[tuple[str, str] | None, list, str]:
    """(type, place) of the crash or None, the actions done, and the message."""
    with contextlib.redirect_stderr(io.StringIO()):  # Textual prints the whole traceback on a crash
        try:
            done = run_one(lang, size, next_action)
        except Exception as error:
            message = (str(error).splitlines() or [""])[0][:160]
            place = our_frame(error)  # a failed check of the test is told apart by its message
            return (type(error).__name__, place if place != "outside tui_tutor" else message), [], message
    return None, done, ""


def random_actions(rng: random.Random, max_actions: int):
    count = rng.randint(0, max_actions)
    steps = iter(range(count + 1))

    def next_action(app):
        step = next(steps, None)
        if step is None:
            return None
        return rng.choice(SCREEN_KEYS) if step == 0 else choose(rng.choice, app)

    return next_action


def recording(next_action, done: list):
    def record(app):
        action = next_action(app)
        if action is not None:
            done.append(action)
        return action

    return record


def shrink(lang, size, sequence: list, crash) -> list:
    """Drops actions one at a time while the same crash still happens."""
    changed = True
    while changed:
        changed = False
        for k in range(len(sequence)):
            shorter = sequence[:k] + sequence[k + 1:]
            if shorter and crash_of(lang, size, replay(shorter))[0] == crash:
                sequence, changed = shorter, True
                break
    return sequence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-actions", type=int, default=24)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    found: dict[tuple[str, str], tuple[str, str, tuple, list]] = {}
    start = time.perf_counter()
    os.chdir(tempfile.mkdtemp(prefix="monkey-"))
    for n in range(1, args.examples + 1):
        lang, size = rng.choice(LANGS), rng.choice(SIZES)
        done: list = []
        crash, _, message = crash_of(lang, size, recording(random_actions(rng, args.max_actions), done))
        if crash is None:
            continue
        known = found.get(crash)
        if known is None or len(done) < len(known[3]):
            shortest = shrink(lang, size, done, crash)
            if known is None or len(shortest) < len(known[3]):
                found[crash] = (message, lang, size, shortest)
            print(f"[{n}] {crash[0]} at {crash[1]}: {len(shortest)} actions", flush=True)
    print(f"\n{args.examples} sequences ran in {time.perf_counter() - start:.0f} s; "
          f"{len(found)} distinct crashes")
    for (kind, place), (message, lang, size, shortest) in sorted(found.items()):
        print(f"\n{kind} at {place}: {message}\n  lang={lang} size={size[0]}x{size[1]}\n  keys: {shortest}")


if __name__ == "__main__":
    main()
