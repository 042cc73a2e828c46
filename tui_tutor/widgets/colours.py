"""One colour per kind of quantity, the same in a formula and on the diagram.

Dark text on light backgrounds reads in dark and light themes alike, and the
colours still differ after Textual reduces them to 256 or 16 colours.
"""

from __future__ import annotations

from ..engine.steps import Ref

QUANTITY_STYLES = {
    "w": "#000000 on #ffd75f",       # weights: gold
    "x": "#000000 on #87d7ff",       # inputs: sky
    "a": "#000000 on #87d7ff",       # outputs of units: sky, like the inputs they feed
    "b": "#000000 on #ffafd7",       # biases: pink
    "z": "#000000 on #afff87",       # weighted inputs: green
    "dsigma": "#000000 on #d7afff",  # σ′(z): lavender
    "delta": "#000000 on #ffaf5f",   # δ: orange
    "t": "#000000 on #d0d0d0",       # targets: grey
    "eta": "#000000 on #d0d0d0",
    "grad_w": "#000000 on #ffaf5f",
    "grad_b": "#000000 on #ffaf5f",
    "C": "#000000 on #d0d0d0",
}
RESULT_STYLE = "bold reverse"


def style_for(ref: Ref | None) -> str:
    return QUANTITY_STYLES.get(ref.quantity, "") if ref is not None else ""
