"""The Excel template for entering a plan's targets and tasks, and reading it back.

The template has a sheet per table ("Chỉ tiêu", "Nhiệm vụ") with the same headers the
paste accepts, always in Vietnamese, since the upload reads them (a template downloaded
with the English screen must upload, whoever fills it in; the "Hướng dẫn" sheet then says
what each header means), drop-down lists (data validation) for the lead unit, the comparison and
the solution group, fed from a "Danh mục" sheet, and a "Hướng dẫn" sheet. Reading it
back turns each sheet into the same tab-separated text a paste gives, so an upload goes
through exactly the validation path of a paste (`paste.check` / `paste.apply`).

Formulas are refused, never evaluated: the person who uploads must see and own every
value. Dates come back as dd/mm/yyyy and numbers with a decimal comma; a cell formatted
as a percentage (0,55 shown as 55 %) comes back as 55.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from chiso.metrics.models import Metric
from chiso.orgs.models import OrgUnit

from . import paste
from .models import Plan

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
ROWS = 500  # rows prepared with drop-down lists
SHEET_TARGETS, SHEET_TASKS, SHEET_LISTS, SHEET_HELP = "Chỉ tiêu", "Nhiệm vụ", "Danh mục", "Hướng dẫn"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TARGET_FIELDS = ("code", "statement", "pillar", "group", "metric", "comparison", "baseline",
                 "baseline_year", "lead")
TASK_FIELDS = ("code", "description", "group", "lead", "coordinating", "deliverable", "start",
               "due", "targets", "dti", "key", "note")
WIDTHS = {"statement": 60, "description": 60, "deliverable": 30, "lead": 30,
          "coordinating": 36, "pillar": 20, "group": 30, "note": 24}


def unit_choices(plan: Plan) -> list[str]:
    """How each unit of the plan's owner is written in the list: its name, or its code
    where two units share a name (the paste reads both)."""
    units = list(OrgUnit.objects.subtrees([plan.owner.path]).current().order_by("path"))
    names = [u.name for u in units]
    return [u.name if names.count(u.name) == 1 else u.code for u in units]


def build(plan: Plan) -> bytes:
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = SHEET_HELP
    lists = wb.create_sheet(SHEET_LISTS)
    columns = {
        "units": unit_choices(plan),
        "comparisons": ["≥", "≤", "=", "top"],
        "groups": [str(g) for g in plan.solution_groups.all()],
        "metrics": list(Metric.objects.filter(active=True).order_by("code")
                        .values_list("code", flat=True)),
    }
    titles = {"units": _("Đơn vị"), "comparisons": _("So sánh"), "groups": _("Nhóm giải pháp"),
              "metrics": _("Mã chỉ tiêu đo")}
    ranges = {}
    for col, (key, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(col)
        lists.cell(row=1, column=col, value=str(titles[key])).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=col, value=value)
        lists.column_dimensions[letter].width = 40
        if values:
            ranges[key] = f"'{SHEET_LISTS}'!${letter}$2:${letter}${len(values) + 1}"

    years = [f"Năm {y}" for y in range(plan.start_year, plan.end_year + 1)]  # read back as is
    targets = wb.create_sheet(SHEET_TARGETS, 0)
    _header(targets, [_label(paste.TARGET_COLUMNS, f) for f in TARGET_FIELDS] + years
            + [_label(paste.TARGET_COLUMNS, "note")], list(TARGET_FIELDS))
    tasks = wb.create_sheet(SHEET_TASKS, 1)
    _header(tasks, [_label(paste.TASK_COLUMNS, f) for f in TASK_FIELDS], list(TASK_FIELDS))
    for field, key in (("lead", "units"), ("comparison", "comparisons"), ("group", "groups"),
                       ("metric", "metrics")):
        _validate(targets, TARGET_FIELDS, field, ranges.get(key))
    for field, key in (("lead", "units"), ("group", "groups")):
        _validate(tasks, TASK_FIELDS, field, ranges.get(key))
    for field in ("start", "due"):
        letter = get_column_letter(TASK_FIELDS.index(field) + 1)
        for row in range(2, ROWS + 2):
            tasks[f"{letter}{row}"].number_format = "dd/mm/yyyy"
    _help(help_ws, plan)
    wb.active = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _label(columns: dict, field: str) -> str:
    """The header as the upload reads it: Vietnamese, never translated."""
    return columns[field][0]


def _glossary() -> list[str]:
    """What each header means in the language of the screen; nothing in Vietnamese."""
    labels = list(dict.fromkeys(
        [paste.TARGET_COLUMNS[f][0] for f in (*TARGET_FIELDS, "note")]
        + [paste.TASK_COLUMNS[f][0] for f in TASK_FIELDS]))
    pairs = [(label, str(_(label))) for label in labels]
    pairs.append(("Năm …", str(_("Năm %(y)s") % {"y": "…"})))
    if all(label == meaning for label, meaning in pairs):
        return []
    return ["", _("Tiêu đề cột giữ nguyên tiếng Việt, vì tệp tải lên được đọc theo đúng các "
                  "tiêu đề này; đừng dịch hay đổi tên chúng. Nghĩa của từng cột:")] + [
        f"{label}: {meaning}" for label, meaning in pairs]


def _header(ws, labels: list[str], fields: list[str]) -> None:
    fill = PatternFill("solid", fgColor="DDE8F3")
    for col, label in enumerate(labels, start=1):
        cell = ws.cell(row=1, column=col, value=label)
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        field = fields[col - 1] if col <= len(fields) else ""
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(field, 14)
    ws.freeze_panes = "A2"


def _validate(ws, fields: tuple[str, ...], field: str, formula: str | None) -> None:
    if not formula:
        return
    letter = get_column_letter(fields.index(field) + 1)
    dv = DataValidation(type="list", formula1=f"={formula}", allow_blank=True,
                        showErrorMessage=True, errorTitle=_("Giá trị không có trong danh mục"),
                        error=_("Hãy chọn trong danh sách (trang “Danh mục”)."))
    dv.add(f"{letter}2:{letter}{ROWS + 1}")
    ws.add_data_validation(dv)


def _help(ws, plan: Plan) -> None:
    lines = [
        _("Mẫu nhập chỉ tiêu và nhiệm vụ cho: %(p)s") % {"p": str(plan)},
        "",
        _("1. Trang “Chỉ tiêu”: mỗi dòng một chỉ tiêu. Cột “Năm …” là giá trị mục tiêu của "
          "năm đó (55 hoặc 55%; số thập phân viết 40,5). Chỉ tiêu khác nhau theo cấp: thêm "
          "cột như “Năm 2025 cấp tỉnh”, “Năm 2025 cấp xã”."),
        _("2. Trang “Nhiệm vụ”: mỗi dòng một nhiệm vụ. Ngày viết dd/mm/yyyy, hoặc “tháng "
          "6/2025”, “quý II/2025”, “năm 2025”, “thường xuyên”. Đơn vị phối hợp cách nhau "
          "bởi dấu chấm phẩy. “Chỉ tiêu phục vụ” ghi số thứ tự (STT) của chỉ tiêu."),
        _("3. Đơn vị chủ trì, so sánh, nhóm giải pháp: chọn trong danh sách (trang “Danh "
          "mục”). Một dòng chỉ có tiêu đề (ví dụ “I. CHÍNH QUYỀN SỐ”) là tiêu đề nhóm cho "
          "các dòng bên dưới."),
        _("4. Không dùng công thức. Tải tệp lên: chiso kiểm tra toàn bộ, báo lỗi theo dòng "
          "và cột; chỉ khi không còn lỗi mới ghi vào kế hoạch (ghi tất cả hoặc không ghi gì)."),
        *_glossary(),
    ]
    for row, text in enumerate(lines, start=1):
        ws.cell(row=row, column=1, value=str(text)).alignment = Alignment(wrap_text=True)
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 110


# --- reading back -----------------------------------------------------------------------
class TemplateRejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _cell(cell) -> Any:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, (int, float)):
        if "%" in (cell.number_format or ""):
            value = value * 100
        value = round(float(value), 6)
        text = f"{int(value)}" if value.is_integer() else f"{value:f}".rstrip("0")
        return text.replace(".", ",")  # read back by `parse_number` as Vietnamese
    return str(value)


def read(fileobj: IO[bytes], size: int) -> dict[str, str]:
    """The "Chỉ tiêu" and "Nhiệm vụ" sheets as pasted text: {"targets": …, "tasks": …}.
    Raises TemplateRejected (a Vietnamese message) for a file that cannot be used."""
    if size > MAX_BYTES:
        raise TemplateRejected(_("Tệp quá lớn; giới hạn là %(m)d MB.") % {"m": MAX_BYTES // 2**20})
    broken = _("Tệp không đọc được: hãy tải lên tệp .xlsx (Excel 2007 trở lên) theo mẫu.")
    try:
        with zipfile.ZipFile(fileobj) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise TemplateRejected(_("Tệp Excel giải nén ra quá lớn."))
        fileobj.seek(0)
        wb = load_workbook(fileobj, read_only=True, data_only=False)
    except TemplateRejected:
        raise
    except Exception:
        raise TemplateRejected(broken) from None
    out = {"targets": "", "tasks": ""}
    try:
        sheets = {paste.norm(ws.title): ws for ws in wb.worksheets}
        for key, title in (("targets", SHEET_TARGETS), ("tasks", SHEET_TASKS)):
            ws = sheets.get(paste.norm(title))
            if ws is None:
                continue
            rows = []
            for line, cells in enumerate(ws.iter_rows(min_row=1, min_col=1), start=1):
                for col, cell in enumerate(cells, start=1):
                    if cell.data_type == "f":
                        raise TemplateRejected(
                            _("Trang “%(s)s”, ô %(c)s%(r)d có công thức; hãy thay bằng giá trị.")
                            % {"s": title, "c": get_column_letter(col), "r": line})
                rows.append([_cell(c) for c in cells])
            while rows and not any(str(v).strip() for v in rows[-1]):
                rows.pop()
            if len(rows) > 1:
                out[key] = paste.to_pasted(rows)
    finally:
        wb.close()
    if not out["targets"] and not out["tasks"]:
        raise TemplateRejected(_("Tệp không có dòng nào ở trang “%(a)s” hay “%(b)s”.")
                               % {"a": SHEET_TARGETS, "b": SHEET_TASKS})
    return out


def sources() -> dict[str, str]:
    """How messages name the sheets of an uploaded template."""
    return {paste.TARGETS: _("Trang “%(s)s”") % {"s": SHEET_TARGETS},
            paste.TASKS: _("Trang “%(s)s”") % {"s": SHEET_TASKS}}
