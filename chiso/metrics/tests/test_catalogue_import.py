"""Catalogue import/export: a good file round-trips; a bad file writes nothing and names
the row and column."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chiso.metrics import catalogue
from chiso.metrics.models import Metric

HEADER = ["Mã chỉ tiêu", "Tên chỉ tiêu", "Kiểu giá trị", "Đơn vị tính", "Tổng hợp theo đơn vị",
          "Tổng hợp theo thời gian", "Kỳ báo cáo", "Giá trị nhỏ nhất", "Giá trị lớn nhất",
          "Các mức lựa chọn", "Loại đơn vị báo cáo", "Bắt buộc minh chứng"]
GOOD = [
    ["TTHC_TT", "Tỷ lệ hồ sơ TTHC xử lý trực tuyến", "percentage", "%", "ratio", "ratio",
     "quarter", 0, 100, "", "commune, ward, Sở", "có"],
    ["HS_SO", "Số hồ sơ", "Số đếm", "hồ sơ", "Cộng", "sum", "Tháng", 0, "", "", "commune", ""],
    ["MUC", "Mức độ sẵn sàng", "choice", "", "none", "latest", "year", "", "",
     "A=Cao; B=Trung bình", "department", "không"],
]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_good_xlsx_creates_then_updates(db):
    result = catalogue.import_file(xlsx([HEADER, *GOOD]), "danh-muc.xlsx")
    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)
    rate = Metric.objects.get(code="TTHC_TT")
    assert rate.value_type == "percentage" and rate.rollup == "ratio"
    assert rate.reporting_kinds == ["commune", "ward", "department"] and rate.evidence_required
    assert Metric.objects.get(code="HS_SO").frequency == "month"
    assert Metric.objects.get(code="MUC").choices == [{"code": "A", "label": "Cao"},
                                                      {"code": "B", "label": "Trung bình"}]
    changed = [r[:] for r in GOOD]
    changed[1][1] = "Số hồ sơ tiếp nhận"
    again = catalogue.import_file(xlsx([HEADER, *changed]), "danh-muc.xlsx")
    assert (again.created, again.updated) == (0, 3)
    assert Metric.objects.get(code="HS_SO").name == "Số hồ sơ tiếp nhận"


def test_export_round_trips_through_xlsx_and_csv(metrics):
    before = {m.code: (m.name, m.value_type, m.rollup, m.choices, m.reporting_kinds,
                       m.min_value, m.max_value) for m in Metric.objects.all()}
    data = catalogue.export_xlsx()
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "Mã chỉ tiêu" and sheet.max_row == len(before) + 1
    text = catalogue.export_csv()
    Metric.objects.all().delete()
    assert catalogue.import_file(data, "a.xlsx").created == len(before)
    Metric.objects.all().delete()
    assert catalogue.import_file(text.encode("utf-8"), "a.csv").created == len(before)
    after = {m.code: (m.name, m.value_type, m.rollup, m.choices, m.reporting_kinds,
                      m.min_value, m.max_value) for m in Metric.objects.all()}
    for code, row in before.items():
        assert after[code][:5] == row[:5]
        assert [None if x is None else float(x) for x in after[code][5:]] == \
            [None if x is None else float(x) for x in row[5:]]


def test_export_neutralises_formulas(metrics):
    name = "=HYPERLINK(\"http://x\")"
    Metric.objects.filter(code="GHI_CHU").update(name=name)
    assert "'=HYPERLINK" in catalogue.export_csv()
    sheet = load_workbook(io.BytesIO(catalogue.export_xlsx())).active
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "GHI_CHU")
    assert cell.value == name and cell.data_type != "f"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    # a negative bound is a number, not text to neutralise
    Metric.objects.filter(code="GHI_CHU").update(min_value=-5)
    assert "'-5" not in catalogue.export_csv()


@pytest.mark.parametrize("rows,message", [
    ([HEADER, GOOD[0], ["X1", "Chỉ tiêu lạ", "phan tram", "", "", "", "", "", "", "", "", ""]],
     "Dòng 3, cột “Kiểu giá trị”: “phan tram” không hợp lệ; dùng một trong: number, percentage"),
    ([HEADER, GOOD[0], GOOD[1], [*GOOD[0][:1], "Trùng", *GOOD[0][2:]]],
     "Dòng 4, cột “Mã chỉ tiêu”: mã “TTHC_TT” trùng với dòng 2."),
    ([HEADER, GOOD[0], ["X2", "", "number", "", "", "", "", "", "", "", "", ""]],
     "Dòng 3, cột “Tên chỉ tiêu”: chưa nhập."),
    ([HEADER, ["X3", "Khoảng ngược", "number", "", "sum", "sum", "year", 10, 5, "", "", ""]],
     "Dòng 2, cột “Giá trị lớn nhất”: giá trị lớn nhất nhỏ hơn giá trị nhỏ nhất."),
    ([HEADER, ["X4", "Lựa chọn", "choice", "", "none", "latest", "year", "", "", "", "", ""]],
     "Dòng 2, cột “Các mức lựa chọn”: chỉ tiêu lựa chọn cần danh sách mức."),
    ([HEADER, ["X5", "Tỷ lệ sai", "number", "", "ratio", "sum", "year", "", "", "", "", ""]],
     "Dòng 2, cột “Tổng hợp theo đơn vị”: tổng hợp tỷ lệ của tổng chỉ dùng cho chỉ tiêu tỷ lệ"),
    ([HEADER, ["X6", "Loại lạ", "number", "", "sum", "sum", "year", "", "", "", "huyện đảo", ""]],
     "Dòng 2, cột “Loại đơn vị báo cáo”: loại đơn vị “huyện đảo” không có trong danh mục."),
    ([HEADER, ["X7", "Số lạ", "number", "", "sum", "sum", "year", "mười", "", "", "", ""]],
     "Dòng 2, cột “Giá trị nhỏ nhất”:"),
    ([["Mã", "Tên"], ["X8", "Thiếu cột"]], "Dòng 1: cột “Mã” không thuộc mẫu danh mục chỉ tiêu."),
    ([HEADER], "Tệp chỉ có dòng tiêu đề, không có chỉ tiêu nào."),
    ([], "Tệp không có dữ liệu (trang tính trống)."),
])
def test_bad_files_write_nothing_and_name_row_and_column(db, rows, message):
    result = catalogue.import_file(xlsx(rows), "danh-muc.xlsx")
    assert not result.ok
    assert any(e.startswith(message) for e in result.errors), result.errors
    assert not Metric.objects.exists()


def test_one_bad_row_keeps_the_good_ones_out_too(metrics):
    names = dict(Metric.objects.values_list("code", "name"))
    rows = [HEADER, [*GOOD[0][:1], "Tên mới", *GOOD[0][2:]],
            ["X1", "Lỗi", "percentage", "", "ratio", "ratio", "quarter", 0, 100, "", "xã đảo", ""]]
    assert not catalogue.import_file(xlsx(rows), "a.xlsx").ok
    assert dict(Metric.objects.values_list("code", "name")) == names


@pytest.mark.parametrize("data,name,message", [
    (b"PK\x03\x04 broken zip" * 10, "hong.xlsx", "Không đọc được tệp Excel"),
    (b"\x00\x01\x02", "rac.xlsx", "Không đọc được tệp Excel"),
    ("Mã chỉ tiêu,Tên chỉ tiêu\n".encode("utf-16"), "a.csv", "Tệp CSV phải được lưu với mã UTF-8"),
    (b"anything", "a.docx", "Chỉ nhận tệp .xlsx hoặc .csv"),
])
def test_corrupted_or_wrong_files_are_refused(db, data, name, message):
    result = catalogue.import_file(data, name)
    assert result.errors[0].startswith(message)
    assert not Metric.objects.exists()


def test_the_import_page_reports_errors_and_imports(client, people):
    client.force_login(people["admin"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("a.xlsx", xlsx([HEADER, ["X", "", "number"]]))
    html = client.post(reverse("catalogue_import"), {"tep": bad}).content.decode()
    assert "Dòng 2, cột “Tên chỉ tiêu”: chưa nhập." in html
    good = SimpleUploadedFile("a.xlsx", xlsx([HEADER, *GOOD]))
    response = client.post(reverse("catalogue_import"), {"tep": good})
    assert response.status_code == 302 and Metric.objects.count() == 3
