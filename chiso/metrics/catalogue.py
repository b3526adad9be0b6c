"""Import and export of the metric catalogue as XLSX or CSV, with Vietnamese column headers.

Import is all-or-nothing: every row is read and checked first; if any cell is wrong, the
result lists every problem by row and column ("Dòng 4, cột “Kiểu giá trị”: …") and nothing
is written. Rows are matched by code: a known code updates the metric, a new one creates
it. Cells accept the stored codes (`percentage`, `ratio`) or the Vietnamese labels.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from chiso.lib.formatting import parse_number
from chiso.orgs.models import OrgUnit

from .export import neutralise, xlsx_cell
from .models import Metric, Period

# (field, header, required)
COLUMNS: list[tuple[str, str, bool]] = [
    ("code", "Mã chỉ tiêu", True),
    ("name", "Tên chỉ tiêu", True),
    ("name_en", "Tên tiếng Anh", False),
    ("description", "Mô tả, cách tính", False),
    ("value_type", "Kiểu giá trị", True),
    ("unit_of_measure", "Đơn vị tính", False),
    ("direction", "Chiều tốt", False),
    ("rollup", "Tổng hợp theo đơn vị", False),
    ("time_rollup", "Tổng hợp theo thời gian", False),
    ("frequency", "Kỳ báo cáo", False),
    ("min_value", "Giá trị nhỏ nhất", False),
    ("max_value", "Giá trị lớn nhất", False),
    ("decimals", "Số chữ số thập phân", False),
    ("evidence_required", "Bắt buộc minh chứng", False),
    ("choices", "Các mức lựa chọn", False),
    ("reporting_kinds", "Loại đơn vị báo cáo", False),
    ("numerator_label", "Tên tử số", False),
    ("denominator_label", "Tên mẫu số", False),
    ("source_note", "Nguồn, căn cứ", False),
    ("active", "Đang sử dụng", False),
]
HEADERS = {f: h for f, h, _ in COLUMNS}
MAX_BYTES = 10 * 1024 * 1024  # a catalogue is a few hundred rows
YES = {"1", "có", "co", "x", "true", "yes", "đúng"}
NO = {"0", "không", "khong", "", "false", "no", "sai"}


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _choice_lookup(choices) -> dict[str, str]:
    """Accept a stored code or its label, case-insensitively."""
    table = {}
    for value, label in choices:
        table[str(value).lower()] = value
        table[str(label).lower()] = value
    return table


LOOKUPS = {
    "value_type": _choice_lookup(Metric.ValueType.choices),
    "rollup": _choice_lookup(Metric.Rollup.choices),
    "time_rollup": _choice_lookup(Metric.TimeRollup.choices),
    "frequency": _choice_lookup(Period.Kind.choices),
    "direction": {**_choice_lookup(Metric.Direction.choices), "1": 1, "-1": -1,
                  "cao": 1, "thấp": -1},
}
KIND_LOOKUP = _choice_lookup(OrgUnit.Kind.choices)


# --- export ------------------------------------------------------------------------------
def _cell(metric: Metric, name: str):
    value = getattr(metric, name)
    if name == "choices":
        # "A=Cao; B=Thấp" is what people type; JSON keeps extra keys (a level's "value").
        if any(set(c) - {"code", "label"} or any(ch in str(c.get("label", "")) for ch in ";=")
               for c in value or []):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(f"{c.get('code')}={c.get('label', '')}" for c in value or [])
    if name == "reporting_kinds":
        return ", ".join(value or [])
    if name in ("evidence_required", "active"):
        return "có" if value else "không"
    if isinstance(value, Decimal):
        return Decimal(format(value.normalize(), "f"))  # 100, not 100.000000
    return value


def rows(queryset=None) -> list[list]:
    metrics = queryset if queryset is not None else Metric.objects.order_by("code")
    return [[_cell(m, f) for f, _, _ in COLUMNS] for m in metrics]


def export_xlsx(queryset=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Chỉ tiêu"
    sheet.append([h for _, h, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(queryset):
        sheet.append([xlsx_cell(sheet, v) for v in row])
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_csv(queryset=None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for _, h, _ in COLUMNS])
    for row in rows(queryset):
        writer.writerow([neutralise(v) for v in row])
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 Vietnamese correctly


# --- import ------------------------------------------------------------------------------
def _read_xlsx(data: bytes) -> list[list]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise ValueError(f"Không đọc được tệp Excel (tệp hỏng hoặc không phải XLSX): {err}") from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        return []
    out = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return out


def _read_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("Tệp CSV phải được lưu với mã UTF-8.") from None
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(name: str, raw) -> object:
    """One cell → field value; raises ValueError with the reason."""
    text = _text(raw)
    if name in LOOKUPS:
        if not text:
            return None  # default
        found = LOOKUPS[name].get(text.lower())
        if found is None:
            allowed = ", ".join(str(v) for v in dict.fromkeys(
                v for v in LOOKUPS[name].values()))
            raise ValueError(f"“{text}” không hợp lệ; dùng một trong: {allowed}")
        return found
    if name in ("min_value", "max_value"):
        if not text:
            return None
        if isinstance(raw, int | float):
            return Decimal(str(raw))
        try:
            return Decimal(text)
        except InvalidOperation:
            return parse_number(text, lang="vi")
    if name == "decimals":
        if not text:
            return 0
        if not text.isdigit() or int(text) > 6:
            raise ValueError(f"“{text}” không hợp lệ; cần số nguyên từ 0 đến 6")
        return int(text)
    if name in ("evidence_required", "active"):
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return name == "active" and text == ""  # an empty "active" means yes
        raise ValueError(f"“{text}” không hợp lệ; dùng “có” hoặc “không”")
    if name == "choices":
        if not text:
            return []
        if text.startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError as err:
                raise ValueError(f"JSON không hợp lệ: {err}") from None
        else:
            items = []
            for part in text.split(";"):
                code, sep, label = part.partition("=")
                if not sep or not code.strip():
                    raise ValueError(f"“{part.strip()}” cần có dạng mã=tên mức")
                items.append({"code": code.strip(), "label": label.strip()})
        codes = [str(i.get("code")) for i in items]
        if len(set(codes)) != len(codes):
            raise ValueError("mã mức bị trùng")
        return items
    if name == "reporting_kinds":
        kinds = []
        for part in [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]:
            kind = KIND_LOOKUP.get(part.lower())
            if kind is None:
                raise ValueError(f"loại đơn vị “{part}” không có trong danh mục")
            kinds.append(kind)
        return kinds
    return text


def read(data: bytes, filename: str) -> tuple[list[dict], list[str]]:
    """(metric field dicts, errors) from a file; nothing touches the database."""
    if len(data) > MAX_BYTES:
        return [], [f"Tệp quá lớn (tối đa {MAX_BYTES // 1048576} MB)."]
    lower = filename.lower()
    try:
        if lower.endswith(".xlsx"):
            table = _read_xlsx(data)
        elif lower.endswith(".csv"):
            table = _read_csv(data)
        else:
            return [], ["Chỉ nhận tệp .xlsx hoặc .csv."]
    except ValueError as err:
        return [], [str(err)]
    table = [r for r in table if any(_text(c) for c in r)]
    if not table:
        return [], ["Tệp không có dữ liệu (trang tính trống)."]
    header = [_text(c) for c in table[0]]
    by_header = {h.lower(): f for f, h, _ in COLUMNS} | {f: f for f, _, _ in COLUMNS}
    positions: dict[str, int] = {}
    errors = []
    for index, title in enumerate(header):
        if not title:
            continue
        name = by_header.get(title.lower())
        if name is None:
            errors.append(f"Dòng 1: cột “{title}” không thuộc mẫu danh mục chỉ tiêu.")
        elif name in positions:
            errors.append(f"Dòng 1: cột “{title}” xuất hiện hai lần.")
        else:
            positions[name] = index
    for name, title, required in COLUMNS:
        if required and name not in positions:
            errors.append(f"Dòng 1: thiếu cột bắt buộc “{title}”.")
    if errors:
        return [], errors
    if len(table) == 1:
        return [], ["Tệp chỉ có dòng tiêu đề, không có chỉ tiêu nào."]
    items: list[dict] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(table[1:], start=2):
        item: dict = {}
        for name, position in positions.items():
            raw = row[position] if position < len(row) else None
            try:
                value = _parse(name, raw)
            except ValueError as err:
                errors.append(f"Dòng {line}, cột “{HEADERS[name]}”: {err}.")
                continue
            if value is not None:
                item[name] = value
        for name, title, required in COLUMNS:
            if required and not item.get(name) and not any(
                    e.startswith(f"Dòng {line}, cột “{title}”") for e in errors):
                errors.append(f"Dòng {line}, cột “{title}”: chưa nhập.")
        code = item.get("code")
        if code:
            if code in seen:
                errors.append(f"Dòng {line}, cột “{HEADERS['code']}”: mã “{code}” trùng với "
                              f"dòng {seen[code]}.")
            seen.setdefault(code, line)
        item["_line"] = line
        items.append(item)
    return items, errors


@transaction.atomic
def import_file(data: bytes, filename: str) -> ImportResult:
    """Create or update metrics from a file, all-or-nothing."""
    items, errors = read(data, filename)
    result = ImportResult(errors=errors)
    if errors:
        return result
    existing = {m.code: m for m in Metric.objects.filter(code__in=[i["code"] for i in items])}
    to_save = []
    for item in items:
        line = item.pop("_line")
        metric = existing.get(item["code"]) or Metric()
        for name, value in item.items():
            setattr(metric, name, value)
        try:
            metric.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as err:
            for name, messages in err.message_dict.items():
                column = HEADERS.get(name, name)
                for message in messages:
                    result.errors.append(f"Dòng {line}, cột “{column}”: {message}")
            continue
        if metric.min_value is not None and metric.max_value is not None \
                and metric.min_value > metric.max_value:
            result.errors.append(f"Dòng {line}, cột “{HEADERS['max_value']}”: giá trị lớn nhất "
                                 "nhỏ hơn giá trị nhỏ nhất.")
            continue
        if metric.value_type == Metric.ValueType.CHOICE and not metric.choices:
            result.errors.append(f"Dòng {line}, cột “{HEADERS['choices']}”: chỉ tiêu lựa chọn "
                                 "cần danh sách mức.")
            continue
        if metric.rollup == Metric.Rollup.RATIO and not metric.is_percentage:
            result.errors.append(f"Dòng {line}, cột “{HEADERS['rollup']}”: tổng hợp tỷ lệ của "
                                 "tổng chỉ dùng cho chỉ tiêu tỷ lệ (tử số / mẫu số).")
            continue
        to_save.append(metric)
    if result.errors:
        return result
    for metric in to_save:
        if metric.pk:
            result.updated += 1
        else:
            result.created += 1
        metric.save()
    return result


def import_upload(upload: IO[bytes], filename: str) -> ImportResult:
    data = upload.read(MAX_BYTES + 1)
    return import_file(data, filename)
