"""Reading COINr tables from CSV and from one Excel workbook; writing data sets."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from chiso.index import IndexDataError, load_coinr_tables
from chiso.index.io import read_table, write_dataset_csv

DATA = [["uCode", "uName", "grp", "Pop", "a", "b"],
        ["X", "Ex", "g1", 10, 1, 5],
        ["Y", "Why", "g1", 20, "NA", 6],
        ["Z", "Zed", "g2", 40, 3, None]]
META = [["Level", "iCode", "iName", "Direction", "Weight", "Denominator", "Parent", "Type"],
        [1, "a", "A", 1, 1, "Pop", "T|U", "Indicator"],
        [1, "b", "B", -1, 2, None, "T", "Indicator"],
        [2, "T", "Top", 1, 1, None, None, "Aggregate"],
        [2, "U", "Other", 1, 1, None, None, "Aggregate"],
        [None, "grp", "Group", None, None, None, None, "Group"],
        [None, "Pop", "Population", None, None, None, None, "Denominator"]]


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(["NA" if v is None else v for v in r] for r in rows)
    return path


def test_csv_tables_give_a_coin_with_groups_denominators_and_multi_parents(tmp_path: Path) -> None:
    coin = load_coinr_tables(_write_csv(tmp_path / "d.csv", DATA),
                             _write_csv(tmp_path / "m.csv", META))
    assert coin.units == ["X", "Y", "Z"] and coin.times is None
    assert coin.framework.children["U"] == [("a", 1.0)]
    assert list(coin.groups["grp"][0]) == ["g1", "g1", "g2"]
    np.testing.assert_array_equal(coin.denominators["Pop"][0], [10, 20, 40])
    assert np.isnan(coin.raw[0, 1, 0]) and np.isnan(coin.raw[0, 2, 1])


def test_an_excel_workbook_gives_the_same_coin(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "iData"
    for row in DATA:
        wb["iData"].append(row)
    ws = wb.create_sheet("iMeta")
    for row in META:
        ws.append(row)
    wb.save(tmp_path / "coin.xlsx")
    from_xlsx = load_coinr_tables(workbook=tmp_path / "coin.xlsx")
    from_csv = load_coinr_tables(_write_csv(tmp_path / "d.csv", DATA),
                                 _write_csv(tmp_path / "m.csv", META))
    np.testing.assert_array_equal(from_xlsx.raw, from_csv.raw)
    assert from_xlsx.framework.columns == from_csv.framework.columns


def test_a_missing_sheet_is_named(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "iData"
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(IndexDataError, match="no sheet named iMeta"):
        load_coinr_tables(workbook=tmp_path / "bad.xlsx")


def test_a_text_value_in_an_indicator_names_row_and_column(tmp_path: Path) -> None:
    rows = [r[:] for r in DATA]
    rows[2][4] = "abc"
    with pytest.raises(IndexDataError, match=r"row 3 \(Y\), column a: not a number"):
        load_coinr_tables(_write_csv(tmp_path / "d.csv", rows), _write_csv(tmp_path / "m.csv",
                                                                          META))


def test_written_csv_keeps_full_precision_and_leaves_missing_empty(tmp_path: Path) -> None:
    values = np.array([[[0.1 + 0.2, np.nan], [1 / 3, 2.0]]])
    path = tmp_path / "out.csv"
    write_dataset_csv(path, values, ["a", "b"], [(0, 0), (0, 1)], ["X", "Y"], None)
    rows = read_table(path)
    assert rows[0] == {"uCode": "X", "a": 0.30000000000000004, "b": None}
    assert rows[1]["a"] == 1 / 3
    assert path.read_text().splitlines()[1] == "X,0.30000000000000004,"
