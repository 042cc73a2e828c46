"""The network graph as SVG snapshots: the first step of the backward recursion (the δ of the
output layer flowing back along w₁₁³ and w₂₁³ into unit 1 of layer 2), at the smallest and a
roomy terminal, in both languages. See test_snapshots.py for how to regenerate them."""

from __future__ import annotations

import pytest

from tui_tutor.app import TutorApp

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_graph_at_the_first_hidden_delta(snap_compare, lang, size):
    async def run_before(pilot) -> None:
        await pilot.press("4")
        pilot.app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.1)

    assert snap_compare(TutorApp(lang=lang, start="workbench"), terminal_size=SIZES[size], run_before=run_before)
