"""XLSX files are read by python-calamine, or by openpyxl when they hold a formula; both
readers give the same rows, with Excel's row numbers."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from chiso.metrics import export, tabular
from chiso.metrics.intake import import_file
from chiso.metrics.tabular import read_table, to_text

from .intake_helpers import HEADER


def awkward_workbook() -> bytes:
    """An instructions sheet, blank lines above the header, an unknown column, a short
    row, a blank row in the middle, numbers, text and a date."""
    wb = Workbook()
    notes = wb.active
    notes.title = "Hướng dẫn"
    notes["A1"] = "Nhập số liệu ở trang tính bên cạnh."
    ws = wb.create_sheet("Số liệu")
    ws.append([])
    ws.append([])
    ws.append(HEADER[:3] + ["Cột riêng"] + HEADER[3:])
    ws.append(["C1", "TTHC_TT", "2024Q1", "ghi tay", None, 45, 50, "Quý I"])
    ws.append([])
    ws.append(["C1", "CHI_CDS", "2024", None, 12.5])
    ws.append(["C1", "GHI_CHU", "2024", None, "007", None, None, dt.date(2024, 3, 1)])
    ws.append([1, "HS_TT", "2024-01", None, 1234])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rows_of(table):
    return [(r.line, r.sheet, {k: to_text(day(v)) for k, v in r.cells.items()})
            for r in table.rows]


def day(value):
    """openpyxl gives a date cell as a datetime at midnight, calamine as a date."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def test_both_readers_give_the_same_rows_with_excel_line_numbers(monkeypatch):
    data = awkward_workbook()
    fast = read_table(io.BytesIO(data), "a.xlsx")
    monkeypatch.setattr(tabular, "_calamine_sheets", tabular._openpyxl_sheets)
    slow = read_table(io.BytesIO(data), "a.xlsx")
    assert rows_of(fast) == rows_of(slow)
    assert [line for line, _s, _c in rows_of(fast)] == [4, 6, 7, 8]
    assert rows_of(fast)[0][2] == {"unit": "C1", "metric": "TTHC_TT", "period": "2024Q1",
                                   "value": "", "numerator": "45", "denominator": "50",
                                   "comment": "Quý I"}
    assert rows_of(fast)[3][2]["unit"] == "1"  # a code typed as a number
    assert fast.rows[2].cells["comment"] == dt.date(2024, 3, 1)
    assert fast.columns == slow.columns


def test_a_file_without_formulas_never_reaches_openpyxl(metrics, people, tree, q1, monkeypatch):
    # The template has data validation lists (<formula1>): they are not formulas in cells.
    data = export.template_bytes(tree["C1"], q1)

    def refuse(_fileobj):
        raise AssertionError("openpyxl should not read a file without formulas")

    monkeypatch.setattr(tabular, "_openpyxl_sheets", refuse)
    result = import_file(io.BytesIO(data), "mau.xlsx", user=people["reporter"])
    messages = [str(e) for e in result.errors]
    assert not any("bị hỏng" in m for m in messages), messages
    assert any("Dòng 2" in m for m in messages)  # read: its blank values are reported


def test_a_formula_on_any_sheet_sends_the_file_to_openpyxl_which_names_the_cell(metrics, people):
    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append(HEADER)
    ws.append(["C1", "CHI_CDS", "2023", 5])
    other = wb.create_sheet("Tính nháp")
    other["B2"] = "=SUM(A1:A3)"
    ws2 = wb.create_sheet("Thêm")
    ws2.append(HEADER)
    ws2.append(["C1", "CHI_CDS", "2022", "=2+3"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = import_file(io.BytesIO(buffer.getvalue()), "a.xlsx", user=people["reporter"])
    assert not result.ok
    assert [str(e) for e in result.errors] == [
        "Trang tính “Thêm”, dòng 2, cột “Giá trị”: Ô chứa công thức (=2+3); hãy nhập giá trị, "
        "không dùng công thức."]


@pytest.mark.parametrize("xml, formula", [
    (b"<c r='A1'><f>1+1</f><v>2</v></c>", True),
    (b'<c r="A2"><f t="shared" si="0"/><v>3</v></c>', True),
    (b"<x:c><x:f>SUM(A1:A2)</x:f></x:c>", True),
    ("<dataValidation><formula1>\"Có,Không\"</formula1></dataValidation>".encode(), False),
    (b"<autoFilter ref='A1:C9'><filterColumn colId='0'/></autoFilter>", False),
    (b"<c r='A1' t='s'><v>0</v></c>", False),
])
def test_the_formula_scan_tells_cell_formulas_from_other_elements(xml, formula):
    assert bool(tabular._FORMULA.search(xml)) is formula
