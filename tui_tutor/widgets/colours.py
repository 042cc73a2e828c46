"""One look per kind of quantity (a role), the same in a formula, the info panel and the grids.

A role is told apart twice: by its text attributes (bold, italic, underline, dim) and by a
background colour. The attributes alone keep every role of a step apart, so the roles read
without colour (``NO_COLOR``, a monochrome or 16-colour terminal, a colour-blind reader); the
colours are the Okabe–Ito set, which readers with the common colour-vision deficiencies can
separate, with text dark or light as each background needs, readable in both themes.
"""

from __future__ import annotations

from functools import cache

from rich.style import Style

from ..engine.steps import Ref
from ..i18n import tr

# (attributes, colours) per role. No two roles share attributes, so any step's terms differ
# without colour (with colour too, for 16 colours, where the backgrounds come close).
ROLES: dict[str, tuple[str, str]] = {
    "w": ("bold", "#000000 on #f0e442"),                   # weights: yellow
    "a": ("underline", "#000000 on #56b4e9"),              # outputs of units (and inputs): sky blue
    "z": ("italic", "#000000 on #009e73"),                 # weighted inputs: bluish green
    "b": ("bold italic", "#000000 on #cc79a7"),            # biases: reddish purple
    "delta": ("bold underline", "#000000 on #e69f00"),     # δ and the gradients made of it: orange
    "dsigma": ("italic underline", "#ffffff on #0072b2"),  # σ′(z): blue
    "t": ("bold italic underline", "#000000 on #d55e00"),  # targets: vermillion
    "eta": ("dim", "#000000 on #bbbbbb"),                  # η and the cost: grey
}
ROLE_OF = {"x": "a", "grad_w": "delta", "grad_b": "delta", "C": "eta"}
RESULT_STYLE = "bold reverse"
"""The quantity a step computes: reverse video reads with colour and without."""


def role(quantity: str) -> str:
    return ROLE_OF.get(quantity, quantity)


def role_style(name: str, colour: bool = True) -> str:
    """The Rich style of a role; without ``colour``, its attributes alone."""
    attributes, colours = ROLES[name]
    return f"{attributes} {colours}" if colour else attributes


def style_for(ref: Ref | None, colour: bool = True) -> str:
    return role_style(role(ref.quantity), colour) if ref is not None else ""


def role_names(lang: str) -> dict[str, str]:
    """What each role is, for the legend."""
    return {"result": tr(lang, "role_result"), "w": tr(lang, "role_w"), "a": tr(lang, "role_a"),
            "z": tr(lang, "role_z"), "b": tr(lang, "role_b"), "delta": tr(lang, "role_delta"),
            "dsigma": tr(lang, "role_dsigma"), "t": tr(lang, "role_t"), "eta": tr(lang, "role_eta")}


@cache
def without_colour(style: str) -> str:
    """A Rich style's attributes alone (bold, underline, reverse, …), its colours dropped: what a
    highlight drawn with colours of its own looks like under ``NO_COLOR``."""
    return str(Style.parse(style).without_color) if style else style
