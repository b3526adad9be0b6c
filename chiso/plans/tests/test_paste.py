"""Pasting targets and tasks from Word/Excel: what is read, every kind of error (named by
row and column, in Vietnamese), and all-or-nothing writing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chiso.metrics.models import Metric
from chiso.orgs.models import Level, OrgUnit

from .. import paste
from ..models import Plan, SolutionGroup, Target, Task

TAB = "\t"


def table(*rows: list[str]) -> str:
    return "\n".join(TAB.join(r) for r in rows)


@pytest.fixture
def plan(tree, db):
    return Plan.objects.create(number="37/KH-UBND", title="Chuyển đổi số năm 2026",
                               issuer=tree["P1"], owner=tree["P1"], start_year=2026,
                               end_year=2027)


@pytest.fixture
def rate(db):
    return Metric.objects.create(code="DVC_TT", name="Tỷ lệ hồ sơ trực tuyến",
                                 value_type=Metric.ValueType.PERCENTAGE)


TARGETS = table(
    ["STT", "Nội dung chỉ tiêu", "Đơn vị chủ trì", "So sánh", "Năm 2026", "2027 cấp tỉnh",
     "2027 - cấp xã", "Mã chỉ tiêu đo", "Giá trị gốc", "Năm gốc"],
    ["I. CHÍNH QUYỀN SỐ"],
    ["1", "Tỷ lệ hồ sơ xử lý trực tuyến", "Sở Y tế", "≥", "55%", "60", "40,5", "DVC_TT",
     "1.234,5", "2025"],
    ["2", "Xếp hạng DTI", "P1", "", "Top 10", "", "", "", "", ""],
    ["II. KINH TẾ SỐ"],
    ["3", "Tỷ trọng kinh tế số", "", "không quá", "", "", "", "", "", ""],
)


def test_targets_are_read_with_levels_headings_and_vietnamese_numbers(plan, rate, tree):
    [t] = paste.check(plan, targets_text=TARGETS)
    assert t.errors == []
    assert [r.data["code"] for r in t.rows] == ["1", "2", "3"]
    first, second, third = (r.data for r in t.rows)
    assert first["pillar"] == "Chính quyền số" and third["pillar"] == "Kinh tế số"
    assert first["lead"] == tree["A1"]  # "Sở Y tế" by name
    assert first["metric"] == rate
    assert first["values"] == {(2026, None): Decimal("55"), (2027, Level.PROVINCIAL): Decimal("60"),
                               (2027, Level.COMMUNE): Decimal("40.5")}
    assert first["baseline"] == Decimal("1234.5") and first["baseline_year"] == 2025
    assert second["comparison"] == Target.Comparison.TOP_N
    assert second["values"] == {(2026, None): Decimal("10")}
    assert second["lead"] == tree["P1"]  # by code
    assert third["comparison"] == Target.Comparison.AT_MOST


def test_targets_are_written_with_their_values(plan, rate, tree):
    result = paste.apply(plan, targets_text=TARGETS)
    assert (result.targets, result.tasks) == (3, 0)
    target = plan.targets.get(code="1")
    assert target.metric == rate and target.lead_unit == tree["A1"]
    assert sorted((v.year, v.level, v.value) for v in target.values.all()) == [
        (2026, None, Decimal("55")), (2027, Level.PROVINCIAL, Decimal("60")),
        (2027, Level.COMMUNE, Decimal("40.5"))]
    assert list(plan.targets.order_by("order").values_list("code", flat=True)) == ["1", "2", "3"]


TASKS = table(
    ["Nội dung nhiệm vụ", "Hạn hoàn thành", "Đơn vị chủ trì", "Đơn vị phối hợp", "STT",
     "Sản phẩm", "Bắt đầu", "Chỉ tiêu phục vụ", "Trọng tâm"],
    ["1. Nhóm giải pháp về hạ tầng số"],
    ["Nâng cấp trung tâm dữ liệu", "31/12/2026", "Sở Y tế", "Xã Một; C2", "1.1",
     "Trung tâm dữ liệu", "01/02/2026", "1", "x"],
    ["Phổ cập điện thoại thông minh", "Quý II/2026", "C1", "Sở Y tế, Phường Hai", "1.2", "",
     "tháng 3/2026", "", ""],
    ["II. Nhóm giải pháp về con người"],
    ["Tập huấn kỹ năng số", "Thường xuyên", "Xã Một", "", "2.1", "", "", "", ""],
)


def test_tasks_are_read_with_dates_units_and_groups(plan, rate, tree):
    paste.apply(plan, targets_text=TARGETS)
    [t] = paste.check(plan, tasks_text=TASKS)
    assert t.errors == []
    a, b, c = (r.data for r in t.rows)
    assert (a["start"], a["due"]) == (dt.date(2026, 2, 1), dt.date(2026, 12, 31))
    assert (b["start"], b["due"]) == (dt.date(2026, 3, 1), dt.date(2026, 6, 30))
    assert c["due"] is None  # "thường xuyên": ongoing
    assert a["coordinating"] == [tree["C1"], tree["C2"]] and a["key"] is True
    assert b["lead"] == tree["C1"] and b["key"] is False
    assert a["group_title"] == "1. Nhóm giải pháp về hạ tầng số"
    assert c["group_title"] == "II. Nhóm giải pháp về con người"
    assert t.new_groups == ["1. Nhóm giải pháp về hạ tầng số", "II. Nhóm giải pháp về con người"]


def test_tasks_are_written_linked_to_targets_and_new_groups(plan, rate, tree):
    result = paste.apply(plan, targets_text=TARGETS, tasks_text=TASKS)
    assert (result.targets, result.tasks, result.groups) == (3, 3, 2)
    task = plan.tasks.get(code="1.1")
    assert task.lead_unit == tree["A1"]
    assert set(task.coordinating_units.all()) == {tree["C1"], tree["C2"]}
    assert list(task.targets.values_list("code", flat=True)) == ["1"]
    assert task.solution_group.code == "1" and task.solution_group.title == "Nhóm giải pháp về hạ tầng số"
    assert plan.tasks.get(code="2.1").solution_group.code == "II"
    # the lead unit is never also its own coordinating unit
    assert tree["C1"] not in plan.tasks.get(code="1.2").coordinating_units.all()


def test_pasting_into_existing_groups_reuses_them(plan, tree):
    SolutionGroup.objects.create(plan=plan, code="1", title="Nhóm giải pháp về hạ tầng số")
    text = table(["Nội dung nhiệm vụ", "Đơn vị chủ trì", "Nhóm giải pháp"],
                 ["Việc A", "C1", "1"], ["Việc B", "C1", "nhóm giải pháp về hạ tầng số"])
    result = paste.apply(plan, tasks_text=text)
    assert result.groups == 0 and plan.solution_groups.count() == 1
    assert plan.tasks.filter(solution_group__code="1").count() == 2


def errors_of(plan, **texts) -> list[str]:
    return [e for t in paste.check(plan, **texts) for e in t.errors]


@pytest.mark.parametrize("rows, expected", [
    ([["Nội dung nhiệm vụ", "Hạn hoàn thành"], ["Việc A", "31/12/2026"]],
     "Thiếu cột “Đơn vị chủ trì” ở dòng tiêu đề"),
    ([["Nội dung nhiệm vụ", "Đơn vị chủ trì"], ["Việc A", "Sở Tài chính"]],
     "Dòng 2, cột “Đơn vị chủ trì”: không tìm thấy đơn vị “Sở Tài chính” thuộc Tỉnh Một"),
    ([["Nội dung nhiệm vụ", "Đơn vị chủ trì"], ["Việc A", "Xã Ba"]],
     "Dòng 2, cột “Đơn vị chủ trì”: không tìm thấy đơn vị “Xã Ba”"),
    ([["Nội dung nhiệm vụ", "Đơn vị chủ trì", "Hạn hoàn thành"], ["Việc A", "C1", "31/02/2026"]],
     "Dòng 2, cột “Hạn hoàn thành”: “31/02/2026” không phải là ngày"),
    ([["Nội dung nhiệm vụ", "Đơn vị chủ trì", "Bắt đầu", "Hạn hoàn thành"],
      ["Việc A", "C1", "01/06/2026", "01/05/2026"]],
     "Dòng 2, cột “Hạn hoàn thành”: hạn hoàn thành 01/05/2026 trước ngày bắt đầu 01/06/2026"),
    ([["Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp"], ["Việc A", "C1", "C2; Sở Xây dựng"]],
     "Dòng 2, cột “Đơn vị phối hợp”: không tìm thấy đơn vị “Sở Xây dựng”"),
    ([["Nội dung nhiệm vụ", "Đơn vị chủ trì", "Chỉ tiêu phục vụ"], ["Việc A", "C1", "9"]],
     "Dòng 2, cột “Chỉ tiêu phục vụ”: kế hoạch không có chỉ tiêu số “9”"),
    ([["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì"], ["1", "Việc A", "C1"], ["1", "Việc B", "C1"]],
     "Dòng 3, cột “STT”: số thứ tự “1” lặp lại trong bảng"),
    ([["Nội dung nhiệm vụ", "Đơn vị chủ trì"], ["", "C1"]],
     "Dòng 2, cột “Nội dung nhiệm vụ”: cần ghi nội dung nhiệm vụ"),
    ([["Nội dung nhiệm vụ", "Chủ trì", "Đơn vị chủ trì"], ["Việc A", "C1", "C1"]],
     "Hai cột “Chủ trì” và “Đơn vị chủ trì” cùng chỉ một nội dung"),
    ([["Nội dung nhiệm vụ", "Đơn vị chủ trì"]],
     "Bảng chỉ có dòng tiêu đề"),
])
def test_task_errors_name_row_and_column(plan, tree, rows, expected):
    errors = errors_of(plan, tasks_text=table(*rows))
    assert any(expected in e for e in errors), errors


@pytest.mark.parametrize("rows, expected", [
    ([["Nội dung chỉ tiêu", "Năm 2026"], ["Tỷ lệ A", "năm mươi"]],
     "Dòng 2, cột “Năm 2026”: “năm mươi” không phải là số"),
    ([["Nội dung chỉ tiêu", "2027 cấp xã"], ["Tỷ lệ A", "1,2,3"]],
     "Dòng 2, cột “Năm 2027, Cấp xã”: “1,2,3” không phải là số"),
    ([["Nội dung chỉ tiêu", "So sánh"], ["Tỷ lệ A", "gấp đôi"]],
     "Dòng 2, cột “So sánh”: “gấp đôi” không phải là cách so sánh"),
    ([["Nội dung chỉ tiêu", "Mã chỉ tiêu đo"], ["Tỷ lệ A", "KHONG_CO"]],
     "Dòng 2, cột “Mã chỉ tiêu đo”: không có chỉ tiêu đo mã hoặc tên “KHONG_CO”"),
    ([["Nội dung chỉ tiêu", "Năm gốc"], ["Tỷ lệ A", "năm ngoái"]],
     "Dòng 2, cột “Năm gốc”: “năm ngoái” không phải là một năm"),
    ([["Nội dung chỉ tiêu", "So sánh", "Năm 2026"], ["Xếp hạng", "top", "10,5"]],
     "Dòng 2, cột “Năm 2026”: với “top N”, N phải là số nguyên dương"),
    ([["Nội dung chỉ tiêu", "So sánh", "Năm 2026"], ["Tỷ lệ A", "≤", "≥ 50"]],
     "Dòng 2, cột “Năm 2026”: cách so sánh “≥ 50” khác với cột So sánh"),
    ([["Chỉ tiêu"], ["Tỷ lệ A"]], "Không thấy các cột của bảng (dấu tab)"),
    ([["Năm 2026", "Đơn vị chủ trì"], ["50", "C1"]], "Thiếu cột “Nội dung chỉ tiêu”"),
])
def test_target_errors_name_row_and_column(plan, tree, rate, rows, expected):
    errors = errors_of(plan, targets_text=table(*rows))
    assert any(expected in e for e in errors), errors


def test_an_existing_number_in_the_plan_is_refused(plan, tree):
    Target.objects.create(plan=plan, code="1", statement="Đã có")
    errors = errors_of(plan, targets_text=table(["STT", "Nội dung chỉ tiêu"], ["1", "Mới"]))
    assert errors == ["Dòng 2, cột “STT”: kế hoạch đã có mục số “1”; đổi số thứ tự hoặc bỏ dòng này."]


def test_an_ambiguous_unit_name_asks_for_the_code(plan, tree):
    OrgUnit.objects.create(code="A2", name="Sở Y tế dự phòng", kind=OrgUnit.Kind.DEPARTMENT,
                           parent=tree["P1"])
    OrgUnit.objects.create(code="A3", name="Sở Y tế", kind=OrgUnit.Kind.DEPARTMENT,
                           parent=tree["P1"])
    errors = errors_of(plan, tasks_text=table(["Nội dung nhiệm vụ", "Đơn vị chủ trì"],
                                              ["Việc A", "Sở Y tế"]))
    assert "trùng tên nhiều đơn vị" in errors[0] and "(A1)" in errors[0] and "(A3)" in errors[0]


def test_unknown_columns_are_ignored_and_listed(plan, tree):
    [t] = paste.check(plan, tasks_text=table(["Nội dung nhiệm vụ", "Đơn vị chủ trì", "Kinh phí"],
                                             ["Việc A", "C1", "100"]))
    assert t.errors == [] and t.ignored_columns == ["Kinh phí"]


def test_excel_quoted_cells_with_line_breaks_are_one_cell(plan, tree):
    text = 'Nội dung nhiệm vụ\tĐơn vị chủ trì\n"Việc A:\n- bước 1\n- bước 2"\tC1\n'
    [t] = paste.check(plan, tasks_text=text)
    assert t.errors == [] and t.rows[0].data["description"] == "Việc A:\n- bước 1\n- bước 2"


def test_one_bad_row_writes_nothing(plan, rate, tree):
    bad_tasks = TASKS + "\n" + TAB.join(["Việc lỗi", "32/13/2026", "C1", "", "9.9", "", "", "", ""])
    with pytest.raises(paste.TableError) as caught:
        paste.apply(plan, targets_text=TARGETS, tasks_text=bad_tasks)
    assert "Dòng 7, cột “Hạn hoàn thành”" in caught.value.errors[0]
    assert (Target.objects.count(), Task.objects.count(), SolutionGroup.objects.count()) == (0, 0, 0)


def test_diacritics_tell_units_apart_and_are_optional_when_unambiguous(plan, tree):
    OrgUnit.objects.create(code="HA", name="Xã Hà", kind=OrgUnit.Kind.COMMUNE, parent=tree["P1"])
    OrgUnit.objects.create(code="HAJ", name="Xã Hạ", kind=OrgUnit.Kind.COMMUNE, parent=tree["P1"])
    [t] = paste.check(plan, tasks_text=table(["Nội dung nhiệm vụ", "Đơn vị chủ trì"],
                                             ["Việc A", "xã hạ"], ["Việc B", "Xa Mot"],
                                             ["Việc C", "Xa Ha"]))
    assert t.rows[0].data["lead"].code == "HAJ" and t.rows[1].data["lead"] == tree["C1"]
    assert len(t.errors) == 1 and "“Xa Ha” trùng tên nhiều đơn vị" in t.errors[0]
