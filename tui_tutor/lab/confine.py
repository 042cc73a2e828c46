"""What keeps a tutor from harming the lab or the tutors after it.

Each tutor runs under resource limits (``TutorLimits``: address space and file
size, soft and hard alike), in Python's isolated mode (``-I``: no PYTHON*
variables, neither the working folder nor the script's on sys.path), in an empty
read-only folder the lab makes (also its HOME), so a ``numpy.py`` a student saves
anywhere is never imported by a later tutor. The spawn path does this in
``LAUNCHER``, the zygote in ``zygote_child``; the zygote itself starts isolated
through ``ZYGOTE_BOOT``.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Run by the child's own interpreter (not a preexec_fn, which is unsafe beside the server's threads), in
# isolated mode: after setsid, make the pty on fd 0 the controlling terminal, take the limits, then run the
# tutor here (this Python, as the zygote would) or exec it (another program). argv: AS FSIZE ROOT KIND NAME ARGS.
# Tutors run a little below the server's priority: the server, one process carrying every session's
# bytes and logins, then gets a CPU when it needs one (about a thirtieth of what the tutors use) instead of
# waiting behind thirty tutors painting.
TUTOR_NICENESS = 5

LAUNCHER = f"""\
import fcntl, os, resource, runpy, sys, termios
fcntl.ioctl(0, termios.TIOCSCTTY, 0)
os.nice({TUTOR_NICENESS})
for limit, value in zip((resource.RLIMIT_AS, resource.RLIMIT_FSIZE), map(int, sys.argv[1:3])):
    hard = resource.getrlimit(limit)[1]
    if value > 0:
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(limit, (value, value))
root, kind, name, args = sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
if kind == "exec":
    os.execvp(name, [name, *args])
if root not in sys.path:
    sys.path.append(root)
sys.argv = [name, *args]
if kind == "module":
    runpy.run_module(name, run_name="__main__", alter_sys=True)
else:
    sys.path.insert(0, os.path.dirname(name))
    runpy.run_path(name, run_name="__main__")
"""
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # where tui_tutor is, if it is not installed
RUN_DIR = "tutor-home"

# The zygote, isolated like the tutors: tui_tutor found where this server found it (if it is not installed).
ZYGOTE_BOOT = ("import sys; root = sys.argv[1]; root in sys.path or sys.path.append(root); "
               "from tui_tutor.lab.zygote import main; sys.exit(main(sys.argv[2:]))")


def lower_priority() -> None:
    """In a tutor's own process (see TUTOR_NICENESS)."""
    try:
        os.nice(TUTOR_NICENESS)
    except OSError:
        pass


@dataclass(frozen=True)
class TutorLimits:
    memory: int = 1 << 30  # RLIMIT_AS, bytes (0: none)
    file_size: int = 64 << 20  # RLIMIT_FSIZE, bytes (0: none)

    def apply(self) -> None:
        """In the tutor's own process: soft and hard alike, so it cannot raise them."""
        for limit, value in ((resource.RLIMIT_AS, self.memory), (resource.RLIMIT_FSIZE, self.file_size)):
            hard = resource.getrlimit(limit)[1]
            if value > 0:
                value = value if hard == resource.RLIM_INFINITY else min(value, hard)  # never above the admin's
                resource.setrlimit(limit, (value, value))


def make_run_dir(data_dir: Path) -> Path:
    """The tutors' working folder and HOME: empty and read-only, so nothing saved there can be imported."""
    path = Path(data_dir) / RUN_DIR
    path.mkdir(mode=0o555, exist_ok=True)
    path.chmod(0o555)
    return path


def home(env: Mapping[str, str]) -> str:
    home = env.get("HOME", "")
    return home if home and os.path.isdir(home) else "/"
