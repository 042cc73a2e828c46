"""One browser tab's tutor, as `lab web` starts it: with limits, from a safe folder.

Run as ``python -I -m tui_tutor.lab.web_tutor MEMORY FILE_SIZE TUTOR_ARGS…``
(sizes in bytes). Isolated mode (-I) keeps the working folder and PYTHON*
variables out of the import path, and the working folder is ``/``, so a
``numpy.py`` saved where a tutor runs cannot break the next one. The limits
(address space, size of any file written) are set before the tutor loads, and
hard, so it cannot raise them.
"""

from __future__ import annotations

import os
import resource
import signal
import sys


def _lower(limit: int, value: int) -> None:
    _, hard = resource.getrlimit(limit)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(limit, (value, value))


def main(argv: list[str]) -> int:
    memory, file_size, *tutor_args = argv
    _lower(resource.RLIMIT_AS, int(memory))
    _lower(resource.RLIMIT_FSIZE, int(file_size))
    # Past the file-size limit a write fails (EFBIG) instead of killing the tutor mid-save.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    os.chdir("/")
    # The tutor's matrices are tiny; and OpenBLAS reserves address space per thread, one per core,
    # which on a many-core machine would exceed the memory limit before the tutor has drawn.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    from ..cli import main as tutor_main

    return tutor_main(tutor_args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
