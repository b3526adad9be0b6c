"""The engine never imports Django, and pandas is not used by the engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1]


def test_importing_the_engine_loads_neither_django_nor_pandas() -> None:
    code = ("import sys, chiso.index, chiso.index.cli, chiso.index.sensitivity; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'pandas')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_engine_sources_do_not_mention_django_or_pandas_imports() -> None:
    for path in ENGINE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in ("import django", "from django", "import pandas", "from pandas"):
            assert banned not in text, f"{path.name}: {banned}"
