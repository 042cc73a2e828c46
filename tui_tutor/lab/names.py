"""Names in the lab (students' and guests'), and the one-line error for bad input. No dependencies."""

from __future__ import annotations

import re

NAME_RULE = "letters, digits, '.', '_' and '-', at most 32 characters"
GUEST_PREFIX = "guest-"
_NAME = re.compile(r"[A-Za-z0-9._-]{1,32}")


class AccountError(Exception):
    """Bad input for the class list, said in one line (the CLI prints it and exits 2)."""


def is_valid_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name or "")) and name not in (".", "..")


def validate_name(name: str) -> str:
    if not is_valid_name(name):
        raise AccountError(f"bad user name {name!r}: use {NAME_RULE}")
    return name
