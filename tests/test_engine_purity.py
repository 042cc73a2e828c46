"""The engine is pure numpy: importing all of it pulls in no UI library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, json, pkgutil, sys
import tui_tutor.engine as engine
names = sorted(m.name for m in pkgutil.iter_modules(engine.__path__, engine.__name__ + "."))
for name in names:
    importlib.import_module(name)
ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(json.dumps({"modules": names, "ui": ui}))
"""


def test_engine_imports_neither_textual_nor_rich():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    expected = {f"tui_tutor.engine.{m}" for m in
                ("network", "steps", "training", "gradcheck", "presets", "netfile", "export", "symbols")}
    assert expected <= set(result["modules"])
    assert result["ui"] == []
