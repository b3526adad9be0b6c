"""Pipeline files (INDEX_PIPELINE.md): read, validate, run, write the data sets.

A pipeline names its inputs (``data`` + ``meta`` CSV files, or one ``workbook``) and a list
of steps, each a one-key mapping ``{step: {parameters}}``. Everything is validated before the
first step runs and before anything is written, so a bad file fails as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .coin import STEP_OUTPUT, Coin
from .errors import PipelineError
from .io import read_table, read_workbook, write_csv, write_dataset_csv

__all__ = ["load_coinr_tables", "load_pipeline", "run_pipeline", "write_outputs"]

# Parameters each step accepts; anything else is reported, so typos do not pass silently.
STEP_PARAMS: dict[str, set[str]] = {
    "denominate": set(),
    "impute": {"method", "group"},
    "screen": {"min_availability"},
    "treat": {"method", "max_points", "skew", "kurtosis", "fallback"},
    "normalise": {"method", "range", "mean", "sd", "lower", "upper", "scale", "trunc", "cap",
                  "use_meta"},
    "aggregate": {"method", "p", "min_availability"},
}


def load_coinr_tables(
    data: str | Path | None = None,
    meta: str | Path | None = None,
    workbook: str | Path | None = None,
) -> Coin:
    """A new coin from COINr tables: ``data`` and ``meta`` CSV files, or one ``workbook``
    (sheets ``iData`` and ``iMeta``)."""
    if workbook is not None:
        data_rows, meta_rows = read_workbook(workbook)
    elif data is not None and meta is not None:
        data_rows, meta_rows = read_table(data), read_table(meta)
    else:
        raise PipelineError("Give either data and meta files or a workbook")
    return Coin.from_tables(data_rows, meta_rows)


def load_pipeline(path: str | Path) -> dict[str, Any]:
    """Read and validate a pipeline file; returns the spec with paths made absolute."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PipelineError(f"Cannot read pipeline file {path}: {exc.strerror or exc}") from None
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PipelineError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise PipelineError(f"{path}: the pipeline must be a YAML mapping with data/meta/steps")
    return validate_spec(spec, base_dir=path.parent, where=str(path))


def validate_spec(spec: Mapping[str, Any], base_dir: Path = Path("."),
                  where: str = "pipeline") -> dict[str, Any]:
    """Check the keys, inputs and steps of a pipeline spec (a parsed YAML mapping)."""
    unknown = set(spec) - {"data", "meta", "workbook", "steps"}
    if unknown:
        raise PipelineError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    out: dict[str, Any] = {}
    if "workbook" in spec:
        if "data" in spec or "meta" in spec:
            raise PipelineError(f"{where}: give either workbook or data + meta, not both")
        out["workbook"] = base_dir / str(spec["workbook"])
    else:
        for key in ("data", "meta"):
            if not spec.get(key):
                raise PipelineError(f"{where}: '{key}' (a CSV file) is missing")
            out[key] = base_dir / str(spec[key])
    steps = spec.get("steps") or []
    if not isinstance(steps, list):
        raise PipelineError(f"{where}: 'steps' must be a list")
    parsed = []
    for i, item in enumerate(steps, start=1):
        if isinstance(item, str):
            item = {item: {}}
        if not isinstance(item, dict) or len(item) != 1:
            raise PipelineError(f"{where}: step {i} must be a mapping with one step name")
        (name, params), = item.items()
        if name not in STEP_PARAMS:
            raise PipelineError(
                f"{where}: step {i}: unknown step '{name}' "
                f"(use one of {', '.join(STEP_PARAMS)})"
            )
        params = {} if params is None else params
        if not isinstance(params, dict):
            raise PipelineError(f"{where}: step {i} ({name}): parameters must be a mapping")
        extra = set(params) - STEP_PARAMS[name]
        if extra:
            raise PipelineError(
                f"{where}: step {i} ({name}): unknown parameter(s) {', '.join(sorted(extra))}"
            )
        parsed.append((name, dict(params)))
    out["steps"] = parsed
    return out


def run_pipeline(pipeline: str | Path | Mapping[str, Any], out_dir: str | Path | None = None,
                 base_dir: str | Path | None = None) -> Coin:
    """Run a pipeline file (or an already parsed spec) and return the coin.

    With ``out_dir``, writes ``Raw.csv``, one CSV per step's data set and ``results.csv``.
    """
    if isinstance(pipeline, Mapping):
        spec = validate_spec(pipeline, base_dir=Path(base_dir or "."))
    else:
        spec = load_pipeline(pipeline)
    coin = load_coinr_tables(spec.get("data"), spec.get("meta"), spec.get("workbook"))
    for name, params in spec["steps"]:
        try:
            getattr(coin, name)(**params)
        except TypeError as exc:  # wrong parameter type slipping through
            raise PipelineError(f"step {name}: {exc}") from None
    if out_dir is not None:
        write_outputs(coin, out_dir)
    return coin


def write_outputs(coin: Coin, out_dir: str | Path) -> list[Path]:
    """Write every data set of ``coin`` and, if aggregated, ``results.csv``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ["Raw", *STEP_OUTPUT.values()]:
        if name not in coin.data:
            continue
        ds = coin.data[name]
        keys = [(t, n) for t, n in coin.row_order() if ds.present[t, n]]
        path = out / f"{name}.csv"
        write_dataset_csv(path, ds.values, ds.codes, keys, coin.units, coin.times)
        written.append(path)
    if "Aggregated" in coin.data:
        res = coin.results()
        path = out / "results.csv"
        write_csv(path, res.header(), res.rows())
        written.append(path)
    return written
