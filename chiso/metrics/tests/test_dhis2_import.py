"""DHIS2 dataValueSets JSON and CSV files are imported like our own files: codes as
identifiers, monthly periods `202407`, percentages as TU_SO / MAU_SO halves; and a corpus
of bad files is refused with the data value and field named, nothing written."""

import io
import json
from decimal import Decimal

import pytest

from chiso.metrics import dhis2, intake
from chiso.metrics.models import DataValue, DataValueChange, Source

GOOD = {
    "dataSet": "CDS_XA", "period": "2024", "orgUnit": "C1", "completeDate": "2024-12-31",
    "dataValues": [
        {"dataElement": "TTHC_TT", "period": "2024Q1", "categoryOptionCombo": "TU_SO",
         "value": "45", "comment": "Quý I"},
        {"dataElement": "TTHC_TT", "period": "2024Q1", "categoryOptionCombo": "MAU_SO",
         "value": "50", "storedBy": "dhis", "lastUpdated": "2024-04-02T10:00:00"},
        {"dataElement": "HS_TT", "period": "202401", "categoryOptionCombo": "default",
         "attributeOptionCombo": "HllvX50cXC0", "value": "1234"},
        {"dataElement": "CHI_CDS", "value": "1.234", "followup": False},
        {"dataElement": "CO_CONG", "value": "true"},
        {"dataElement": "MUC_DO", "value": "A"},
        {"dataElement": "GHI_CHU", "value": "1.2.3"},
    ],
}
CSV_TEXT = (
    "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,"
    "comment,followup\n"
    "TTHC_TT,2024Q1,C1,TU_SO,,45,dhis,2024-04-02,Quý I,false\n"
    "TTHC_TT,2024Q1,C1,MAU_SO,,50,dhis,2024-04-02,Quý I,false\n"
    "HS_TT,202401,C1,HllvX50cXC0,HllvX50cXC0,1234,dhis,2024-02-01,,false\n"
    "CHI_CDS,2024,C1,,,1.234,dhis,2025-01-05,,false\n"
    "CO_CONG,2024,C1,,,false,dhis,2025-01-05,,false\n"
)


def as_file(document) -> io.BytesIO:
    return io.BytesIO(json.dumps(document, ensure_ascii=False).encode())


def run(fileobj, name, user, **kw):
    return intake.import_file(fileobj, name, user=user, **kw)


def stored():
    return {(dv.metric.code, dv.period.code): dv for dv in
            DataValue.objects.select_related("metric", "period")}


def test_a_json_document_imports_every_value_type(people, metrics):
    result = run(as_file(GOOD), "dhis2.json", people["reporter"])
    assert result.ok, [str(e) for e in result.errors]
    assert (result.fmt, result.created, result.updated) == ("dhis2-json", 6, 0)
    values = stored()
    rate = values[("TTHC_TT", "2024Q1")]
    assert (rate.numerator, rate.denominator, rate.value) == (45, 50, Decimal(90))
    assert rate.comment == "Quý I" and rate.source == Source.API
    assert values[("HS_TT", "2024-01")].value == 1234
    # DHIS2 writes numbers in machine notation: 1.234 is one and a bit, not 1234.
    assert values[("CHI_CDS", "2024")].value == Decimal("1.234")
    assert values[("CO_CONG", "2024")].value == 1
    assert values[("MUC_DO", "2024")].text == "A"
    assert values[("GHI_CHU", "2024")].text == "1.2.3"
    assert DataValueChange.objects.filter(changed_by=people["reporter"]).count() == 6


def test_a_dhis2_csv_file_imports_with_its_own_header(people, metrics):
    result = run(io.BytesIO(CSV_TEXT.encode()), "export.csv", people["reporter"])
    assert result.ok, [str(e) for e in result.errors]
    assert (result.fmt, result.created) == ("dhis2-csv", 4)
    values = stored()
    assert values[("TTHC_TT", "2024Q1")].value == 90
    assert values[("TTHC_TT", "2024Q1")].comment == "Quý I"  # the same on both halves: once
    assert values[("CHI_CDS", "2024")].value == Decimal("1.234")
    assert values[("CO_CONG", "2024")].value == 0
    assert values[("HS_TT", "2024-01")].source == Source.CSV


def test_the_old_csv_header_without_attribute_combo_is_read_by_name(people, metrics):
    text = ('"dataelelement","period","orgunit","categoryoptioncombo","value","storedby",'
            '"timestamp","comment","followup"\n"HS_TT","202402","C1","","7","x","2024-03-01",,'
            '"false"\n')
    result = run(io.BytesIO(text.encode()), "old.csv", people["reporter"])
    assert result.ok, [str(e) for e in result.errors]
    assert stored()[("HS_TT", "2024-02")].value == 7


def test_a_dry_run_counts_and_writes_nothing(people, metrics):
    result = run(as_file(GOOD), "dhis2.json", people["reporter"], dry_run=True)
    assert result.ok and result.dry_run and result.created == 6
    assert not DataValue.objects.exists()


def test_our_own_csv_is_still_read_as_ours(people, metrics):
    text = "Mã đơn vị,Mã chỉ tiêu,Kỳ,Giá trị\nC1,HS_TT,2024-03,12\n"
    result = run(io.BytesIO(text.encode()), "ours.csv", people["reporter"])
    assert result.ok and result.fmt == "csv"
    assert stored()[("HS_TT", "2024-03")].value == 12


def test_periods_convert_both_ways():
    assert dhis2.period_from_dhis2("202407") == "2024-07"
    assert dhis2.period_from_dhis2("2024Q3") == dhis2.period_to_dhis2("2024Q3") == "2024Q3"
    assert dhis2.period_from_dhis2("2024S1") == "2024S1"
    assert dhis2.period_to_dhis2("2024-07") == "202407"
    for unsupported in ("2024W3", "20240105", "2024April", "202413"):
        with pytest.raises(ValueError, match="202407"):
            dhis2.period_from_dhis2(unsupported)


# --- the corpus of bad files ---------------------------------------------------------------
def one(item: dict) -> dict:
    return {"orgUnit": "C1", "dataValues": [{"dataElement": "HS_TT", "period": "202401",
                                              "value": "5"}, item]}


BAD = [
    # (what, file content, expected fragments of the first error)
    ("invalid json", b'{"dataValues": [\n  {"dataElement": "HS_TT",,}\n]}',
     ["JSON không hợp lệ ở dòng 2, cột"]),
    ("not an object", b"[1, 2]", ["đối tượng dataValueSets"]),
    ("no dataValues", b'{"dataSet": "X"}', ["thiếu trường “dataValues”"]),
    ("dataValues not a list", b'{"dataValues": {"a": 1}}', ["“dataValues” phải là một danh sách"]),
    ("empty dataValues", b'{"dataValues": []}', ["không có giá trị nào"]),
    ("value not an object", as_file(one("HS_TT")).getvalue(),
     ["Giá trị thứ 2 (dataValues[1]): Phải là một đối tượng JSON"]),
    ("unknown data element", as_file(one({"dataElement": "NOPE", "period": "2024",
                                          "value": "1"})).getvalue(),
     ["Giá trị thứ 2 (dataValues[1]), trường “dataElement”", "“NOPE”"]),
    ("unknown org unit", as_file(one({"dataElement": "CHI_CDS", "orgUnit": "ZZ",
                                      "period": "2024", "value": "1"})).getvalue(),
     ["trường “orgUnit”", "“ZZ”"]),
    ("bad period", as_file(one({"dataElement": "HS_TT", "period": "2024W05",
                                "value": "1"})).getvalue(),
     ["Giá trị thứ 2 (dataValues[1]), trường “period”", "2024W05", "202407"]),
    ("wrong type of code", as_file(one({"dataElement": 12, "period": "2024",
                                        "value": "1"})).getvalue(),
     ["trường “dataElement”: Phải là chuỗi ký tự"]),
    ("missing data element", as_file(one({"period": "2024", "value": "1"})).getvalue(),
     ["trường “dataElement”: Chưa có"]),
    ("value is a list", as_file(one({"dataElement": "HS_TT", "period": "202402",
                                     "value": [1]})).getvalue(),
     ["trường “value”: Phải là chuỗi, số hoặc true/false"]),
    ("not a number", as_file(one({"dataElement": "HS_TT", "period": "202402",
                                  "value": "năm"})).getvalue(),
     ["Giá trị thứ 2 (dataValues[1]), trường “value”", "năm"]),
    ("numerator over denominator", as_file({"orgUnit": "C1", "period": "2024Q1", "dataValues": [
        {"dataElement": "TTHC_TT", "categoryOptionCombo": "TU_SO", "value": "60"},
        {"dataElement": "TTHC_TT", "categoryOptionCombo": "MAU_SO", "value": "50"}]}).getvalue(),
     ["Giá trị thứ 1 (dataValues[0]), trường “value”", "lớn hơn mẫu số"]),
    ("a missing half", as_file({"orgUnit": "C1", "period": "2024Q1", "dataValues": [
        {"dataElement": "TTHC_TT", "categoryOptionCombo": "TU_SO", "value": "40"}]}).getvalue(),
     ["Giá trị thứ 1 (dataValues[0]), trường “categoryOptionCombo”", "thiếu mẫu số (“MAU_SO”)"]),
    ("an unknown combo", as_file(one({"dataElement": "HS_TT", "period": "202402", "value": "1",
                                      "categoryOptionCombo": "NAM"})).getvalue(),
     ["trường “categoryOptionCombo”", "“NAM” không được hỗ trợ"]),
    ("an attribute combo", as_file(one({"dataElement": "HS_TT", "period": "202402", "value": "1",
                                        "attributeOptionCombo": "DONOR"})).getvalue(),
     ["trường “attributeOptionCombo”", "“DONOR”"]),
    ("a duplicate", as_file(one({"dataElement": "HS_TT", "period": "2024-01",
                                 "value": "6"})).getvalue(),
     ["Giá trị thứ 2 (dataValues[1])", "trùng với giá trị thứ 1"]),
    ("a deletion", as_file(one({"dataElement": "HS_TT", "period": "202402", "value": "1",
                                "deleted": True})).getvalue(),
     ["trường “deleted”", "không dùng để xóa"]),
    ("csv unknown code", (b"dataelement,period,orgunit,catoptcombo,attroptcombo,value\n"
                          b"HS_TT,202401,C1,,,4\nNOPE,202401,C1,,,4\n"),
     ["Dòng 3, cột “dataelement”", "“NOPE”"]),
    ("csv bad period", (b"dataelement,period,orgunit,catoptcombo,attroptcombo,value\n"
                        b"HS_TT,2024-1,C1,,,4\n"),
     ["Dòng 2, cột “period”", "2024-1"]),
    ("csv missing value column", b"dataelement,period,orgunit,catoptcombo\nHS_TT,202401,C1,\n",
     ["thiếu cột: value"]),
    ("csv formula in a value", (b"dataelement,period,orgunit,catoptcombo,attroptcombo,value\n"
                                b"HS_TT,202401,C1,,,=1+2\n"),
     ["Dòng 2, cột “value”"]),
]


@pytest.mark.parametrize("what,content,fragments", BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_refused_naming_the_value_and_field(people, metrics, what, content,
                                                          fragments):
    name = "bad.csv" if what.startswith("csv") else "bad.json"
    result = run(io.BytesIO(content), name, people["admin"])
    assert not result.ok
    text = str(result.errors[0])
    for fragment in fragments:
        assert fragment.lower() in text.lower(), (what, [str(e) for e in result.errors])
    assert not DataValue.objects.exists()
    assert not DataValueChange.objects.exists()


def test_every_problem_is_reported_not_only_the_first(people, metrics):
    document = {"orgUnit": "C1", "dataValues": [
        {"dataElement": "NOPE", "period": "2024", "value": "1"},
        {"dataElement": "HS_TT", "period": "2024X", "value": "1"},
        {"dataElement": "CHI_CDS", "period": "2024", "value": "rất nhiều"},
    ]}
    result = run(as_file(document), "x.json", people["admin"])
    assert [e.row for e in result.errors] == [1, 2, 3]


def test_another_units_values_are_refused_for_a_reporter(people, metrics):
    document = {"period": "2024", "dataValues": [
        {"dataElement": "CHI_CDS", "orgUnit": "C1", "value": "1"},
        {"dataElement": "CHI_CDS", "orgUnit": "C3", "value": "1"}]}
    result = run(as_file(document), "x.json", people["reporter"])
    assert not result.ok
    assert [(e.row, e.code) for e in result.errors] == [(2, "permission")]
    assert "Giá trị thứ 2 (dataValues[1])" in str(result.errors[0])
    assert not DataValue.objects.exists()


def test_the_upload_pages_reader_recognises_dhis2_files(people, metrics):
    """`intake.import_file` (the upload page, the background import) reads through
    `tabular.read_table`, which recognises DHIS2 JSON and CSV."""
    from chiso.metrics.intake import import_file

    result = import_file(as_file(GOOD), "tu-dhis2.json", user=people["reporter"])
    assert result.ok and result.created == 6
    result = import_file(io.BytesIO(CSV_TEXT.encode()), "tu-dhis2.csv", user=people["reporter"])
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 1, 3)
