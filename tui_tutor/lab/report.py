"""`lab report`: for each student, the lessons read, the quiz scores and when they were last seen.

Read from the progress database in the lab's data folder (``progress.all_users_summary``),
opened read-only: the report registers nobody, migrates nothing and never moves a damaged
file aside (the tutors do that). A file it cannot read is one line and exit status 2.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path


def _questions() -> dict[int, set[str]]:
    from ..curriculum.quiz import question_ids

    return question_ids("en")


def _lesson_count() -> int:
    from ..curriculum.lessons import load_lessons

    return len(load_lessons("en"))


class ReportError(Exception):
    """The progress database cannot be reported on; the message names the file and why."""


def summaries(data_dir: str | Path, database_url: str | None = None) -> list[dict]:
    """Every learner's summary (``ProgressStore.summary``), by name; [] if nobody has used this folder yet.
    With ``database_url``, from that PostgreSQL database (``OSError`` with one line if it cannot be read)."""
    import sqlite3

    if database_url:
        from ..progress.postgres import read_all_summaries

        return read_all_summaries(database_url, _questions())

    from ..progress import DB_NAME, ProgressStore
    from ..progress.schema import Corrupt, TooNew, Unreadable, read_only_copy

    folder = Path(data_dir)
    if folder.exists() and not folder.is_dir():
        raise ReportError(f"{folder} is a file, not a data folder")
    path = folder / DB_NAME
    if not path.exists():
        return []
    try:
        conn = read_only_copy(path)
    except Corrupt as e:
        raise ReportError(f"{path} is damaged or not a progress database ({e}); it was left as it is") from None
    except TooNew as e:
        raise ReportError(f"{path} {e}: use that tui-tutor for the report") from None
    except (Unreadable, OSError, sqlite3.Error) as e:
        raise ReportError(f"{path} cannot be read ({e})") from None
    try:
        data = ProgressStore(conn, "", path).all_users_summary(_questions())
        for student in data:
            _add_skills(student, ProgressStore(conn, student["user"], path))
        return data
    finally:
        conn.close()


def _add_skills(student: dict, store) -> None:
    """Each skill's recall, mastery and due date, and how often each mistake was made."""
    from ..tutor.review import Reviews

    student["skills"] = Reviews(store).overview()
    student["mistakes"] = store.mistake_counts()


def _skills_text(student: dict) -> str:
    tried = [s for s in student.get("skills", []) if s["attempts"]]
    return " ".join(f"{s['skill']}{'✓' if s['mastered'] else ''}" for s in tried) or "-"


def _top_mistake(student: dict) -> str:
    mistakes = student.get("mistakes") or {}
    if not mistakes:
        return ""
    top = next(iter(mistakes))
    return f"{top} ×{mistakes[top]}"


def _quiz(scores: dict) -> tuple[int, int, int]:
    right = sum(s["right"] for s in scores.values())
    answered = sum(s["answered"] for s in scores.values())
    total = sum(s["total"] or 0 for s in scores.values())
    return right, answered, total


def _per_lesson(scores: dict) -> str:
    return ", ".join(f"L{lesson} {s['right']}/{s['answered']}" + (f" of {s['total']}" if s["total"] else "")
                     for lesson, s in sorted(scores.items(), key=lambda kv: int(kv[0])) if s["answered"])


def rows(data: list[dict]) -> list[dict]:
    """One flat row a student (the CSV and text report)."""
    out = []
    for s in data:
        right, answered, total = _quiz(s.get("scores", {}))
        out.append({
            "user": s["user"],
            "lessons_read": len(s.get("lessons_read", [])),
            "which_lessons": " ".join(str(n) for n in s.get("lessons_read", [])),
            "quiz_right": right,
            "quiz_answered": answered,
            "quiz_total": total,
            "quiz_by_lesson": _per_lesson(s.get("scores", {})),
            "last_seen": s.get("last_seen") or "",
            "first_seen": s.get("first_seen") or "",
            "skills": _skills_text(s),
            "top_mistake": _top_mistake(s),
            **{f"skill:{k['skill']}": (f"{k['recall']:.2f}" if k["attempts"] else "") for k in s.get("skills", [])},
        })
    return out


def format_text(data: list[dict], lessons: int) -> str:
    if not data:
        return "No student has used the tutor in this folder yet."
    table = [("student", "lessons read", "quiz (right/answered of all)", "by lesson", "last seen")]
    for r in rows(data):
        table.append((r["user"], f"{r['lessons_read']}/{lessons}" + (f" ({r['which_lessons']})" if r["which_lessons"]
                                                                   else ""),
                      f"{r['quiz_right']}/{r['quiz_answered']} of {r['quiz_total']}", r["quiz_by_lesson"] or "-",
                      r["last_seen"].replace("T", " ").replace("+00:00", " UTC")))
    lines = _aligned(table)
    lines.append(f"{len(data)} student(s)")
    skills = [("student", "skills tried (✓ mastered)", "most frequent mistake")]
    skills += [(r["user"], r["skills"], r["top_mistake"] or "-") for r in rows(data)]
    return "\n".join(lines + [""] + _aligned(skills))


def _aligned(table: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def lesson_columns(data: list[dict]) -> dict[str, dict[str, float]]:
    """The gradebook's columns, per student: ``lesson_N`` = the percentage (0-100) of lesson N's quiz
    questions whose latest answer is right, for every lesson with a quiz."""
    lessons = sorted(_questions())
    out = {}
    for s in data:
        scores = s.get("scores", {})
        out[s["user"]] = {f"lesson_{n}": _percent(scores.get(str(n)) or scores.get(n)) for n in lessons}
    return out


def _percent(score: dict | None) -> float:
    if not score or not score.get("total"):
        return 0.0
    return round(100 * score["right"] / score["total"], 1)


def format_csv(data: list[dict]) -> str:
    """A row a student; a column a skill with its predicted recall (0 to 1; empty if never tried)."""
    from ..curriculum.skills import SKILLS

    buffer = io.StringIO()
    grades = lesson_columns(data)
    fields = ["user", "lessons_read", "which_lessons", "quiz_right", "quiz_answered", "quiz_total",
              "quiz_by_lesson", "last_seen", "first_seen", *(f"lesson_{n}" for n in sorted(_questions())),
              "top_mistake", *(f"skill:{k}" for k in SKILLS)]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({**row, **grades[row["user"]]} for row in rows(data))
    return buffer.getvalue().rstrip("\n")


def run_report(data_dir: Path, fmt: str = "text", database_url: str | None = None) -> int:
    try:
        data = summaries(data_dir, database_url)
    except (ReportError, OSError) as e:
        print(f"tui-tutor: error: {e}", file=sys.stderr)
        return 2
    if fmt == "json":
        text = json.dumps({"lessons": _lesson_count(), "students": data}, ensure_ascii=False, indent=1)
    elif fmt == "csv":
        text = format_csv(data)
    else:
        text = format_text(data, _lesson_count())
    sys.stdout.write(text + "\n")
    return 0
