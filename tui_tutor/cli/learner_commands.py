"""`tui-tutor quiz --check` and `tui-tutor progress`."""

from __future__ import annotations

import argparse
import json
import sys

from .errors import UsageError


def cmd_quiz_check(_args: argparse.Namespace) -> int:
    from ..curriculum.quiz import check_bank

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
    from ..progress import database_url, default_user, open_store_url

    user = getattr(args, "user", None) or default_user()
    url = database_url(getattr(args, "database_url", None))
    store, warning = open_store_url(url, user, getattr(args, "data_dir", None))
    if args.reset and store.reason:  # a reset in memory would say "reset" and change nothing on disk
        raise UsageError(f"cannot reset the progress of {store.user}: {store.reason}; nothing was changed")
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
        if store.reason:  # the file stopped taking writes on the way
            raise UsageError(f"cannot reset the progress of {store.user}: {store.reason}")
        print(f"Progress of {store.user} reset.")
        return 0
    from ..curriculum.quiz import question_ids
    from .parsing import language

    from ..tutor.review import Reviews

    lang = language(args)
    summary = store.summary(question_ids(lang))
    summary["skills"] = Reviews(store).overview()
    summary["mistakes"] = store.mistake_counts()
    if args.format == "json":
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_summary(summary, lang))
    return 0


def format_summary(summary: dict, lang: str = "en") -> str:
    """The summary for people: who, where it is kept, lessons read, and a line a lesson of quiz scores."""
    from ..curriculum.lessons import load_lessons

    from ..i18n import tr

    saving = tr(lang, "cli_saved_in", path=summary["database"]) if summary.get("saving") else tr(lang, "cli_not_saved")
    read = summary.get("lessons_read") or []
    titles = {lesson.number: lesson.title for lesson in load_lessons(lang)}
    lesson_head = _fit(tr(lang, "cli_lesson"), 44)
    lines = [tr(lang, "cli_progress_of", user=summary.get("user", "?"), saving=saving),
             "  " + tr(lang, "cli_seen", first=summary.get("first_seen") or "—", last=summary.get("last_seen") or "—"),
             "  " + tr(lang, "cli_last_screen", screen=summary.get("last_screen") or "—"),
             "  " + tr(lang, "cli_lessons_read", n=len(read), total=len(titles))
             + (f" ({', '.join(map(str, read))})" if read else ""),
             "  " + tr(lang, "cli_answers", n=summary.get("answers", 0)),
             "",
             f"  {lesson_head} {tr(lang, 'cli_score_head')}",
             ]
    mastered = tr(lang, "cli_mastered")
    for lesson, s in sorted(summary.get("scores", {}).items(), key=lambda kv: int(kv[0])):
        title = _fit(titles.get(int(lesson), tr(lang, "cli_lesson_n", n=lesson)), 44)
        mark = f"  {mastered}" if s.get("mastered") else ""
        lines.append(f"  {title} {s['right']:>5} / {s['total'] or 0:<9} {s['answered']:>8}{mark}")
    return "\n".join(lines + _skill_lines(summary))


def _skill_lines(summary: dict) -> list[str]:
    """A line a skill: its predicted recall (FSRS), mastered or not, when it is due for review."""
    skills = summary.get("skills") or []
    if not skills:
        return []
    lines = ["", f"  {'skill':<16} {'recall':>6}  {'right/tried':<11}  due for review"]
    for s in skills:
        due = (s["due"] or "—").replace("T", " ").replace("+00:00", " UTC")
        mark = "  ✓ mastered" if s["mastered"] else ""
        lines.append(f"  {s['skill']:<16} {s['recall'] * 100:>5.0f}%  {s['right']:>4}/{s['attempts']:<6}  {due}{mark}")
    mistakes = summary.get("mistakes") or {}
    if mistakes:
        lines.append("  mistakes made: " + ", ".join(f"{m} ×{n}" for m, n in mistakes.items()))
    return lines


def _fit(text: str, width: int) -> str:
    """``text`` cut or padded to ``width`` terminal cells (CJK characters take two)."""
    from rich.cells import cell_len, set_cell_size

    return set_cell_size(text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…", width)
