"""A corpus of bad files: each is refused with a message naming the row and the column,
and nothing is written (not even periods created for the file)."""

import csv
import io
import zipfile

import pytest

from chiso.metrics import tabular
from chiso.metrics.intake import import_file
from chiso.metrics.models import DataValue, DataValueChange, Period

from .intake_helpers import HEADER, csv_file, xlsx_file

GOOD = ["C1", "CHI_CDS", "2022", "10", "", "", ""]


def refused(file, name, user, *expected):
    result = import_file(file, name, user=user)
    messages = [str(e) for e in result.errors]
    assert not result.ok
    for text in expected:
        assert any(text in m for m in messages), messages
    assert not DataValue.objects.exists() and not DataValueChange.objects.exists()
    return messages


@pytest.mark.parametrize("row,expected", [
    (["C1", "CHI_CDS", "2023", "mười", "", "", ""], "Dòng 3, cột “Giá trị”: “mười”"),
    (["C1", "HS_TT", "2023-01", "2,5", "", "", ""], "Dòng 3, cột “Giá trị”"),
    (["XX", "CHI_CDS", "2023", "1", "", "", ""], "Dòng 3, cột “Mã đơn vị”: Không có đơn vị mã “XX”"),
    (["C1", "NOPE", "2023", "1", "", "", ""], "Dòng 3, cột “Mã chỉ tiêu”: Không có chỉ tiêu mã “NOPE”"),
    (["C1", "CHI_CDS", "2023Q5", "1", "", "", ""], "Dòng 3, cột “Kỳ”"),
    (["C1", "TTHC_TT", "2023Q1", "", "45", "40", ""], "Dòng 3, cột “Tử số”: Tử số (45) lớn hơn mẫu số (40)"),
    (["C1", "CHI_CDS", "2023", "5000", "", "", ""], "Dòng 3, cột “Giá trị”"),
    (["C1", "CO_CONG", "2023", "có lẽ", "", "", ""], "Dòng 3, cột “Giá trị”"),
    (GOOD, "Dòng 3: Trùng với dòng 2"),
])
def test_bad_rows_are_named_and_nothing_is_written(metrics, people, row, expected):
    for file, name in ((csv_file([GOOD, row]), "a.csv"), (xlsx_file([GOOD, row]), "a.xlsx")):
        refused(file, name, people["reporter"], expected)
    assert not Period.objects.exists()


def test_every_error_is_reported_not_only_the_first(metrics, people):
    rows = [["C1", "CHI_CDS", "2023", "x"], ["C1", "TTHC_TT", "2023Q1", "", "5", "4"],
            ["ZZ", "CHI_CDS", "2023", "1"]]
    messages = refused(csv_file(rows), "a.csv", people["reporter"], "Dòng 2", "Dòng 3", "Dòng 4")
    assert len(messages) == 3


def test_an_empty_file_and_an_empty_sheet(metrics, people):
    refused(io.BytesIO(b""), "a.csv", people["reporter"], "Tệp rỗng")
    refused(csv_file([]), "a.csv", people["reporter"], "không có dòng số liệu")
    refused(xlsx_file([]), "a.xlsx", people["reporter"], "không có dòng số liệu")
    refused(xlsx_file([], header=[]), "a.xlsx", people["reporter"], "không có trang tính")


def test_a_missing_column_is_named(metrics, people):
    refused(csv_file([GOOD], header=["Mã đơn vị", "Kỳ", "Giá trị"]), "a.csv",
            people["reporter"], "Thiếu cột: “Mã chỉ tiêu”")


def test_a_corrupted_xlsx(metrics, people):
    data = xlsx_file([GOOD]).getvalue()
    refused(io.BytesIO(data[: len(data) // 2]), "a.xlsx", people["reporter"], "bị hỏng")
    # a valid zip that is not a workbook
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "xin chào")
    refused(io.BytesIO(buffer.getvalue()), "a.xlsx", people["reporter"], "bị hỏng")


def test_a_formula_is_refused_not_evaluated(metrics, people):
    file = xlsx_file([["C1", "CHI_CDS", "2023", "=2+3"]])
    refused(file, "a.xlsx", people["reporter"], "Dòng 2, cột “Giá trị”: Ô chứa công thức (=2+3)")


def test_a_file_over_the_size_limit_is_refused_before_parsing(metrics, people, tmp_path,
                                                              monkeypatch):
    path = tmp_path / "lon.csv"
    with open(path, "wb") as f:
        f.write((",".join(HEADER) + "\n").encode())
        line = b"C1,CHI_CDS,2023,1,,,\n"
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert path.stat().st_size > tabular.MAX_BYTES

    def boom(*args, **kwargs):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(tabular, "_read_csv", boom)
    with open(path, "rb") as f:
        refused(f, "lon.csv", people["reporter"], "Tệp quá lớn")


def test_a_zip_bomb_is_refused(metrics, people, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 1000)
    refused(xlsx_file([GOOD] * 50), "a.xlsx", people["reporter"], "giải nén ra quá lớn")


def test_a_csv_not_in_utf8(metrics, people):
    data = ("Mã đơn vị,Mã chỉ tiêu,Kỳ,Giá trị\nC1,CHI_CDS,2023,1\n").encode("utf-16")
    refused(io.BytesIO(data), "a.csv", people["reporter"], "UTF-8")


def test_csv_injection_is_kept_as_text_and_neutralised_on_export(metrics, people, tree):
    from openpyxl import load_workbook

    from chiso.metrics import export

    evil = ['=HYPERLINK("http://x","bấm")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    rows = [["C1", "CHI_CDS", str(2010 + i), "1", "", "", text] for i, text in enumerate(evil)]
    rows.append(["C1", "GHI_CHU", "2020", "=cmd|' /C calc'!A0"])
    assert import_file(csv_file(rows), "a.csv", user=people["reporter"]).ok
    values = export.values_for(tree["C1"].descendants(include_self=True))
    cells = [c for row in csv.reader(io.StringIO("".join(export.csv_lines(values))))
             for c in row]
    for bad in evil:
        if bad.strip():  # leading tabs and CRs are stripped on the way in
            assert "'" + bad.strip() in cells or bad.strip() in ("x",)
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    ws = load_workbook(io.BytesIO(export.xlsx_bytes(values))).worksheets[0]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert all(not str(c.value).startswith(("=", "+", "@")) for c in cells if isinstance(c.value, str))
    assert export.neutralise("-5 điểm") == "'-5 điểm" and export.neutralise("bình thường") == "bình thường"
