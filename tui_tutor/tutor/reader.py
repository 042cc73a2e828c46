"""A step of the pass as linear text, for screen readers and braille displays.

A formula on screen is two-dimensional (sub- and superscripts, a symbol line above a number
line) and its roles are told apart by style; read aloud, "δ₁³" is noise. Here each step becomes
one statement a line, in words a screen reader speaks, built from the same step record
(``Step.formula_parts`` and ``substituted_parts``) as the formula panel:

    delta 1 superscript 3 equals (a 1 3 minus t 1) times sigma prime of z 1 3,
    equals (0.3265 minus 1) times 0.2199,
    equals −0.148101.

The left-hand symbol is spoken in full (indices, then "superscript" and the layer); the
terms on the right give their indices and layer in the same order, without the word.
"""

from __future__ import annotations

import re

from ..engine.quantities import Ref
from ..engine.steps import Step
from ..i18n import phase_title, tr

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789−")
_POWER = re.compile(r"([−\d.]+)×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)")


def spoken_ref(ref: Ref, lang: str, full: bool = False) -> str:
    """A quantity in words: "w 1 2 3", "delta 1 superscript 3" (``full``), "sigma prime of z 1 3"."""
    q, l, j, i = ref.quantity, ref.layer, ref.j, ref.i
    layer = f"{tr(lang, 'reader_superscript')} {l}" if full else str(l)
    if q == "w":
        return f"w {j} {i} {layer}"
    if q in ("a", "z", "b"):
        return f"{q} {j} {layer}"
    if q == "delta":
        return f"{tr(lang, 'reader_delta')} {j} {layer}"
    if q == "x":
        return f"x {j}"
    if q == "t":
        return f"t {j}"
    if q == "dsigma":
        return f"{tr(lang, 'reader_sigma_prime_of')} z {j} {l}"
    if q == "grad_w":
        return tr(lang, "reader_partial", x=spoken_ref(Ref("w", l, j, i), lang, full))
    if q == "grad_b":
        return tr(lang, "reader_partial", x=spoken_ref(Ref("b", l, j), lang, full))
    return tr(lang, "reader_eta") if q == "eta" else q


def spoken_number(text: str, lang: str) -> str:
    """A number as shown, its power of ten in words: "1.2×10⁻⁵" → "1.2 times 10 to the power −5"."""
    return _POWER.sub(lambda m: tr(lang, "reader_power", m=m[1], e=m[2].translate(_SUPERSCRIPT)), text)


def spoken_operators(text: str, lang: str) -> str:
    """The text between terms (brackets, signs, σ( and ½[) in words."""
    words = {"×": tr(lang, "reader_times"), " − ": tr(lang, "reader_minus"), " + ": tr(lang, "reader_plus"),
             " = ": tr(lang, "reader_equals"), " ← ": tr(lang, "reader_becomes"),
             "σ(": tr(lang, "reader_sigma_of") + " (", "½[": tr(lang, "reader_half") + " [",
             ")²": ") " + tr(lang, "reader_squared")}
    for sign, word in words.items():
        text = text.replace(sign, f" {word} ")
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace("( ", "(").replace(" )", ")").replace("[ ", "[").replace(" ]", "]")


def step_statements(step: Step, lang: str) -> list[str]:
    """The formula in symbols, then with the numbers put in, then the value: one statement a line."""
    lhs, sign = step.formula_parts[0], step.formula_parts[1]
    symbols = [spoken_ref(lhs[1], lang, full=True), spoken_operators(sign[0], lang)]
    numbers = []
    # The two forms are built part by part side by side; the numeric one writes every product's ×.
    for (_, ref), (num_text, _) in zip(step.formula_parts[2:], step.substituted_parts):
        if ref is None:
            symbols.append(spoken_operators(num_text, lang))
            numbers.append(spoken_operators(num_text, lang))
        else:
            symbols.append(f" {spoken_ref(ref, lang)} ")
            numbers.append(f" {spoken_number(num_text, lang)} ")
    equals = tr(lang, "reader_equals")
    comma = "，" if lang == "zh" else ","
    stop = "。" if lang == "zh" else "."
    return [_tidy("".join(symbols)) + comma,
            f"{equals} {_tidy(''.join(numbers))}{comma}",
            f"{equals} {spoken_number(step.value_text, lang)}{stop}"]


def reader_lines(step: Step, index: int, total: int, lang: str) -> list[str]:
    """The reader mode's page: where we are, the step's statements, and the keys."""
    where = tr(lang, "reader_step", n=index + 1, total=total, phase=phase_title(lang, step.phase))
    return [tr(lang, "reader_title"), "", where, *step_statements(step, lang), "", tr(lang, "reader_keys")]
