"""CI tests the installed package, not the checkout's source: .ci/run sets TUI_TUTOR_TEST_INSTALLED=1
and runs a copy of the tests outside the checkout; here that claim is checked, in this process and in
the subprocesses the other tests start the same way (``python -m tui_tutor`` from ROOT, ROOT on the path)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import tui_tutor

ROOT = Path(__file__).resolve().parents[1]
INSTALLED = Path(sysconfig.get_paths()["purelib"]).resolve()
pytestmark = pytest.mark.skipif(os.environ.get("TUI_TUTOR_TEST_INSTALLED") != "1",
                                reason="only where CI asks for the installed package (TUI_TUTOR_TEST_INSTALLED=1)")


def test_the_tests_import_the_installed_package():
    assert Path(tui_tutor.__file__).resolve().is_relative_to(INSTALLED), tui_tutor.__file__


def test_a_tutor_started_by_a_test_is_the_installed_one():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # as test_cli, test_app and test_progress start theirs
    out = subprocess.run([sys.executable, "-c", "import tui_tutor; print(tui_tutor.__file__)"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).resolve().is_relative_to(INSTALLED), out.stdout
