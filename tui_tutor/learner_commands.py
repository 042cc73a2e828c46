"""`tui-tutor quiz --check` and `tui-tutor progress`."""

from __future__ import annotations

import argparse
import json
import sys

from .cli import UsageError


def cmd_quiz_check(_args: argparse.Namespace) -> int:
    from .curriculum.quiz import check_bank

    report = check_bank()
    lessons = sorted({lesson for lesson, _ in report.counts})
    print("lesson   en   zh")
    for lesson in lessons:
        print(f"{lesson:6d} {report.counts.get((lesson, 'en'), 0):4d} {report.counts.get((lesson, 'zh'), 0):4d}")
    total = {lang: sum(n for (_, l), n in report.counts.items() if l == lang) for lang in ("en", "zh")}
    print(f" total {total['en']:4d} {total['zh']:4d}")
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    if report.problems:
        print(f"{len(report.problems)} problem(s) in the question bank", file=sys.stderr)
        return 1
    print("the question bank is sound")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from .app_entry import open_progress

    store, warning = open_progress(args)
    if warning:
        print(f"tui-tutor: {warning}", file=sys.stderr)
    if args.reset:
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("--reset asks for confirmation: run it in a terminal, or add --yes")
            reply = input(f"Forget all saved progress of {store.user}? Type yes to confirm: ")
            if reply.strip().lower() != "yes":
                print("Nothing was changed.")
                return 1
        store.reset()
        print(f"Progress of {store.user} reset.")
        return 0
    summary = store.summary()
    if args.format == "json":
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_summary(summary))
    return 0


def format_summary(summary: dict) -> str:
    lines = [f"Progress of {summary.get('user', '?')}"]
    for key, value in summary.items():
        if key != "user":
            lines.append(f"  {key.replace('_', ' ')}: {value}")
    return "\n".join(lines)
