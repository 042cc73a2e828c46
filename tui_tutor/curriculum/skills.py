"""The skills of the method, and the common mistakes each one invites.

A skill is one computation of backpropagation a learner can be asked to do with numbers
(``forward-z`` … ``batch-gradient``). Every numeric question belongs to one: a generated
question (curriculum/generated.py) names it, a hand-written one of the bank is mapped to it
from the kind of step it asks for (``STEP_SKILLS``).

A mistake is a wrong formula a learner is known to use, computed by the engine on the
question's own setup (curriculum/mistakes.py); the ids here are what the store, the
command line and the catalogue (``mistake.<skill>.<id>`` with "-" as "_") name them by.
"""

from __future__ import annotations

SKILLS: dict[str, tuple[str, ...]] = {
    "forward-z": (),
    "forward-a": (),
    "cost": ("no-half",),
    "output-delta": ("no-sigma-prime", "sign-flip", "z-for-a", "sigma-prime-of-a"),
    "hidden-delta": ("no-sigma-prime", "transposed-weights", "one-term", "updated-weights"),
    "grad-weight": ("same-layer-activation", "z-for-a"),
    "grad-bias": (),
    "update-weight": ("sign-flip", "no-eta"),
    "batch-gradient": (),
}
"""Each skill, in teaching order, with the ids of its common mistakes."""

STEP_SKILLS = {
    "weighted_input": "forward-z",
    "activation": "forward-a",
    "cost": "cost",
    "output_delta": "output-delta",
    "hidden_delta": "hidden-delta",
    "weight_gradient": "grad-weight",
    "bias_gradient": "grad-bias",
    "weight_update": "update-weight",
    "bias_update": "update-weight",  # the same rule, p ← p − η ∂C/∂p, and the same mistakes
}
"""The skill a step of the engine (``engine.steps``) exercises."""


def catalogue_id(skill: str, mistake: str | None = None) -> str:
    """The catalogue id of a skill's name (``skill.output_delta``) or of a mistake's words."""
    if mistake is None:
        return "skill." + skill.replace("-", "_")
    return f"mistake.{skill.replace('-', '_')}.{mistake.replace('-', '_')}"


def skill_name(lang: str, skill: str) -> str:
    from ..i18n import tr

    names = {
        "forward-z": tr(lang, "skill.forward_z"), "forward-a": tr(lang, "skill.forward_a"),
        "cost": tr(lang, "skill.cost"), "output-delta": tr(lang, "skill.output_delta"),
        "hidden-delta": tr(lang, "skill.hidden_delta"), "grad-weight": tr(lang, "skill.grad_weight"),
        "grad-bias": tr(lang, "skill.grad_bias"), "update-weight": tr(lang, "skill.update_weight"),
        "batch-gradient": tr(lang, "skill.batch_gradient"),
    }
    return names[skill]


def mistake_words(lang: str, skill: str, mistake: str) -> str:
    """What the mistake is, in the words of the lesson that teaches the skill."""
    from ..i18n import tr

    words = {
        ("cost", "no-half"): tr(lang, "mistake.cost.no_half"),
        ("output-delta", "no-sigma-prime"): tr(lang, "mistake.output_delta.no_sigma_prime"),
        ("output-delta", "sign-flip"): tr(lang, "mistake.output_delta.sign_flip"),
        ("output-delta", "z-for-a"): tr(lang, "mistake.output_delta.z_for_a"),
        ("output-delta", "sigma-prime-of-a"): tr(lang, "mistake.output_delta.sigma_prime_of_a"),
        ("hidden-delta", "no-sigma-prime"): tr(lang, "mistake.hidden_delta.no_sigma_prime"),
        ("hidden-delta", "transposed-weights"): tr(lang, "mistake.hidden_delta.transposed_weights"),
        ("hidden-delta", "one-term"): tr(lang, "mistake.hidden_delta.one_term"),
        ("hidden-delta", "updated-weights"): tr(lang, "mistake.hidden_delta.updated_weights"),
        ("grad-weight", "same-layer-activation"): tr(lang, "mistake.grad_weight.same_layer_activation"),
        ("grad-weight", "z-for-a"): tr(lang, "mistake.grad_weight.z_for_a"),
        ("update-weight", "sign-flip"): tr(lang, "mistake.update_weight.sign_flip"),
        ("update-weight", "no-eta"): tr(lang, "mistake.update_weight.no_eta"),
    }
    return words[(skill, mistake)]
