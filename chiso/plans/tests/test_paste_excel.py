"""The Excel template: its lists and drop-downs, filled in and read back through the same
checks as a paste, and the files it refuses."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from chiso.metrics.models import Metric

from .. import excel_template, paste
from ..models import Plan, SolutionGroup, Target, Task

D = dt.date


@pytest.fixture
def plan(tree):
    plan = Plan.objects.create(number="37/KH-UBND", title="CĐS 2026–2027", issuer=tree["P1"],
                               owner=tree["P1"], start_year=2026, end_year=2027)
    SolutionGroup.objects.create(plan=plan, code="1", title="Hạ tầng số")
    Metric.objects.create(code="DVC_TT", name="Tỷ lệ hồ sơ trực tuyến")
    return plan


def workbook(plan):
    return load_workbook(io.BytesIO(excel_template.build(plan)))


def test_the_template_has_both_sheets_headers_and_drop_downs(plan):
    wb = workbook(plan)
    assert wb.sheetnames[:2] == ["Chỉ tiêu", "Nhiệm vụ"]
    targets, tasks, lists = wb["Chỉ tiêu"], wb["Nhiệm vụ"], wb["Danh mục"]
    headers = [c.value for c in targets[1]]
    assert headers[:2] == ["STT", "Nội dung chỉ tiêu"] and "Năm 2026" in headers and "Năm 2027" in headers
    assert [c.value for c in tasks[1]][:4] == ["STT", "Nội dung nhiệm vụ", "Nhóm giải pháp",
                                             "Đơn vị chủ trì"]
    units = [c.value for c in lists["A"][1:] if c.value]
    assert units == ["Tỉnh Một", "Xã Một", "Phường Hai", "Sở Y tế"]  # not Tỉnh Hai's communes
    assert [c.value for c in lists["C"][1:] if c.value] == ["1. Hạ tầng số"]
    formulas = {dv.formula1 for dv in tasks.data_validations.dataValidation}
    assert "='Danh mục'!$A$2:$A$5" in formulas and "='Danh mục'!$C$2:$C$2" in formulas
    assert any("$B$2:$B$5" in f for f in (dv.formula1 for dv in
                                          targets.data_validations.dataValidation))


def fill(plan, targets: list[list], tasks: list[list], formula: bool = False) -> bytes:
    return fill_workbook(excel_template.build(plan), targets, tasks, formula)


def fill_workbook(data: bytes, targets: list[list], tasks: list[list],
                  formula: bool = False) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for ws, rows in ((wb["Chỉ tiêu"], targets), (wb["Nhiệm vụ"], tasks)):
        header = [c.value for c in ws[1]]
        for r, row in enumerate(rows, start=2):
            for name, value in row:
                cell = ws.cell(row=r, column=header.index(name) + 1, value=value)
                if isinstance(value, float) and value < 1:
                    cell.number_format = "0%"
    if formula:
        wb["Nhiệm vụ"]["H3"] = "=TODAY()"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TARGETS = [[("STT", "1"), ("Nội dung chỉ tiêu", "Tỷ lệ hồ sơ trực tuyến"), ("Năm 2026", 0.55),
            ("Năm 2027", 60), ("Đơn vị chủ trì", "Sở Y tế"), ("So sánh", "≥"),
            ("Mã chỉ tiêu đo", "DVC_TT"), ("Giá trị gốc", 40.5)]]
TASKS = [[("STT", "1.1"), ("Nội dung nhiệm vụ", "Nâng cấp trung tâm dữ liệu"),
          ("Nhóm giải pháp", "1. Hạ tầng số"), ("Đơn vị chủ trì", "Xã Một"),
          ("Đơn vị phối hợp", "Sở Y tế; Phường Hai"), ("Bắt đầu", dt.datetime(2026, 2, 1)),
          ("Hạn hoàn thành", dt.datetime(2026, 11, 30)), ("Chỉ tiêu phục vụ", "1")],
         [("STT", "1.2"), ("Nội dung nhiệm vụ", "Tập huấn"), ("Đơn vị chủ trì", "C2"),
          ("Hạn hoàn thành", "Quý III/2026")]]


def test_a_filled_template_round_trips_into_the_plan(plan, tree):
    data = fill(plan, TARGETS, TASKS)
    texts = excel_template.read(io.BytesIO(data), len(data))
    result = paste.apply(plan, targets_text=texts["targets"], tasks_text=texts["tasks"],
                         sources=excel_template.sources())
    assert (result.targets, result.tasks, result.groups) == (1, 2, 0)
    target = plan.targets.get()
    assert {v.year: v.value for v in target.values.all()} == {2026: Decimal("55"),
                                                               2027: Decimal("60")}
    assert target.baseline_value == Decimal("40.5") and target.metric.code == "DVC_TT"
    first = plan.tasks.get(code="1.1")
    assert (first.start_date, first.due_date) == (D(2026, 2, 1), D(2026, 11, 30))
    assert first.solution_group.title == "Hạ tầng số" and list(first.targets.all()) == [target]
    assert set(first.coordinating_units.values_list("code", flat=True)) == {"A1", "C2"}
    assert plan.tasks.get(code="1.2").due_date == D(2026, 9, 30)


def test_errors_in_a_workbook_name_the_sheet_row_and_column(plan):
    bad = [[("Nội dung nhiệm vụ", "Việc A"), ("Đơn vị chủ trì", "Sở Ngoại vụ")]]
    data = fill(plan, [], TASKS[:1] + bad)
    texts = excel_template.read(io.BytesIO(data), len(data))
    errors = [e for t in paste.check(plan, tasks_text=texts["tasks"],
                                     sources=excel_template.sources()) for e in t.errors]
    assert errors == ["Trang “Nhiệm vụ” – Dòng 2, cột “Chỉ tiêu phục vụ”: kế hoạch không có "
                      "chỉ tiêu số “1”.",
                      "Trang “Nhiệm vụ” – Dòng 3, cột “Đơn vị chủ trì”: không tìm thấy đơn vị "
                      "“Sở Ngoại vụ” thuộc Tỉnh Một (ghi mã, tên hoặc tên ngắn của đơn vị)."]


def test_formulas_are_refused(plan):
    data = fill(plan, [], TASKS, formula=True)
    with pytest.raises(excel_template.TemplateRejected) as caught:
        excel_template.read(io.BytesIO(data), len(data))
    assert "ô H3 có công thức" in caught.value.message


def test_an_empty_template_and_a_non_excel_file_are_refused(plan):
    data = excel_template.build(plan)
    with pytest.raises(excel_template.TemplateRejected, match="không có dòng nào"):
        excel_template.read(io.BytesIO(data), len(data))
    with pytest.raises(excel_template.TemplateRejected, match="không đọc được"):
        excel_template.read(io.BytesIO(b"STT;Noi dung\n1;x"), 16)


def test_upload_previews_then_confirm_writes(client, plan, people):
    client.force_login(people["admin"])
    data = fill(plan, TARGETS, TASKS)
    response = client.post(reverse("plans_upload", args=[plan.pk]),
                           {"tep": SimpleUploadedFile("ke-hoach.xlsx", data)})
    page = response.content.decode()
    assert response.status_code == 200 and "Nâng cấp trung tâm dữ liệu" in page
    assert "Ghi vào kế hoạch: 1 chỉ tiêu, 2 nhiệm vụ" in page
    assert Target.objects.count() == 0  # a preview writes nothing
    targets_text = response.context["targets_text"]
    tasks_text = response.context["tasks_text"]
    response = client.post(reverse("plans_paste", args=[plan.pk]), {
        "action": "ghi", "nguon": "excel", "targets_text": targets_text, "tasks_text": tasks_text})
    assert response.status_code == 302
    assert (Target.objects.count(), Task.objects.count()) == (1, 2)


def test_a_bad_upload_shows_the_reason(client, plan, people):
    client.force_login(people["admin"])
    response = client.post(reverse("plans_upload", args=[plan.pk]),
                           {"tep": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert "không đọc được" in response.content.decode()


def test_the_template_downloads_as_xlsx(client, plan, people):
    client.force_login(people["admin"])
    response = client.get(reverse("plans_template", args=[plan.pk]))
    assert response["Content-Type"] == excel_template.CONTENT_TYPE
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Chỉ tiêu"


@pytest.fixture
def english():
    """English on the screen; the language a request activates ends with the test."""
    with translation.override("en"):
        yield


def test_a_template_downloaded_in_english_uploads_back(english, client, plan, people):
    """The template's headers are what the upload reads, so they stay Vietnamese whatever
    the language of the screen; an English reader gets what each one means in the
    instructions sheet."""
    client.force_login(people["admin"])
    client.cookies["django_language"] = "en"
    response = client.get(reverse("plans_template", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en")
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["Chỉ tiêu"][1]][:2] == ["STT", "Nội dung chỉ tiêu"]
    assert "Năm 2026" in [c.value for c in wb["Chỉ tiêu"][1]]
    help_text = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    assert f"Đơn vị chủ trì: {translation.gettext('Đơn vị chủ trì')}" in help_text
    wb.close()

    filled = fill_workbook(response.content, TARGETS, TASKS)
    response = client.post(reverse("plans_upload", args=[plan.pk]),
                           {"tep": SimpleUploadedFile("plan.xlsx", filled)},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.context["errors"]
    grids = {g["kind"]: g for g in response.context["grids"]}
    assert [r["cells"][1] for r in grids[paste.TASKS]["rows"]] == ["Nâng cấp trung tâm dữ liệu",
                                                                   "Tập huấn"]
    assert [r["cells"][1] for r in grids[paste.TARGETS]["rows"]] == ["Tỷ lệ hồ sơ trực tuyến"]


def test_the_vietnamese_template_has_no_glossary(plan):
    help_text = [c.value for c in workbook(plan)["Hướng dẫn"]["A"] if c.value]
    assert not any("Nghĩa của từng cột" in str(t) for t in help_text)


def test_the_column_names_are_in_the_catalogue():
    """Every header label goes through gettext_noop, so makemessages extracts it."""
    source = (Path(paste.__file__)).read_text(encoding="utf-8")
    for columns in (paste.TARGET_COLUMNS, paste.TASK_COLUMNS):
        for label, _others in columns.values():
            assert f'gettext_noop("{label}")' in source
