"""`chiso index run` / `python -m chiso.index`: outputs, and exit code 2 with a message on
stderr for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chiso.index.cli import main

from .shared_data import ASEM, needs_shared


def _pipeline(tmp_path: Path, text: str) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    return str(path)


def _inputs() -> str:
    return f"data: {ASEM / 'ASEM_iData.csv'}\nmeta: {ASEM / 'ASEM_iMeta.csv'}\n"


def test_bad_yaml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", _pipeline(tmp_path, "steps: [unclosed"), "--out", str(tmp_path)]) == 2
    assert "not valid YAML" in capsys.readouterr().err


@needs_shared
def test_unknown_step_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _pipeline(tmp_path, _inputs() + "steps:\n  - weigh: {}\n")
    assert main(["run", p, "--out", str(tmp_path / "o")]) == 2
    assert "unknown step 'weigh'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # nothing half-written


@needs_shared
def test_unknown_method_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _pipeline(tmp_path, _inputs() + "steps:\n  - normalise: {method: sigmoid}\n")
    assert main(["run", p, "--out", str(tmp_path / "o")]) == 2
    assert "unknown method 'sigmoid'" in capsys.readouterr().err


@needs_shared
def test_unknown_parameter_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _pipeline(tmp_path, _inputs() + "steps:\n  - impute: {method: mean, grup: x}\n")
    assert main(["run", p, "--out", str(tmp_path / "o")]) == 2
    assert "unknown parameter(s) grup" in capsys.readouterr().err


def test_missing_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    assert "usage" in capsys.readouterr().err


@needs_shared
def test_python_dash_m_runs_a_partial_pipeline(tmp_path: Path) -> None:
    p = _pipeline(tmp_path, _inputs() + "steps:\n  - denominate: {}\n")
    out = tmp_path / "o"
    proc = subprocess.run([sys.executable, "-m", "chiso.index", "run", p, "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert sorted(f.name for f in out.iterdir()) == ["Denominated.csv", "Raw.csv"]
