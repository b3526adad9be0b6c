"""DHIS2 `dataValueSets` exchange: reading DHIS2 JSON and CSV into `tabular.Row`s (which
`intake.import_rows` imports like any file), and turning values into DHIS2 data values.

The mapping (docs/data-exchange.md says the same for users):
- identifiers are codes (DHIS2's idScheme=CODE): dataElement = metric code, orgUnit = unit
  code; a DHIS2 instance that exchanges with chiso gives its data elements and org units
  the same codes;
- periods: DHIS2 writes a month `202407`, chiso `2024-07`; years, halves and quarters are
  written alike (`2024`, `2024S1`, `2024Q3`). Other DHIS2 period types (weeks, days,
  financial years) have no chiso equivalent and are refused;
- a percentage kept as numerator and denominator travels as two data values of the same
  dataElement × orgUnit × period, told apart by categoryOptionCombo `TU_SO` (numerator)
  and `MAU_SO` (denominator); they merge back into one row. Every other value has no
  categoryOptionCombo (or DHIS2's `default`). A lone half is an error naming the half
  that is missing;
- yes/no is `true` / `false`; choices are their code, texts their text;
- `storedBy`, `created`, `lastUpdated` and `followup` are written on export for the other
  system's information and ignored on import: chiso records who imported and when in the
  value's history. A `deleted: true` value is refused (nothing is deleted by a file).

Positions: a JSON data value's "row" is its 1-based position in `dataValues`; a CSV data
value's is its line. `Dhis2Table.locate` turns intake's "row/column" errors back into
"Giá trị thứ 12 (dataValues[11]), trường “period”: …".
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from . import periods as P
from .tabular import CellError, FileRejected, Row, Table, normalise_header, unquote

if TYPE_CHECKING:

    pass

JSON, CSV = "dhis2-json", "dhis2-csv"
NUMERATOR, DENOMINATOR = "TU_SO", "MAU_SO"
PARTS = {NUMERATOR: "numerator", DENOMINATOR: "denominator"}
# DHIS2's default category option combo, by code, name and its well-known uid.
DEFAULT_COMBOS = {"", "default", "HllvX50cXC0"}

# A data value's JSON field → the `tabular.COLUMNS` field it fills.
JSON_FIELDS = {"dataElement": "metric", "orgUnit": "unit", "period": "period",
               "value": "value", "comment": "comment"}
FIELD_OF_COLUMN = {column: name for name, column in JSON_FIELDS.items()}

# DHIS2 CSV column (normalised as `tabular.normalise_header` does) → data value field.
# DHIS2 reads its CSV by position and ignores the header; chiso reads the header, and
# accepts the spellings DHIS2 versions have written.
CSV_HEADERS = {
    "dataelement": "dataElement", "dataelelement": "dataElement", "data element": "dataElement",
    "period": "period",
    "orgunit": "orgUnit", "org unit": "orgUnit",
    "catoptcombo": "categoryOptionCombo", "categoryoptioncombo": "categoryOptionCombo",
    "category option combo": "categoryOptionCombo",
    "attroptcombo": "attributeOptionCombo", "attributeoptioncombo": "attributeOptionCombo",
    "attribute option combo": "attributeOptionCombo",
    "value": "value", "storedby": "storedBy", "stored by": "storedBy",
    "lastupdated": "lastUpdated", "last updated": "lastUpdated", "timestamp": "lastUpdated",
    "created": "created", "comment": "comment", "followup": "followup",
    "follow up": "followup", "deleted": "deleted",
}
# The columns chiso writes, in DHIS2's order.
CSV_COLUMNS = ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value",
               "storedby", "lastupdated", "comment", "followup"]
# Only DHIS2 CSV has these: a chiso CSV with "data element" and "org unit" headers is ours.
_DHIS2_ONLY = {"catoptcombo", "categoryoptioncombo", "attroptcombo", "attributeoptioncombo",
               "storedby", "followup"}
_MONTH = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")


# --- periods -----------------------------------------------------------------------------
def period_from_dhis2(code: str) -> str:
    """`202407` → `2024-07`; `2024`, `2024S1`, `2024Q3` (and chiso's `2024-07`) as they are.
    Raises PeriodError (Vietnamese) for period types chiso does not keep."""
    text = (code or "").strip().upper()
    match = _MONTH.match(text)
    if match:
        text = f"{match.group(1)}-{match.group(2)}"
    try:
        return P.parse(text).code
    except P.PeriodError:
        raise P.PeriodError(_(
            "kỳ “%(c)s” không hợp lệ hoặc không được hỗ trợ; dùng kỳ DHIS2 dạng 2024 (năm), "
            "2024S1 (6 tháng), 2024Q3 (quý) hoặc 202407 (tháng).") % {"c": code}) from None


def period_to_dhis2(code: str) -> str:
    parsed = P.parse(code)
    if parsed.kind == P.MONTH:
        return f"{parsed.year}{parsed.number:02d}"
    return parsed.code


# --- reading -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Dhis2Error(CellError):
    """A CellError located in DHIS2 terms (`where`), e.g. "Giá trị thứ 3 (dataValues[2]),
    trường “period”"."""

    where: str = ""
    name: str = ""  # the data value's field ("period", "categoryOptionCombo"), if one

    def __str__(self) -> str:
        message = self.message[:1].upper() + self.message[1:]
        return f"{self.where}: {message}" if self.where else message


@dataclass
class Dhis2Table(Table):
    # row line → {tabular column → position of the data value that gave it}: the two
    # halves of a percentage come from two data values.
    positions: dict[int, dict[str, int]] = field(default_factory=dict)

    @property
    def is_json(self) -> bool:
        return self.fmt == JSON

    def where(self, position: int | None, name: str | None) -> str:
        """`Giá trị thứ 12 (dataValues[11]), trường “period”` or `Dòng 12, cột “period”`."""
        if position is None:
            return ""
        if self.is_json:
            text = _("Giá trị thứ %(n)s (dataValues[%(i)s])") % {"n": position, "i": position - 1}
            return text + (_(", trường “%(f)s”") % {"f": name} if name else "")
        text = _("Dòng %(n)s") % {"n": position}
        return text + (_(", cột “%(c)s”") % {"c": _csv_name(name)} if name else "")

    def path(self, error: CellError) -> str:
        """`dataValues[11].period` (JSON) or `12.period` (CSV line), for API conflicts."""
        if error.row is None:
            return ""
        base = f"dataValues[{error.row - 1}]" if self.is_json else str(error.row)
        name = getattr(error, "name", "")
        return f"{base}.{name}" if name else base

    def locate(self, error: CellError) -> CellError:
        """An intake error (row = the row's line, column = a `tabular.COLUMNS` field) →
        the same error named by the data value's position and DHIS2 field."""
        if isinstance(error, Dhis2Error) or error.row is None:
            return error
        parts = self.positions.get(error.row, {})
        column = error.column
        message = error.message
        position = parts.get(column or "", error.row)
        name = FIELD_OF_COLUMN.get(column or "")
        if column in PARTS.values():
            half = NUMERATOR if column == "numerator" else DENOMINATOR
            name = "value"
            if column not in parts:  # the half is missing: point at the half that is there
                position = parts.get("numerator") or parts.get("denominator") or error.row
                name = "categoryOptionCombo"
                if error.code == "required":
                    message = _missing_half(half)
        return Dhis2Error(message, position, column, None, error.code,
                          where=self.where(position, name), name=name or "")


def _csv_name(name: str | None) -> str:
    return {"dataElement": "dataelement", "orgUnit": "orgunit",
            "categoryOptionCombo": "catoptcombo", "attributeOptionCombo": "attroptcombo",
            }.get(name or "", name or "")


def _missing_half(half: str) -> str:
    label = _("tử số") if half == NUMERATOR else _("mẫu số")
    return _("chỉ tiêu tỷ lệ cần hai giá trị categoryOptionCombo “%(a)s” (tử số) và “%(b)s” "
             "(mẫu số) cùng dataElement, orgUnit, period; thiếu %(label)s (“%(half)s”).") % {
        "a": NUMERATOR, "b": DENOMINATOR, "label": label, "half": half}


def looks_like_dhis2_csv(fileobj: IO[bytes]) -> bool:
    """True if the file's first line is a DHIS2 data value CSV header."""
    start = fileobj.tell()
    head = fileobj.read(4096)
    fileobj.seek(start)
    try:
        first = head.decode("utf-8-sig", errors="ignore").splitlines()[0]
    except IndexError:
        return False
    names = {normalise_header(n).replace(" ", "") for n in next(csv.reader([first]), [])}
    # "dataelelement": the spelling of DHIS2's own early documentation.
    return bool(names & {"dataelement", "dataelelement"}) and bool(names & _DHIS2_ONLY)


def read_table(fileobj: IO[bytes], fmt: str) -> Dhis2Table:
    """Read a DHIS2 JSON or CSV file (already size-checked by `tabular.read_table`)."""
    fileobj.seek(0)
    data = fileobj.read()
    if fmt == JSON:
        return read_json(data)
    return read_csv(data)


def read_json(data: bytes | str) -> Dhis2Table:
    try:
        document = json.loads(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
    except UnicodeDecodeError:
        raise FileRejected(_("Tệp JSON không ở mã UTF-8.")) from None
    except json.JSONDecodeError as exc:
        raise FileRejected(_("Tệp JSON không hợp lệ ở dòng %(line)s, cột %(col)s: %(msg)s.") % {
            "line": exc.lineno, "col": exc.colno, "msg": _json_reason(exc.msg)}) from None
    return from_document(document)


def _json_reason(msg: str) -> str:
    reasons = {"Expecting value": _("thiếu giá trị"),
               "Expecting ',' delimiter": _("thiếu dấu phẩy"),
               "Expecting ':' delimiter": _("thiếu dấu hai chấm"),
               "Expecting property name enclosed in double quotes":
                   _("tên trường phải đặt trong dấu nháy kép"),
               "Unterminated string starting at": _("chuỗi chưa đóng nháy"),
               "Extra data": _("có dữ liệu thừa sau nội dung JSON"),
               "Invalid control character at": _("ký tự điều khiển không hợp lệ")}
    return reasons.get(msg, msg)


def from_document(document: Any) -> Dhis2Table:
    """A parsed dataValueSets document → rows. Raises FileRejected when the document as a
    whole is wrong (not an object, no `dataValues` list)."""
    if not isinstance(document, dict):
        raise FileRejected(_("Nội dung JSON phải là một đối tượng dataValueSets "
                             "({\"dataValues\": [...]})."))
    if "dataValues" not in document:
        raise FileRejected(_("Tệp JSON thiếu trường “dataValues” (danh sách các giá trị)."))
    items = document["dataValues"]
    if not isinstance(items, list):
        raise FileRejected(_("Trường “dataValues” phải là một danh sách."))
    if not items:
        raise FileRejected(_("Trường “dataValues” không có giá trị nào."))
    table = Dhis2Table(fmt=JSON)
    defaults: dict[str, Any] = {}
    for name in ("period", "orgUnit", "attributeOptionCombo"):
        value = document.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise FileRejected(_("Trường “%(f)s” của tệp phải là chuỗi ký tự.") % {"f": name})
            defaults[name] = value
    values: list[tuple[int, dict[str, Any]]] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            table.errors.append(Dhis2Error(
                _("phải là một đối tượng JSON."), position, where=table.where(position, None)))
            continue
        values.append((position, {**defaults, **item} if defaults else item))
    _collect(table, values, has_comment=any(
        "comment" in item for item in items if isinstance(item, dict)))
    return table


def read_csv(data: bytes) -> Dhis2Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(_("Tệp CSV không ở mã UTF-8.")) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        names: dict[int, str] = {}
        for index, title in enumerate(header):
            name = CSV_HEADERS.get(normalise_header(title)) or CSV_HEADERS.get(
                normalise_header(title).replace(" ", ""))
            if name and name not in names.values():
                names[index] = name
        missing = [n for n in ("dataelement", "period", "orgunit", "value")
                   if CSV_HEADERS[n] not in names.values()]
        if missing:
            raise FileRejected(_("Tệp CSV DHIS2 thiếu cột: %(c)s. Dòng đầu là tiêu đề: %(h)s.")
                               % {"c": ", ".join(missing), "h": ",".join(CSV_COLUMNS)})
        values: list[tuple[int, dict[str, Any]]] = []
        fields = list(names.values())
        width = max(names) + 1
        pick = (itemgetter(*names) if len(names) > 1 else lambda r: (r[next(iter(names))],))
        for record in reader:
            joined = "".join(record)
            if not joined.strip():
                continue
            if len(record) < width:
                record = record + [None] * (width - len(record))
            item = dict(zip(fields, pick(record), strict=True))
            if "'" in joined:  # rarely: only then can a cell carry export's apostrophe
                item = {name: unquote(value) for name, value in item.items()}
            values.append((reader.line_num, item))
    except csv.Error as exc:
        raise FileRejected(_("Tệp CSV bị lỗi định dạng: %(e)s") % {"e": exc}) from None
    if not values:
        raise FileRejected(_("Tệp không có dòng số liệu nào."))
    table = Dhis2Table(fmt=CSV)
    _collect(table, values, has_comment="comment" in names.values())
    return table


def _collect(table: Dhis2Table, values: list[tuple[int, dict[str, Any]]],
             has_comment: bool) -> None:
    """Check each data value's fields and merge percentage halves into rows."""
    rows: dict[tuple[str, str, str], Row] = {}
    periods: dict[str, str | P.PeriodError] = {}
    if has_comment:
        table.columns.add("comment")

    def err(position: int, name: str | None, message: str, column: str | None = None) -> None:
        table.errors.append(Dhis2Error(message, position, column, where=table.where(
            position, name if table.is_json else _csv_name(name)), name=name or ""))

    for position, item in values:
        cells: dict[str, Any] = {}
        ok = True
        for name in ("dataElement", "orgUnit", "period"):
            raw = item.get(name)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                err(position, name, _("chưa có (bắt buộc)."), JSON_FIELDS[name])
                ok = False
            elif not isinstance(raw, str):
                err(position, name, _("phải là chuỗi ký tự."), JSON_FIELDS[name])
                ok = False
            else:
                cells[JSON_FIELDS[name]] = raw.strip()
        if "period" in cells:
            period = periods.get(cells["period"])
            if period is None:  # once per code: a file repeats a handful of periods
                try:
                    period = period_from_dhis2(cells["period"])
                except P.PeriodError as exc:
                    period = exc
                periods[cells["period"]] = period
            if isinstance(period, P.PeriodError):
                err(position, "period", str(period), "period")
                ok = False
            else:
                cells["period"] = period
        combo = item.get("categoryOptionCombo")
        combo = combo.strip() if isinstance(combo, str) else combo
        part = None
        if combo not in (None, *DEFAULT_COMBOS):
            part = PARTS.get(combo) if isinstance(combo, str) else None
            if part is None:
                err(position, "categoryOptionCombo", _(
                    "“%(v)s” không được hỗ trợ: chỉ nhận “%(n)s” (tử số), “%(d)s” (mẫu số) "
                    "hoặc để trống.") % {"v": combo, "n": NUMERATOR, "d": DENOMINATOR})
                ok = False
        attribute = item.get("attributeOptionCombo")
        if attribute not in (None, *DEFAULT_COMBOS):
            err(position, "attributeOptionCombo", _(
                "“%(v)s” không được hỗ trợ: chiso không dùng attributeOptionCombo; để trống "
                "hoặc “default”.") % {"v": attribute})
            ok = False
        if item.get("deleted") in (True, "true", "TRUE", "True"):
            err(position, "deleted", _("tệp trao đổi không dùng để xóa số liệu; hãy bỏ giá "
                                       "trị này khỏi tệp."))
            ok = False
        value = item.get("value")
        if isinstance(value, (dict, list)):
            err(position, "value", _("phải là chuỗi, số hoặc true/false."), "value")
            ok = False
        comment = item.get("comment")
        if comment is not None and not isinstance(comment, str):
            err(position, "comment", _("phải là chuỗi ký tự."), "comment")
            ok = False
        if not ok:
            continue
        key = (cells["metric"], cells["unit"], cells["period"])
        row = rows.get(key)
        slot = part or "value"
        if row is None:
            row = rows[key] = Row(position, {**cells, "comment": None})
            table.rows.append(row)
            table.positions[position] = {"unit": position, "metric": position,
                                         "period": position}
        spots = table.positions[row.line]
        if slot in spots:
            err(position, "categoryOptionCombo" if part else None, _(
                "trùng với giá trị thứ %(n)s (cùng dataElement, orgUnit, period%(c)s).") % {
                "n": spots[slot], "c": ", categoryOptionCombo" if part else ""}
                if table.is_json else _(
                "trùng với dòng %(n)s (cùng dataelement, orgunit, period%(c)s).") % {
                "n": spots[slot], "c": ", catoptcombo" if part else ""})
            continue
        spots[slot] = position
        row.cells[slot] = _cell(value)
        if isinstance(comment, str) and comment.strip():
            earlier = row.cells.get("comment")
            row.cells["comment"] = comment if not earlier or earlier == comment else (
                f"{earlier}\n{comment}")
            spots["comment"] = position


def _cell(value: Any) -> Any:
    """A data value's value as intake reads cells. DHIS2 writes numbers in machine
    notation ("1.234" is one and a bit); a cell of text would be read the Vietnamese way
    first (a thousand two hundred …), so such numbers become Decimals — only when the
    Decimal prints back as the same text, so a text value ("007", "1.2.3") is untouched."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value)
    if "." in text:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        if number.is_finite() and str(number) == text:
            return number
    return text


# --- writing -----------------------------------------------------------------------------
def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def data_values(values: Iterable) -> Iterator[dict[str, Any]]:
    """DataValues (with unit, metric, period and updated_by loaded) → DHIS2 data values.
    A percentage gives two (TU_SO, MAU_SO); a value with nothing to send gives none."""
    from .models import Metric

    T = Metric.ValueType
    for dv in values:
        metric = dv.metric
        base: dict[str, Any] = {
            "dataElement": metric.code, "period": period_to_dhis2(dv.period.code),
            "orgUnit": dv.unit.code}
        extra: dict[str, Any] = {
            "storedBy": dv.updated_by.username if dv.updated_by_id else "",
            "created": dv.created_at.isoformat(), "lastUpdated": dv.updated_at.isoformat(),
            "followup": False}
        if dv.comment:
            extra["comment"] = dv.comment
        if metric.value_type == T.PERCENTAGE and dv.numerator is not None \
                and dv.denominator is not None:
            yield {**base, "categoryOptionCombo": NUMERATOR, "value": _number(dv.numerator),
                   **extra}
            yield {**base, "categoryOptionCombo": DENOMINATOR,
                   "value": _number(dv.denominator), **extra}
            continue
        if metric.uses_text:
            value = dv.text
        elif dv.value is None:
            continue
        elif metric.value_type == T.YES_NO:
            value = "true" if dv.value == 1 else "false"
        else:
            value = _number(dv.value)
        yield {**base, "value": value, **extra}
