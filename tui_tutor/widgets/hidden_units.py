"""What each hidden unit learned: its incoming weights drawn on the input's grid.

A pixel is two characters: the sign (+ or −, blank for a weight near 0) and the size as a
shade, ░ ▒ ▓ █ from a quarter of the largest weight's size up. Readable without colour; with
colour, positive weights are also drawn bold and negative ones dim.
"""

from __future__ import annotations

import numpy as np

from ..engine.network import Network
from .styled_lines import Line

SHADES = "·░▒▓█"


def weight_cell(w: float, largest: float) -> tuple[str, str]:
    level = 0 if largest == 0 else min(4, int(abs(w) / largest * 4 + 0.5))
    if level == 0:
        return " " + SHADES[0], "dim"
    return ("+" if w > 0 else "−") + SHADES[level], "bold" if w > 0 else "dim"


def hidden_unit_lines(network: Network, rows: int, cols: int, title: str, unit_label, width: int) -> list[Line]:
    """Every hidden unit of the first hidden layer side by side (in bands as wide as ``width``);
    ``unit_label(j)`` names unit j (1-based)."""
    weights = network.weights[0]
    if weights.shape[1] != rows * cols:
        return []
    largest = float(np.abs(weights).max())
    tile = max(2 * cols, len(unit_label(weights.shape[0]))) + 2
    per_row = max(1, width // tile)
    lines: list[Line] = [((title, "bold"),)]
    for start in range(0, weights.shape[0], per_row):
        band = range(start, min(start + per_row, weights.shape[0]))
        lines.append(tuple((unit_label(j + 1).ljust(tile), "dim") for j in band))
        for r in range(rows):
            line: list = []
            for j in band:
                for c in range(cols):
                    line.append(weight_cell(float(weights[j, r * cols + c]), largest))
                line.append((" " * (tile - 2 * cols), ""))
            lines.append(tuple(line))
        lines.append(())
    return lines
