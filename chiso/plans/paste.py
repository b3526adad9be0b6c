"""Targets and tasks of a plan from a table: pasted from Word or Excel (tab-separated text)
or read from the Excel template (`excel_template`), through one validation path.

How a table is read:
- the first non-empty row is the header; columns are recognised by their Vietnamese names
  in any order, without regard to case, diacritics or punctuation ("Đơn vị chủ trì",
  "don vi chu tri", "Chủ trì:"); columns not recognised are ignored and listed;
- target value columns are those whose header holds a year ("2025", "Năm 2025", "Mục
  tiêu 2025"), optionally with a level ("2023 cấp tỉnh", "2023 - cấp xã");
- a row with a single filled cell is a heading, as in the plans' own tables ("I. CHÍNH
  QUYỀN SỐ", "2. Nhóm giải pháp về hạ tầng số"): it sets the pillar (targets) or the
  solution group (tasks) of the rows under it;
- units by code, name or short name (or the start of a unique name: "Sở Y tế" for "Sở Y
  tế Quảng Ninh"), among the units of the plan's owner; dates dd/mm/yyyy, or "tháng
  6/2025", "quý II/2025", "năm 2025" (the period's end; its start for a start date),
  or "thường xuyên" (no due date); numbers 1.234,5 and percentages 55 %.

Every problem is reported with its row and column, in Vietnamese; if there is any,
nothing is written (`apply` runs in one transaction and re-checks everything).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chiso.lib.formatting import parse_number
from chiso.metrics.models import Metric
from chiso.orgs.models import Level, OrgUnit

from .models import Plan, SolutionGroup, Target, TargetValue, Task

MAX_ROWS = 2000
TARGETS, TASKS = "targets", "tasks"


def norm(text: Any) -> str:
    """Lower case, no diacritics, punctuation as spaces: how headers and names compare."""
    raw = str(text or "").strip().lower().replace("đ", "d")
    raw = "".join(ch for ch in unicodedata.normalize("NFD", raw) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9%]+", " ", raw).strip()


# field -> (header written in the template and read in Vietnamese whatever the language of
# the screen, other accepted spellings, normalised). gettext_noop: the header is translated
# where it is shown (messages, the template's instructions), never where it is read.
TARGET_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": (gettext_noop("STT"),
             ("tt", "so tt", "so thu tu", "ma", "ma chi tieu ke hoach")),
    "statement": (gettext_noop("Nội dung chỉ tiêu"),
                  ("chi tieu", "muc tieu", "noi dung", "ten chi tieu", "noi dung muc tieu",
                   "chi tieu muc tieu")),
    "pillar": (gettext_noop("Trụ cột, lĩnh vực"), ("tru cot", "linh vuc", "tru cot linh vuc")),
    "group": (gettext_noop("Nhóm giải pháp"), ("nhom nhiem vu", "nhom nhiem vu giai phap")),
    "metric": (gettext_noop("Mã chỉ tiêu đo"),
               ("chi tieu do", "ma so lieu", "metric", "ma chi tieu do luong")),
    "unit": (gettext_noop("Đơn vị đo"), ("don vi duoc do", "pham vi")),
    "comparison": (gettext_noop("So sánh"), ("cach so sanh", "dieu kien")),
    "baseline": (gettext_noop("Giá trị gốc"), ("gia tri co so", "hien trang", "gia tri nam goc")),
    "baseline_year": (gettext_noop("Năm gốc"), ("nam co so",)),
    "lead": (gettext_noop("Đơn vị chủ trì"),
             ("chu tri", "co quan chu tri", "don vi chu tri theo doi")),
    "note": (gettext_noop("Ghi chú"), ("ghi chu khac",)),
}
TASK_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": (gettext_noop("STT"), ("tt", "so tt", "so thu tu", "ma")),
    "description": (gettext_noop("Nội dung nhiệm vụ"),
                    ("nhiem vu", "noi dung", "ten nhiem vu", "nhiem vu giai phap",
                     "noi dung cong viec")),
    "group": (gettext_noop("Nhóm giải pháp"), ("nhom nhiem vu", "nhom nhiem vu giai phap")),
    "lead": (gettext_noop("Đơn vị chủ trì"), ("chu tri", "co quan chu tri")),
    "coordinating": (gettext_noop("Đơn vị phối hợp"), ("phoi hop", "co quan phoi hop")),
    "deliverable": (gettext_noop("Sản phẩm"), ("san pham dau ra", "ket qua", "san pham ket qua")),
    "start": (gettext_noop("Bắt đầu"), ("ngay bat dau", "tu ngay", "thoi gian bat dau")),
    "due": (gettext_noop("Hạn hoàn thành"),
            ("thoi han", "thoi gian hoan thanh", "han", "den ngay", "thoi han hoan thanh")),
    "targets": (gettext_noop("Chỉ tiêu phục vụ"), ("phuc vu chi tieu", "chi tieu lien quan")),
    "dti": (gettext_noop("Chỉ số DTI"), ("ma dti", "dti", "chi so dti phuc vu")),
    "key": (gettext_noop("Trọng tâm"), ("noi dung trong tam",)),
    "note": (gettext_noop("Ghi chú"), ("ghi chu khac",)),
}
REQUIRED = {TARGETS: ("statement",), TASKS: ("description", "lead")}
COLUMNS = {TARGETS: TARGET_COLUMNS, TASKS: TASK_COLUMNS}

COMPARISONS = [  # (normalised spelling, comparison); longest first when matched as prefix
    ("khong qua", Target.Comparison.AT_MOST), ("toi da", Target.Comparison.AT_MOST),
    ("duoi", Target.Comparison.AT_MOST), ("<=", Target.Comparison.AT_MOST),
    ("≤", Target.Comparison.AT_MOST), ("lte", Target.Comparison.AT_MOST),
    ("dat tu", Target.Comparison.AT_LEAST), ("toi thieu", Target.Comparison.AT_LEAST),
    ("it nhat", Target.Comparison.AT_LEAST), ("tren", Target.Comparison.AT_LEAST),
    (">=", Target.Comparison.AT_LEAST), ("≥", Target.Comparison.AT_LEAST),
    ("gte", Target.Comparison.AT_LEAST), ("bang", Target.Comparison.EQUAL),
    ("=", Target.Comparison.EQUAL), ("eq", Target.Comparison.EQUAL),
    ("trong nhom", Target.Comparison.TOP_N), ("top", Target.Comparison.TOP_N),
    ("top", Target.Comparison.TOP_N), ("xep hang", Target.Comparison.TOP_N),
]
COMPARISON_SYMBOLS = {Target.Comparison.AT_LEAST: "≥", Target.Comparison.AT_MOST: "≤",
                      Target.Comparison.EQUAL: "=", Target.Comparison.TOP_N: "top"}
LEVEL_WORDS = [("trung uong", Level.NATIONAL), ("tinh", Level.PROVINCIAL),
               ("huyen", Level.DISTRICT), ("xa", Level.COMMUNE)]
YEAR_RE = re.compile(r"\b(19\d{2}|20\d{2})\b")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ONGOING = ("thuong xuyen", "hang nam", "hang quy", "hang thang", "lien tuc")
YES = ("x", "co", "yes", "1", "true", "trong tam", "v")


# --- the parsed result -------------------------------------------------------------------
@dataclass
class ParsedRow:
    row: int  # the row number as the person sees it (header = 1 in a fresh paste)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedTable:
    kind: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    value_columns: list[tuple[int, int | None]] = field(default_factory=list)  # (year, level)
    new_groups: list[str] = field(default_factory=list)
    source: str = ""  # "the pasted table" or a sheet's name, for messages

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class TableError(Exception):
    """Raised by `apply` when a table is not clean; carries the messages."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def split_pasted(text: str) -> list[list[str]]:
    """Rows of cells from text copied out of Excel or Word (tab-separated; Excel quotes a
    cell holding a line break, which `csv` undoes)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')]


def to_pasted(rows: list[list[Any]]) -> str:
    """The inverse of `split_pasted`, for carrying a table from preview to confirmation."""
    out = io.StringIO()
    csv.writer(out, delimiter="\t", quotechar='"', lineterminator="\n").writerows(rows)
    return out.getvalue()


# --- lookups, built once per table --------------------------------------------------------
def _spelling(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def group_keys(plan: Plan) -> dict[str, SolutionGroup]:
    """A solution group is named by its title, its number, or both ("1. Hạ tầng số")."""
    keys: dict[str, SolutionGroup] = {}
    for g in plan.solution_groups.all():
        keys.update({norm(g.title): g, norm(str(g)): g})
        if g.code:
            keys[norm(g.code)] = g
    return keys


class Lookups:
    def __init__(self, plan: Plan):
        self.plan = plan
        units = list(OrgUnit.objects.subtrees([plan.owner.path]).current()
                     | OrgUnit.objects.filter(pk__in=[plan.owner_id, plan.issuer_id]))
        self.units = {u.pk: u for u in units}
        # Exact spelling first ("Xã Hạ" is not "Xã Hà"), then without diacritics or case.
        self.exact: dict[str, list[OrgUnit]] = {}
        self.by_key: dict[str, list[OrgUnit]] = {}
        for u in self.units.values():
            for key in {_spelling(u.code), _spelling(u.name), _spelling(u.short_name)} - {""}:
                self.exact.setdefault(key, []).append(u)
            for key in {norm(u.code), norm(u.name), norm(u.short_name)} - {""}:
                self.by_key.setdefault(key, []).append(u)
        self.groups = group_keys(plan)
        self.target_codes = {norm(t.code): t for t in plan.targets.exclude(code="")}
        self.task_codes = set(plan.tasks.exclude(code="").values_list("code", flat=True))
        self._metrics: dict[str, Metric | None] = {}

    def unit(self, text: str) -> OrgUnit:
        key = norm(text)
        found = self.exact.get(_spelling(text)) or self.by_key.get(key, [])
        if not found:  # the start of a name: "Sở Y tế" for "Sở Y tế Quảng Ninh"
            found = [u for u in self.units.values() if norm(u.name).startswith(key + " ")]
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(_("không tìm thấy đơn vị “%(t)s” thuộc %(o)s (ghi mã, tên hoặc "
                               "tên ngắn của đơn vị)") % {"t": text, "o": self.plan.owner.name})
        names = ", ".join(sorted(f"{u.name} ({u.code})" for u in found)[:5])
        raise ValueError(_("“%(t)s” trùng tên nhiều đơn vị: %(n)s; hãy ghi mã đơn vị")
                         % {"t": text, "n": names})

    def metric(self, text: str) -> Metric:
        key = text.strip()
        if key not in self._metrics:
            self._metrics[key] = (Metric.objects.filter(code__iexact=key).first()
                                  or Metric.objects.filter(name__iexact=key).first())
        if self._metrics[key] is None:
            raise ValueError(_("không có chỉ tiêu đo mã hoặc tên “%(t)s” trong danh mục")
                             % {"t": text})
        return self._metrics[key]


# --- cell readers (each raises ValueError with a message that completes "…: ") --------------
def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return re.sub(r"[ \t\u00a0]+", " ", str(value)).strip()


def read_number(value: Any) -> Decimal:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = cell_text(value)
    try:
        return parse_number(text, "vi")
    except ValueError:
        raise ValueError(_("“%(t)s” không phải là số (viết như 1.234,5 hoặc 55%%)")
                         % {"t": text}) from None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def read_date(value: Any, *, start: bool = False) -> dt.date | None:
    """A date, or the start/end of a month, quarter or year; None for ongoing work."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    key = norm(text)
    if not key or any(key.startswith(w) for w in ONGOING):
        return None
    bad = ValueError(_("“%(t)s” không phải là ngày (dd/mm/yyyy, tháng 6/2025, quý II/2025 "
                       "hoặc năm 2025)") % {"t": text})
    m = re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", text)
    if m:
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            raise bad from None
    m = re.fullmatch(r"(?:quy|q)\s*(i{1,3}|iv|[1-4])\s*(?:nam)?\s*(\d{4})", key)
    if m:
        q = ROMAN.get(m[1]) or int(m[1])
        return dt.date(int(m[2]), 3 * q - 2, 1) if start else _month_end(int(m[2]), 3 * q)
    m = re.fullmatch(r"(?:thang)?\s*(\d{1,2})\s*(?:nam)?\s*(\d{4})", key)
    if m and 1 <= int(m[1]) <= 12:
        return dt.date(int(m[2]), int(m[1]), 1) if start else _month_end(int(m[2]), int(m[1]))
    m = re.fullmatch(r"(?:nam\s*)?(\d{4})", key)
    if m:
        return dt.date(int(m[1]), 1, 1) if start else dt.date(int(m[1]), 12, 31)
    raise bad


def read_comparison(value: Any) -> str:
    key = norm(value) or str(value or "").strip()
    raw = str(value or "").strip()
    for spelling, comparison in COMPARISONS:
        if key.startswith(spelling) or raw.startswith(spelling):
            return comparison
    raise ValueError(_("“%(t)s” không phải là cách so sánh (≥, ≤, =, hoặc “top N”)")
                     % {"t": raw})


def split_list(value: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[;,\n]+", cell_text(value).replace("\n", ";"))
            if p.strip()]


def read_goal(value: Any) -> tuple[Decimal, str | None]:
    """A target value, possibly with its comparison written in front ("≥ 80%", "Top 10")."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value)), None
    text = cell_text(value)
    m = re.match(r"^\s*(>=|<=|≥|≤|=|top|tốp|trong nhóm)\s*(.*)$", text, re.IGNORECASE)
    if m:
        return read_number(m[2]), read_comparison(m[1].replace("tốp", "top"))
    return read_number(text), None


# --- headers --------------------------------------------------------------------------------
def _header_index(kind: str) -> dict[str, str]:
    index = {}
    for name, (label, others) in COLUMNS[kind].items():
        index[norm(label)] = name
        for other in others:
            index[norm(other)] = name
    return index


def _value_column(header: str) -> tuple[int, int | None] | None:
    key = norm(header)
    m = YEAR_RE.search(key)
    if not m or "goc" in key or "co so" in key:
        return None
    rest = key.replace(m[1], " ")
    level = None
    for word, lvl in LEVEL_WORDS:
        if re.search(rf"\b{word}\b", rest):
            level = lvl
            break
    return int(m[1]), level


def _map_header(cells: list[Any], table: ParsedTable) -> dict[int, str | tuple]:
    index = _header_index(table.kind)
    mapping: dict[int, str | tuple] = {}
    seen: dict[str | tuple, str] = {}
    for col, raw in enumerate(cells):
        label = cell_text(raw)
        if not label:
            continue
        name: str | tuple | None = index.get(norm(label))
        if name is None and table.kind == TARGETS:
            name = _value_column(label)
        if name is None:
            table.ignored_columns.append(label)
            continue
        if name in seen:
            table.errors.append(_("Hai cột “%(a)s” và “%(b)s” cùng chỉ một nội dung; hãy bỏ "
                                  "một cột.") % {"a": seen[name], "b": label})
            continue
        seen[name] = label
        mapping[col] = name
    for required in REQUIRED[table.kind]:
        if required not in mapping.values():
            label = COLUMNS[table.kind][required][0]
            table.errors.append(_("Thiếu cột “%(c)s” ở dòng tiêu đề (dòng đầu tiên của bảng).")
                                % {"c": label})
    table.value_columns = sorted(n for n in mapping.values() if isinstance(n, tuple))
    return mapping


def _column_label(kind: str, name: str | tuple) -> str:
    if isinstance(name, tuple):
        year, level = name
        return (_("Năm %(y)s, %(l)s") % {"y": year, "l": Level(level).label}
                if level is not None else _("Năm %(y)s") % {"y": year})
    return _(COLUMNS[kind][name][0])


# --- parsing --------------------------------------------------------------------------------
def parse_text(plan: Plan, text: str, kind: str, *, lookups: Lookups | None = None,
               pending_targets: set[str] | None = None, source: str = "") -> ParsedTable:
    rows = split_pasted(text)
    if not any(len(r) > 1 for r in rows):
        table = ParsedTable(kind, source=source)
        table.errors.append(_("Không thấy các cột của bảng (dấu tab). Hãy chọn cả bảng trong "
                              "Excel hoặc Word, sao chép (Ctrl+C) rồi dán vào đây."))
        return table
    return parse_rows(plan, rows, kind, lookups=lookups, pending_targets=pending_targets,
                      source=source)


def parse_rows(plan: Plan, rows: list[list[Any]], kind: str, *, source: str = "",
               lookups: Lookups | None = None, pending_targets: set[str] | None = None
               ) -> ParsedTable:
    """Check every cell of a table (header first) against the plan; nothing is written."""
    table = ParsedTable(kind, source=source)
    lookups = lookups or Lookups(plan)
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(cell_text(c) for c in r)]
    if not numbered:
        table.errors.append(_("Bảng trống: hãy dán cả dòng tiêu đề và các dòng nội dung."))
        return table
    header_row, header = numbered[0]
    mapping = _map_header(header, table)
    if table.errors:
        return table
    body = numbered[1:]
    if len(body) > MAX_ROWS:
        table.errors.append(_("Bảng có %(n)d dòng, nhiều hơn giới hạn %(m)d dòng mỗi lần.")
                            % {"n": len(body), "m": MAX_ROWS})
        return table
    context: dict[str, str] = {}  # the heading the rows below belong to
    codes_here: set[str] = set()
    new_groups: dict[str, str] = {}
    for number, cells in body:
        filled = [cell_text(c) for c in cells if cell_text(c)]
        named = {mapping[c]: cells[c] for c in mapping if c < len(cells)
                 and cell_text(cells[c])}
        heading = _heading(named, filled, kind)
        if heading:
            context["heading"] = heading
            continue
        row = ParsedRow(number)
        problems: list[str] = []

        def err(name, message, _problems=problems, _number=number):
            where = _("Dòng %(r)d, cột “%(c)s”") % {"r": _number, "c": _column_label(kind, name)}
            if source:
                where = f"{source} – {where}"
            _problems.append(f"{where}: {message}.")

        reader = _read_target if kind == TARGETS else _read_task
        reader(row, named, err, lookups, context, pending_targets)
        code = row.data.get("code", "")
        if code:
            if code in codes_here:
                err("code", _("số thứ tự “%(c)s” lặp lại trong bảng") % {"c": code})
            elif (kind == TARGETS and norm(code) in lookups.target_codes) or (
                    kind == TASKS and code in lookups.task_codes):
                err("code", _("kế hoạch đã có mục số “%(c)s”; đổi số thứ tự hoặc bỏ dòng này")
                    % {"c": code})
            codes_here.add(code)
        group = row.data.get("group_title")
        if group and norm(group) not in lookups.groups:
            new_groups.setdefault(norm(group), group)
        table.errors.extend(problems)
        table.rows.append(row)
    table.new_groups = list(new_groups.values())
    if not table.rows and not table.errors:
        table.errors.append(_("Bảng chỉ có dòng tiêu đề, chưa có dòng nội dung nào."))
    return table


HEADING_RE = re.compile(r"^\s*([IVX]+|[A-Z])[.)]\s+\S")


def _heading(named: dict, filled: list[str], kind: str) -> str | None:
    """A section heading of the plan's table ("I. CHÍNH QUYỀN SỐ", "Nhóm 2: …"), written
    in one cell, or as a Roman numeral in the number column and a title beside it."""
    text_field = "statement" if kind == TARGETS else "description"
    if len(filled) == 1 and set(named) <= {"code", text_field, "group", "pillar"}:
        text = filled[0]
        bare = re.sub(r"^\d+\s+", "", norm(text))  # "2. Nhóm giải pháp…" is a heading
        if HEADING_RE.match(text) or text.isupper() or bare.startswith("nhom "):
            return text
        return None
    code = cell_text(named.get("code"))
    if (set(named) == {"code", text_field} and re.fullmatch(r"[IVX]+\.?", code)):
        return f"{code.rstrip('.')}. {cell_text(named[text_field])}"
    return None


def _pillar(heading: str) -> str:
    """"I. CHÍNH QUYỀN SỐ" → "Chính quyền số"."""
    text = re.sub(r"^\s*([IVX]+|[A-Z]|\d+)[.)]\s*", "", heading).strip()
    return text[:1] + text[1:].lower() if text.isupper() else text


def _read_common(row: ParsedRow, named: dict, err, lookups: Lookups, context: dict) -> None:
    row.data["code"] = cell_text(named.get("code"))[:20]
    if "group" in named:
        row.data["group_title"] = cell_text(named["group"])[:500]
    row.data["note"] = cell_text(named.get("note"))
    if "lead" in named:
        try:
            row.data["lead"] = lookups.unit(cell_text(named["lead"]))
        except ValueError as e:
            err("lead", str(e))


def _read_target(row: ParsedRow, named: dict, err, lookups: Lookups, context: dict,
                 _pending) -> None:
    _read_common(row, named, err, lookups, context)
    statement = cell_text(named.get("statement"))
    if not statement:
        err("statement", _("cần ghi nội dung chỉ tiêu"))
    row.data["statement"] = statement
    row.data["pillar"] = (cell_text(named.get("pillar"))
                          or _pillar(context.get("heading", "")))[:120]
    for name in ("metric", "unit"):
        if name in named:
            try:
                found = (lookups.metric if name == "metric" else lookups.unit)(
                    cell_text(named[name]))
                row.data[name] = found
            except ValueError as e:
                err(name, str(e))
    comparison = None
    if "comparison" in named:
        try:
            comparison = read_comparison(named["comparison"])
        except ValueError as e:
            err("comparison", str(e))
    if "baseline" in named:
        try:
            row.data["baseline"] = read_number(named["baseline"])
        except ValueError as e:
            err("baseline", str(e))
    if "baseline_year" in named:
        text = cell_text(named["baseline_year"])
        if re.fullmatch(r"(19|20)\d{2}", text):
            row.data["baseline_year"] = int(text)
        else:
            err("baseline_year", _("“%(t)s” không phải là một năm") % {"t": text})
    values: dict[tuple[int, int | None], Decimal] = {}
    for name, raw in named.items():
        if not isinstance(name, tuple):
            continue
        try:
            goal, written = read_goal(raw)
        except ValueError as e:
            err(name, str(e))
            continue
        if written and comparison and written != comparison:
            err(name, _("cách so sánh “%(a)s” khác với cột So sánh") % {"a": cell_text(raw)})
        comparison = comparison or written
        values[name] = goal
    row.data["comparison"] = comparison or Target.Comparison.AT_LEAST
    row.data["values"] = values
    if row.data["comparison"] == Target.Comparison.TOP_N:
        for key, goal in values.items():
            if goal != goal.to_integral_value() or goal < 1:
                err(key, _("với “top N”, N phải là số nguyên dương"))


def _read_task(row: ParsedRow, named: dict, err, lookups: Lookups, context: dict,
               pending_targets: set[str] | None) -> None:
    _read_common(row, named, err, lookups, context)
    if "group_title" not in row.data and context.get("heading"):
        row.data["group_title"] = context["heading"][:500]
    description = cell_text(named.get("description"))
    if not description:
        err("description", _("cần ghi nội dung nhiệm vụ"))
    row.data["description"] = description
    if "lead" not in named:
        err("lead", _("cần ghi đơn vị chủ trì"))
    coordinating = []
    for part in split_list(named.get("coordinating")):
        try:
            coordinating.append(lookups.unit(part))
        except ValueError as e:
            err("coordinating", str(e))
    row.data["coordinating"] = coordinating
    row.data["deliverable"] = cell_text(named.get("deliverable"))[:500]
    for name in ("start", "due"):
        if name in named:
            try:
                row.data[name] = read_date(named[name], start=name == "start")
            except ValueError as e:
                err(name, str(e))
    start, due = row.data.get("start"), row.data.get("due")
    if start and due and due < start:
        err("due", _("hạn hoàn thành %(d)s trước ngày bắt đầu %(s)s") % {
            "d": due.strftime("%d/%m/%Y"), "s": start.strftime("%d/%m/%Y")})
    codes = split_list(named.get("targets"))
    known = set(lookups.target_codes) | {norm(c) for c in (pending_targets or set())}
    for code in codes:
        if norm(code) not in known:
            err("targets", _("kế hoạch không có chỉ tiêu số “%(c)s”") % {"c": code})
    row.data["target_codes"] = codes
    row.data["dti"] = cell_text(named.get("dti"))[:40]
    row.data["key"] = norm(named.get("key")) in YES


# --- writing --------------------------------------------------------------------------------
@dataclass
class Applied:
    targets: int = 0
    tasks: int = 0
    groups: int = 0


def check(plan: Plan, *, targets_text: str = "", tasks_text: str = "",
          sources: dict[str, str] | None = None) -> list[ParsedTable]:
    """Parse the targets and/or tasks tables of one submission (tasks may name the
    targets of the same submission). `sources` names each table in messages (the
    sheets of an uploaded workbook)."""
    sources = sources or {}
    lookups = Lookups(plan)
    tables = []
    pending: set[str] = set()
    if targets_text.strip():
        tables.append(parse_text(plan, targets_text, TARGETS, lookups=lookups,
                                 source=sources.get(TARGETS, "")))
        pending = {r.data.get("code", "") for r in tables[-1].rows} - {""}
    if tasks_text.strip():
        tables.append(parse_text(plan, tasks_text, TASKS, lookups=lookups,
                                 pending_targets=pending, source=sources.get(TASKS, "")))
    return tables


def apply(plan: Plan, *, targets_text: str = "", tasks_text: str = "",
          sources: dict[str, str] | None = None) -> Applied:
    """Write the tables to the plan, all or nothing. Raises TableError if anything is
    wrong (re-checked here, inside the transaction, whatever the preview said)."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        tables = check(plan, targets_text=targets_text, tasks_text=tasks_text, sources=sources)
        errors = [e for t in tables for e in t.errors]
        if errors or not tables:
            raise TableError(errors or [_("Chưa có bảng nào để ghi.")])
        result = Applied()
        groups = _groups(plan, tables, result)
        by_code = {norm(t.code): t for t in plan.targets.exclude(code="")}
        for table in tables:
            if table.kind == TARGETS:
                created = _write_targets(plan, table, groups)
                by_code.update({norm(t.code): t for t in created if t.code})
                result.targets += len(created)
            else:
                result.tasks += _write_tasks(plan, table, groups, by_code)
        return result


def _groups(plan: Plan, tables: list[ParsedTable], result: Applied) -> dict[str, SolutionGroup]:
    groups = group_keys(plan)
    order = (plan.solution_groups.aggregate(m=Max("order"))["m"] or 0) + 1
    for table in tables:
        for title in table.new_groups:
            if norm(title) in groups:
                continue
            m = re.match(r"^\s*([0-9]+|[IVX]+)[.)]\s*(.+)$", title)
            code, name = (m[1], m[2]) if m else ("", title)
            groups[norm(title)] = SolutionGroup.objects.create(plan=plan, code=code, title=name,
                                                              order=order)
            order += 1
            result.groups += 1
    return groups


def _next_order(qs) -> int:
    return (qs.aggregate(m=Max("order"))["m"] or 0) + 1


def _write_targets(plan: Plan, table: ParsedTable, groups: dict) -> list[Target]:
    order = _next_order(plan.targets)
    created = []
    for i, row in enumerate(table.rows):
        d = row.data
        target = Target.objects.create(
            plan=plan, code=d["code"], order=order + i, statement=d["statement"],
            pillar=d["pillar"], solution_group=groups.get(norm(d.get("group_title"))),
            metric=d.get("metric"), unit=d.get("unit"), comparison=d["comparison"],
            baseline_value=d.get("baseline"), baseline_year=d.get("baseline_year"),
            lead_unit=d.get("lead"), note=d["note"])
        TargetValue.objects.bulk_create([
            TargetValue(target=target, year=year, level=level, value=value)
            for (year, level), value in sorted(d["values"].items(),
                                               key=lambda kv: (kv[0][0], kv[0][1] or -1))])
        created.append(target)
    return created


def _write_tasks(plan: Plan, table: ParsedTable, groups: dict, by_code: dict) -> int:
    order = _next_order(plan.tasks)
    for i, row in enumerate(table.rows):
        d = row.data
        task = Task.objects.create(
            plan=plan, code=d["code"], order=order + i, description=d["description"],
            solution_group=groups.get(norm(d.get("group_title"))), lead_unit=d["lead"],
            deliverable=d["deliverable"], start_date=d.get("start"), due_date=d.get("due"),
            dti_component=d["dti"], is_key=d["key"], note=d["note"])
        if d["coordinating"]:
            task.coordinating_units.set({u.pk for u in d["coordinating"]} - {d["lead"].pk})
        if d["target_codes"]:
            task.targets.set([by_code[norm(c)] for c in d["target_codes"]])
    return len(table.rows)

