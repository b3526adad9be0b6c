"""Reading COINr tables (iData, iMeta) and writing data sets as CSV.

Tables are read into lists of dicts: ``NA`` and empty cells become ``None``, cells that read
as numbers become floats, everything else stays text. CSV via the standard library; Excel
via openpyxl in read-only mode (one workbook with sheets ``iData`` and ``iMeta``).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import IndexDataError

__all__ = ["read_table", "read_workbook", "write_csv", "write_dataset_csv"]

_MISSING = {"", "NA", "NaN", "nan", "N/A", "#N/A", "NULL"}
Row = dict[str, object]


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        f = float(value)
        return None if math.isnan(f) else f
    text = str(value).strip()
    if text in _MISSING:
        return None
    try:
        f = float(text)
    except ValueError:
        return text
    return None if math.isnan(f) else f


def _rows(header: Sequence[object], body: Sequence[Sequence[object]], where: str) -> list[Row]:
    names = [str(h).strip() if h is not None else "" for h in header]
    if not names or any(not n for n in names):
        raise IndexDataError(f"{where}: the header row has an empty column name")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise IndexDataError(f"{where}: duplicate column names: {', '.join(dup)}")
    out = []
    for line in body:
        if all(v is None or str(v).strip() == "" for v in line):
            continue
        if len(line) > len(names):
            raise IndexDataError(f"{where}: a row has more cells than the header: {list(line)!r}")
        cells = list(line) + [None] * (len(names) - len(line))
        out.append({n: _cell(v) for n, v in zip(names, cells, strict=True)})
    return out


def read_table(path: str | Path) -> list[Row]:
    """Read a CSV file (comma separated, UTF-8 with or without BOM) into rows."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            lines = list(csv.reader(fh))
    except OSError as exc:
        raise IndexDataError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if not lines:
        raise IndexDataError(f"{path}: the file is empty")
    return _rows(lines[0], lines[1:], str(path))


def read_workbook(path: str | Path) -> tuple[list[Row], list[Row]]:
    """Read sheets ``iData`` and ``iMeta`` of an Excel workbook."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise IndexDataError(f"Cannot read workbook {path}: {exc}") from None
    try:
        for sheet in ("iData", "iMeta"):
            if sheet not in wb.sheetnames:
                raise IndexDataError(f"{path}: no sheet named {sheet} (found {wb.sheetnames})")
        tables = []
        for sheet in ("iData", "iMeta"):
            lines = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
            if not lines:
                raise IndexDataError(f"{path}: sheet {sheet} is empty")
            tables.append(_rows(lines[0], lines[1:], f"{path}:{sheet}"))
    finally:
        wb.close()
    return tables[0], tables[1]


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        f = float(value)
        # repr gives the shortest string that reads back to the same double.
        return "" if math.isnan(f) else repr(f)
    return str(value)


def write_csv(path: str | Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Write rows with full float precision; missing values (None/NaN) as empty cells."""
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow([_fmt(v) for v in row])


def write_dataset_csv(
    path: str | Path,
    values: np.ndarray,
    codes: Sequence[str],
    row_keys: Sequence[tuple[int, int]],
    units: Sequence[str],
    times: Sequence[object] | None,
) -> None:
    """Write (periods, units, columns) ``values`` with one line per (period, unit) in
    ``row_keys`` order: ``uCode``, ``Time`` when there is a panel, then the columns."""
    header = ["uCode"] + (["Time"] if times is not None else []) + list(codes)
    lines = []
    for t, n in row_keys:
        lead: list[object] = [units[n]] + ([times[t]] if times is not None else [])
        lines.append(lead + values[t, n].tolist())
    write_csv(path, header, lines)
