"""The book's symbols in Unicode for the terminal: δ₁³, w₁₁², w₁,₁₂², σ′(z₁²)."""

from __future__ import annotations

_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def sub(n: int | str) -> str:
    return str(n).translate(_SUB)


def sup(n: int | str) -> str:
    return str(n).translate(_SUP)


def unit(name: str, l: int, j: int) -> str:
    """z₁², a₂³, δ₁³, b₁²; the input layer's a_i^1 is written x_i, as in the article."""
    if name == "a" and l == 1:
        return "x" + sub(j)
    return name + sub(j) + sup(l)


def weight(l: int, j: int, i: int) -> str:
    """w_ji^l; a comma keeps two-digit indices apart (w₁,₁₂²), as in the article."""
    sep = "," if j > 9 or i > 9 else ""
    return "w" + sub(j) + sep + sub(i) + sup(l)


def target(j: int) -> str:
    return "t" + sub(j)


def parameter_symbols(layers) -> list[str]:
    """Symbols of all weights then all biases, in the order of Network.parameters()."""
    names = []
    for l in range(2, len(layers) + 1):
        names += [weight(l, j, i) for j in range(1, layers[l - 1] + 1) for i in range(1, layers[l - 2] + 1)]
    for l in range(2, len(layers) + 1):
        names += [unit("b", l, j) for j in range(1, layers[l - 1] + 1)]
    return names


def number(v: float, digits: int = 4) -> str:
    """A number as a formula shows it: a few significant figures, a true minus sign, never "−0"."""
    text = f"{v:.{digits}g}"
    if float(text) == 0:  # −0.0, or a value rounding to zero: a sign would say nothing true
        text = "0"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}×10{sup(int(exp))}"
    return text.replace("-", "−")


def operand(v: float, digits: int = 4) -> str:
    """A number inside a formula: negative ones and powers of ten in brackets, so that
    "0.5×(−1.2)" and "0.5×(1.2×10⁻⁵)" read as one factor each."""
    text = number(v, digits)
    return f"({text})" if text.startswith("−") or "×" in text else text
