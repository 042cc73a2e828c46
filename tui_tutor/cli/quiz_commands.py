"""`tui-tutor quiz --skills`, `quiz --skill S --seed N [--answer TEXT]` and `quiz --check`.

A generated question is printed, or an answer to it graded, for scripting and for tests;
nothing is stored. A wrong answer is not an error (exit 0); an answer that is not a number is
(one line, exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys

from .errors import UsageError


def quiz_commands_asked(args: argparse.Namespace) -> bool:
    """Whether `quiz` was given a command of its own (else it opens the tutor on the quiz)."""
    return bool(args.check or args.skills or args.skill is not None or args.answer is not None
                or args.format != "text")


def cmd_quiz(args: argparse.Namespace) -> int:
    if args.check:
        from .learner_commands import cmd_quiz_check

        return cmd_quiz_check(args)
    if args.skills:
        return _list_skills(args.format)
    if args.skill is None:
        raise UsageError("--answer and --format need --skill SKILL (see tui-tutor quiz --skills)")
    from ..curriculum.generated import SkillError, generate

    try:
        question = generate(args.skill, args.seed)
    except SkillError as err:
        raise UsageError(str(err)) from None
    lang = getattr(args, "lang", None) or "en"
    if args.answer is None:
        return _show(question, lang, args.format)
    return _grade(question, args.answer, lang, args.format)


def _print_json(doc) -> None:
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _list_skills(fmt: str) -> int:
    from ..curriculum.skills import SKILLS

    if fmt == "json":
        _print_json({"skills": [{"skill": s, "mistakes": list(m)} for s, m in SKILLS.items()]})
    else:
        for skill, mistakes in SKILLS.items():
            print(f"{skill:<15} {', '.join(mistakes) or '-'}")
    return 0


def _show(question, lang: str, fmt: str) -> int:
    from ..curriculum.generated import to_dict
    from ..engine.symbols import number

    if fmt == "json":
        _print_json(to_dict(question, lang))
        return 0
    print(question.prompt(lang))
    for given in question.givens:
        print(f"  {given.symbol} = {number(given.value, 8)}")
    print(f"answer to {question.figures} significant figures; within ±{question.relative * 100:g} % "
          f"or ±{number(question.absolute)} counts as right")
    return 0


def feedback_text(question, marked, lang: str) -> str:
    """What the learner is told: right; or the mistake named, its line beside the right one; or the worked lines."""
    from ..curriculum.skills import mistake_words
    from ..i18n import tr

    if marked.correct:
        return tr(lang, "right")
    lines = [tr(lang, "not_right")]
    if marked.mistake is not None:
        name = mistake_words(lang, question.skill, marked.mistake.id)
        lines += [tr(lang, "mistake_matched", name=name), f"{tr(lang, 'your_line')} {marked.mistake.line}",
                  f"{tr(lang, 'right_line')} {question.worked[-1]}"]
    else:
        lines += [tr(lang, "worked"), *question.worked]
    return "\n".join(lines)


def _grade(question, text: str, lang: str, fmt: str) -> int:
    from ..curriculum.generated import mark
    from ..curriculum.grading import AnswerError

    try:
        marked = mark(question, text)
    except AnswerError as err:
        raise UsageError(f"--answer: {err}") from None
    feedback = feedback_text(question, marked, lang)
    if fmt == "json":
        _print_json({"correct": marked.correct, "expected": marked.expected,
                     "mistake": marked.mistake.id if marked.mistake else None, "feedback": feedback})
    else:
        print(feedback)
    return 0
