"""The tutor's model and content load no UI library: importing every module of them pulls in neither
Textual nor Rich (the CLI's commands and the lab rely on it to start fast, and the tutor package to be
usable without a terminal)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PURE = ("engine", "curriculum", "progress", "tutor", "i18n")

PROBE = """
import importlib, json, pkgutil, sys
names = []
for part in sys.argv[1:]:
    top = importlib.import_module("tui_tutor." + part)
    names.append(top.__name__)
    if hasattr(top, "__path__"):  # a package: every module in it, however deep
        names += [m.name for m in pkgutil.walk_packages(top.__path__, top.__name__ + ".")]
for name in names:
    importlib.import_module(name)
ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(json.dumps({"modules": names, "ui": ui}))
"""


def test_model_and_content_import_neither_textual_nor_rich():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", PROBE, *PURE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    expected = {f"tui_tutor.engine.{m}" for m in
                ("network", "steps", "training", "gradcheck", "presets", "netfile", "export", "symbols", "numbers")}
    expected |= {"tui_tutor.curriculum.quiz", "tui_tutor.curriculum.grading", "tui_tutor.progress.store",
                 "tui_tutor.tutor.session", "tui_tutor.tutor.training_runs", "tui_tutor.i18n"}
    assert expected <= set(result["modules"])
    assert result["ui"] == [], result["ui"]
