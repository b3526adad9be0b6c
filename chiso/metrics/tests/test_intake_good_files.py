"""Good CSV and XLSX files are imported, with history, and round-trip through export."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from chiso.metrics import export
from chiso.metrics.intake import import_file
from chiso.metrics.models import DataValue, DataValueChange, Metric, Source

from .intake_helpers import csv_file, xlsx_file

ROWS = [
    ["C1", "TTHC_TT", "2024Q1", "", "45", "50", "Quý I"],
    ["C1", "HS_TT", "2024-01", "1.234", "", "", ""],
    ["C1", "CHI_CDS", "2024", "12,5", "", "", ""],
    ["C1", "CO_CONG", "2024", "Có", "", "", ""],
    ["C1", "MUC_DO", "2024", "A", "", "", ""],
]
# A negative number stays a number; a text that looks like a number or a formula stays text.
TRICKY = [
    ["C1", "CHI_CDS", "2023", "-5", "", "", ""],
    ["C1", "GHI_CHU", "2023", "007", "", "", ""],
    ["C1", "GHI_CHU", "2024", "=1+1", "", "", ""],
]


def import_with_tricky_values(metrics, people):
    Metric.objects.filter(pk=metrics["number"].pk).update(min_value=-1000)
    result = import_file(csv_file(ROWS + TRICKY), "a.csv", user=people["reporter"])
    assert result.ok, [str(e) for e in result.errors]
    return snapshot()


def snapshot():
    return {(dv.metric.code, dv.period.code): (dv.value, dv.text, dv.version)
            for dv in DataValue.objects.select_related("metric", "period")}


def test_a_csv_file_is_imported_with_history(metrics, people):
    result = import_file(csv_file(ROWS), "a.csv", user=people["reporter"])
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (5, 0)
    rate = DataValue.objects.get(metric=metrics["rate"])
    assert rate.value == 90 and rate.source == Source.CSV and rate.comment == "Quý I"
    assert DataValue.objects.get(metric=metrics["count"]).value == 1234  # 1.234 is … one
    assert DataValue.objects.get(metric=metrics["number"]).value == 12.5
    assert DataValue.objects.get(metric=metrics["choice"]).text == "A"
    assert DataValueChange.objects.count() == 5


def test_a_csv_with_semicolons_and_english_headers(metrics, people):
    header = ["unit", "metric", "period", "value", "numerator", "denominator", "comment"]
    result = import_file(csv_file(ROWS[:1], header=header, sep=";"), "a.csv",
                         user=people["reporter"])
    assert result.ok and result.created == 1


def test_an_xlsx_with_typed_numbers(metrics, people):
    rows = [["C1", "TTHC_TT", "2024Q1", None, 45, 50, None], ["C1", "CHI_CDS", "2024", 7.25]]
    result = import_file(xlsx_file(rows), "a.xlsx", user=people["reporter"])
    assert result.ok and result.created == 2
    assert DataValue.objects.get(metric=metrics["number"]).source == Source.EXCEL


def test_reimporting_changes_only_what_changed(metrics, people):
    assert import_file(csv_file(ROWS), "a.csv", user=people["reporter"]).ok
    changed = [list(r) for r in ROWS]
    changed[0][4] = "40"
    result = import_file(csv_file(changed), "a.csv", user=people["reporter"])
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    rate = DataValue.objects.get(metric=metrics["rate"])
    assert rate.version == 2 and rate.value == 80
    last = rate.changes.first()
    assert last.old["numerator"] == "45"


def test_dry_run_writes_nothing(metrics, people):
    result = import_file(csv_file(ROWS), "a.csv", user=people["reporter"], dry_run=True)
    assert result.ok and result.created == 5
    assert not DataValue.objects.exists()


def test_csv_export_round_trips(metrics, people, tree):
    before = import_with_tricky_values(metrics, people)
    assert before[("CHI_CDS", "2023")][0] == -5 and before[("GHI_CHU", "2023")][1] == "007"
    text = "".join(export.csv_lines(export.values_for(tree["C1"].descendants(include_self=True))))
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert "-5" in cells and "'-5" not in cells  # a number, not neutralised text
    assert "007" in cells and "'=1+1" in cells and "=1+1" not in cells
    again = import_file(io.BytesIO(text.encode("utf-8")), "x.csv", user=people["reporter"])
    assert again.ok, [str(e) for e in again.errors]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert snapshot() == before


def test_xlsx_export_round_trips(metrics, people, tree):
    before = import_with_tricky_values(metrics, people)
    data = export.xlsx_bytes(export.values_for(tree["C1"].descendants(include_self=True)))
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    value = {(r[2].value, r[4].value): r[5] for r in ws.iter_rows(min_row=2)}
    assert value[("CHI_CDS", "2023")].value == -5
    assert value[("CHI_CDS", "2023")].data_type == "n"
    assert (value[("GHI_CHU", "2023")].value, value[("GHI_CHU", "2023")].data_type) == ("007", "s")
    assert (value[("GHI_CHU", "2024")].value, value[("GHI_CHU", "2024")].data_type) == ("'=1+1", "s")
    assert value[("MUC_DO", "2024")].data_type == "s" and value[("CO_CONG", "2024")].value == "Có"
    again = import_file(io.BytesIO(data), "x.xlsx", user=people["reporter"])
    assert again.ok, [str(e) for e in again.errors]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert snapshot() == before


def test_the_template_lists_the_units_metrics_with_hidden_versions(metrics, people, tree, q1):
    assert import_file(csv_file(ROWS[:2]), "a.csv", user=people["reporter"]).ok
    data = export.template_bytes(tree["C1"], q1)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert ws.column_dimensions["J"].hidden
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    # the quarterly rate once, the monthly count for each of three months
    assert [(r[2], r[4]) for r in rows] == [("HS_TT", "2024-01"), ("HS_TT", "2024-02"),
                                          ("HS_TT", "2024-03"), ("TTHC_TT", "2024Q1")]
    assert rows[0][5] == 1234 and rows[0][9] == 1 and rows[1][9] == 0
    # filled in and sent back as is
    again = import_file(io.BytesIO(data), "mau.xlsx", user=people["reporter"])
    assert not again.ok  # the blank rows have no values: told, row by row
    assert any("Dòng 4" in str(e) for e in again.errors)


def test_a_value_changed_since_the_template_was_issued_is_a_conflict(metrics, people, tree, q1):
    from chiso.metrics import services

    assert import_file(csv_file(ROWS[:1]), "a.csv", user=people["reporter"]).ok
    data = export.template_bytes(tree["C1"], q1)
    services.save_value(metrics["rate"], tree["C1"], q1, {"numerator": 1, "denominator": 2},
                        user=people["admin"])
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    ws.delete_rows(2, 3)  # keep only the rate's row
    ws["G2"] = 30
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = import_file(buffer, "mau.xlsx", user=people["reporter"])
    assert not result.ok
    assert "admin_p1" in str(result.errors[0]) and "phiên bản 2" in str(result.errors[0])
    assert DataValue.objects.get(metric=metrics["rate"]).numerator == 1


def test_three_decimals_survive_the_csv_round_trip(metrics, people, tree):
    """`12.345` would read back as twelve thousand the Vietnamese way: CSV uses `12,345`."""
    assert import_file(csv_file([["C1", "CHI_CDS", "2024", "12,345"]]), "a.csv",
                       user=people["reporter"]).ok
    text = "".join(export.csv_lines(export.values_for(tree["C1"].descendants(include_self=True))))
    assert '"12,345"' in text
    again = import_file(io.BytesIO(text.encode("utf-8")), "x.csv", user=people["reporter"])
    assert again.ok and again.unchanged == 1
    assert DataValue.objects.get().value == Decimal("12.345")
