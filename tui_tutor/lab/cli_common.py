"""What every `tui-tutor lab` command shares: the lab's folder and database, taken from its options,
and the one line that refuses bad input (exit status 2, like the rest of the command line)."""

from __future__ import annotations

import sys
from pathlib import Path

EXIT_USAGE = 2


def usage_error(message: str) -> int:
    print(f"tui-tutor: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def lab_data_dir(args, make: bool = False) -> Path:
    """The lab's folder (made 0700 if ``make``); a path through a file, or one that cannot be made,
    is refused in one line."""
    from ..progress import data_dir
    from ..progress.files import make_private_folder
    from .names import AccountError

    folder = data_dir(getattr(args, "data_dir", None))
    try:
        for place in (folder, *folder.parents):
            if place.exists():
                if not place.is_dir():
                    what = "is a file" if place == folder else f"is inside {place}, which is a file"
                    raise AccountError(f"the data folder {folder} {what}, not a folder")
                break
    except PermissionError:  # the lab's folder is its user's alone (0700)
        raise AccountError(f"the data folder {folder} cannot be reached: permission denied") from None
    if make:
        try:
            make_private_folder(folder)
        except OSError as e:
            raise AccountError(f"the data folder {folder} cannot be made ({e.strerror or e})") from None
    return folder


def lab_database_url(args) -> str | None:
    from ..progress import database_url

    return database_url(getattr(args, "database_url", None))
