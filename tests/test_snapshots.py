"""The screens as SVG snapshots (pytest-textual-snapshot), at the smallest and a roomy terminal size.

After a deliberate change of the UI, look at the differences in snapshot_report.html, then regenerate:

    .venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update   # from the repository root

Snapshots are only comparable under the pinned Textual (see pyproject.toml).
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tui_tutor.app import TutorApp

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


async def settle(pilot) -> None:
    """Nothing in the picture may depend on timing: no blinking cursor, no toast."""
    app = pilot.app
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False  # Textual has no app-wide switch (8.2.8): a blink timer per Input
    app.clear_notifications()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.1)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mode", ["lessons", "workbench"])
def test_screen(snap_compare, mode, lang, size):
    """The first lesson, or the workbench on the book's image 1 at step 1."""
    assert snap_compare(TutorApp(lang=lang, start=mode), terminal_size=SIZES[size], run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_workbench_at_the_output_delta(snap_compare, size):
    """After 3: δ₁³, its terms coloured in the formula, on the diagram and nowhere else."""

    async def run_before(pilot) -> None:
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(TutorApp(lang="en", start="workbench"), terminal_size=SIZES[size], run_before=run_before)


def test_parameter_editor_refusing_a_value(snap_compare):
    """The Parameters tab with a refused entry: what was typed, and the message in red."""

    async def run_before(pilot) -> None:
        await pilot.press("e", "enter", *"abc", "enter")
        await settle(pilot)

    assert snap_compare(TutorApp(lang="en", start="workbench"), terminal_size=(120, 40), run_before=run_before)
