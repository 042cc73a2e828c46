"""`lab report`: for each student, the lessons read, the quiz scores and when they were last seen.

Read from the progress database in the lab's data folder (``progress.all_users_summary``);
the report registers nobody and changes nothing in it.
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


def summaries(data_dir: str | Path, database_url: str | None = None) -> list[dict]:
    """Every learner's summary (``ProgressStore.summary``), by name; [] if nobody has used this folder yet.
    With ``database_url``, from that PostgreSQL database (``OSError`` with one line if it cannot be read)."""
    if database_url:
        from ..progress.postgres import read_all_summaries

        return read_all_summaries(database_url, _questions())
    from ..progress import DB_NAME, ProgressStore
    from ..progress.schema import connect

    path = Path(data_dir) / DB_NAME
    if not path.exists():
        return []
    conn = connect(path)
    try:
        return ProgressStore(conn, "", path).all_users_summary(_questions())
    finally:
        conn.close()


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
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"{len(data)} student(s)")
    return "\n".join(lines)


def format_csv(data: list[dict]) -> str:
    buffer = io.StringIO()
    fields = ["user", "lessons_read", "which_lessons", "quiz_right", "quiz_answered", "quiz_total",
              "quiz_by_lesson", "last_seen", "first_seen"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(data))
    return buffer.getvalue().rstrip("\n")


def run_report(data_dir: Path, fmt: str = "text", database_url: str | None = None) -> int:
    try:
        data = summaries(data_dir, database_url)
    except OSError as e:
        print(f"tui-tutor: error: {e}", file=sys.stderr)
        return 1
    if fmt == "json":
        text = json.dumps({"lessons": _lesson_count(), "students": data}, ensure_ascii=False, indent=1)
    elif fmt == "csv":
        text = format_csv(data)
    else:
        text = format_text(data, _lesson_count())
    sys.stdout.write(text + "\n")
    return 0
