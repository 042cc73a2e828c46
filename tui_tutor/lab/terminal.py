"""A student's terminal as the lab hands it to their tutor, and as its log tells of it: every size
clamped to what a screen can show, the tutor's environment built from an allowlist, the last line of
a tutor's output (escape sequences removed) and how long a session lasted."""

from __future__ import annotations

import os
import re

from .escape import shown

_TERM = re.compile(r"[A-Za-z0-9._+-]{1,64}")
_LOCALE = re.compile(r"([A-Za-z]{2,3}(?:_[A-Za-z]{2})?)(?:\.[A-Za-z0-9-]+)?(@[A-Za-z0-9]+)?")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")
_PASSED_ENV = ("PATH", "TZ")  # of the server's; nothing of the client's but its language and terminal
MIN_SIZE, MAX_SIZE = (20, 5), (500, 200)  # columns, rows
MAX_PIXELS = 16384


def clamp_size(cols: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> tuple[int, int, int, int]:
    """A terminal size a screen can show: 0x0 and 65535x65535 come to MIN_SIZE and MAX_SIZE."""
    cols = min(max(int(cols), MIN_SIZE[0]), MAX_SIZE[0])
    rows = min(max(int(rows), MIN_SIZE[1]), MAX_SIZE[1])
    return cols, rows, min(max(int(xpixels), 0), MAX_PIXELS), min(max(int(ypixels), 0), MAX_PIXELS)


def _utf8_locale(value: str) -> str | None:
    """The client's locale in UTF-8 ("zh_CN.GB18030" → "zh_CN.UTF-8"), or None if it is not one."""
    if value in ("C", "POSIX") or value.upper() in ("C.UTF-8", "C.UTF8"):
        return "C.UTF-8"
    match = _LOCALE.fullmatch(value)
    return f"{match.group(1)}.UTF-8{match.group(2) or ''}" if match else None


def tutor_env(term: str | None, client_env: dict[str, str], home: str = "/") -> dict[str, str]:
    """The tutor's environment, built from an allowlist: the client's TERM if it looks like one, a UTF-8
    locale (the client's language if it sent one), COLORTERM=truecolor when the client's terminal says it
    has true colour, NO_COLOR=1 when the client sends NO_COLOR; the server's PATH and TZ; HOME the lab's
    read-only folder. Nothing else of the client's (LD_PRELOAD, PYTHON*, HOME, ...); never COLUMNS/LINES
    (the pty's size is the truth)."""
    env = {k: os.environ[k] for k in _PASSED_ENV if k in os.environ}
    env.setdefault("PATH", os.defpath)
    env["HOME"] = home
    env["TERM"] = term if term and _TERM.fullmatch(term) else "xterm-256color"
    env["LANG"] = "C.UTF-8"
    env["PYTHONUTF8"] = "1"
    for key, value in client_env.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue  # asyncssh gives bytes for what is not UTF-8
        if key == "LANG" or re.fullmatch(r"LC_[A-Z]{1,16}", key):
            locale = _utf8_locale(value)
            if locale:
                env[key] = locale
    if client_env.get("NO_COLOR"):  # the learner's wish for no colour (no-color.org): only its presence counts
        env["NO_COLOR"] = "1"
    colorterm = client_env.get("COLORTERM", "")
    colorterm = colorterm.lower() if isinstance(colorterm, str) else ""
    if colorterm in ("truecolor", "24bit") or any(w in env["TERM"] for w in ("direct", "truecolor")):
        env["COLORTERM"] = "truecolor"
    return env

def last_line(output: bytes) -> str:
    """The last line of text in some terminal output (for the log), escape sequences removed."""
    text = _ANSI.sub("", output.decode("utf-8", "replace")).replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return shown(lines[-1], 200) if lines else ""


def duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m{secs:02d}s"

