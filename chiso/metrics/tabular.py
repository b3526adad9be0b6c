"""Reading value files (CSV and XLSX; DHIS2 JSON and CSV through `dhis2`) into rows of raw cells, with errors that name the
sheet, row and column. No database access here: `intake` turns the rows into values.

Guarantees kept at this level:
- the size limit is checked before anything is parsed;
- an XLSX is read with python-calamine, or with openpyxl in read-only mode when it holds a
  formula; formulas are refused, never evaluated: a formula's cached result may be stale
  or forged, and the person who uploads must see and own the number they send;
- an XLSX whose parts would unpack to more than `MAX_UNPACKED_BYTES` (a "zip bomb") is
  refused before openpyxl reads it;
- CSV must be UTF-8 (with or without the BOM that Excel writes): a wrong guess at a legacy
  code page would silently garble Vietnamese text.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import IO, Any

from django.utils.translation import gettext as _

MAX_BYTES = 50 * 1024 * 1024  # uploads above this are refused unread
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_ERRORS = 1000  # beyond this, the report only counts them

# Field → (Vietnamese header shown in files and messages, other accepted spellings).
# Headers are compared without diacritics, case or punctuation ("Mã đơn vị" = "ma_don_vi").
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "unit": ("Mã đơn vị", ("unit", "unit code", "org unit", "orgunit")),
    "metric": ("Mã chỉ tiêu", ("metric", "metric code", "data element", "dataelement")),
    "period": ("Kỳ", ("ma ky", "period", "period code")),
    "value": ("Giá trị", ("value",)),
    "numerator": ("Tử số", ("numerator",)),
    "denominator": ("Mẫu số", ("denominator",)),
    "comment": ("Ghi chú", ("comment", "note")),
    # Written (hidden) by the template: the version of each value when the file was issued.
    "version": ("Phiên bản", ("version",)),
}
REQUIRED = ("unit", "metric", "period")
# Text that a spreadsheet would run as a formula; `export.neutralise` writes it with a
# leading apostrophe, which `unquote` takes off again when the file comes back.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def column_label(name: str) -> str:
    return _(COLUMNS[name][0])


def normalise_header(text: Any) -> str:
    raw = str(text or "").strip().lower().replace("đ", "d")
    raw = "".join(ch for ch in unicodedata.normalize("NFD", raw) if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-.:*]+", " ", raw).strip()


_HEADER_INDEX: dict[str, str] = {}
for _name, (_vi, _others) in COLUMNS.items():
    _HEADER_INDEX[normalise_header(_vi)] = _name
    for _other in _others:
        _HEADER_INDEX[normalise_header(_other)] = _name


@dataclass(frozen=True)
class CellError:
    """One problem, located as precisely as known (row and column are 1-based)."""

    message: str
    row: int | None = None
    column: str | None = None  # a field name of COLUMNS
    sheet: str | None = None
    code: str = ""  # "permission", "conflict", a validation code, or "" (reading)

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(_("Trang tính “%(s)s”") % {"s": self.sheet})
        if self.row is not None:
            where.append(_("dòng %(n)s") % {"n": self.row})
        if self.column:
            where.append(_("cột “%(c)s”") % {"c": column_label(self.column)})
        message = self.message[:1].upper() + self.message[1:]
        if not where:
            return message
        text = ", ".join(where)
        return f"{text[0].upper()}{text[1:]}: {message}"


@dataclass
class Row:
    """One data row: raw cells by field name (str, int, float, datetime or None)."""

    line: int
    cells: dict[str, Any]
    sheet: str | None = None


@dataclass
class Table:
    """What a file holds: its rows, or the errors that stop it from being read."""

    fmt: str  # "csv", "xlsx", or dhis2's "dhis2-json", "dhis2-csv"
    rows: list[Row] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)

    def locate(self, error: CellError) -> CellError:
        """An intake error as this format names its place (see `dhis2.Dhis2Table`)."""
        return error


class FileRejected(Exception):
    """The file as a whole cannot be read (size, format, corruption)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def detect_format(name: str, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04") or name.lower().endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.lower().endswith(".json") or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"  # a DHIS2 dataValueSets document
    return "csv"


def read_table(fileobj: IO[bytes], name: str = "", size: int | None = None) -> Table:
    """Read an uploaded CSV or XLSX. Raises FileRejected for a file that cannot be read;
    problems in single cells (formulas, undecodable text) are collected in `errors`."""
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    if size > MAX_BYTES:
        raise FileRejected(_("Tệp quá lớn (%(size)s MB); giới hạn là %(max)s MB.") % {
            "size": f"{size / 1024 / 1024:.1f}".replace(".", ","), "max": MAX_BYTES // 1024 // 1024})
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if size == 0:
        raise FileRejected(_("Tệp rỗng."))
    fmt = detect_format(name, head)
    if fmt == "xlsx":
        return _read_xlsx(fileobj)
    from . import dhis2  # here: dhis2 builds on this module's rows and errors

    if fmt == "json":
        return dhis2.read_table(fileobj, dhis2.JSON)
    if dhis2.looks_like_dhis2_csv(fileobj):
        return dhis2.read_table(fileobj, dhis2.CSV)
    return _read_csv(fileobj)


def _map_header(values: list[Any]) -> tuple[dict[int, str], list[str]]:
    """Column index → field; and the problems found (duplicates)."""
    mapping: dict[int, str] = {}
    problems: list[str] = []
    seen: set[str] = set()
    for index, value in enumerate(values):
        name = _HEADER_INDEX.get(normalise_header(value))
        if name is None:
            continue  # info columns and the user's own notes are ignored
        if name in seen:
            problems.append(_("Cột “%(c)s” xuất hiện hai lần.") % {"c": column_label(name)})
            continue
        seen.add(name)
        mapping[index] = name
    return mapping, problems


def _missing_columns(mapping: dict[int, str]) -> list[str]:
    present = set(mapping.values())
    missing = [column_label(n) for n in REQUIRED if n not in present]
    if not present & {"value", "numerator", "denominator"}:
        missing.append(column_label("value"))
    return missing


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- CSV ---------------------------------------------------------------------------------
def _read_csv(fileobj: IO[bytes]) -> Table:
    table = Table(fmt="csv")
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        if not first.strip():
            raise FileRejected(_("Tệp không có dòng tiêu đề (tệp trống)."))
        # The delimiter is the one the header uses most: Excel in Vietnamese locale often
        # writes ";" and other systems ",".
        delimiter = max((",", ";", "\t"), key=first.count)
        header = next(csv.reader([first], delimiter=delimiter))
        mapping, problems = _map_header(header)
        table.columns = set(mapping.values())
        if problems or _missing_columns(mapping):
            raise FileRejected(_header_message(problems, mapping))
        reader = csv.reader(text, delimiter=delimiter)
        items = list(mapping.items())
        names = [name for _i, name in items]
        width = max(mapping) + 1
        # Cells picked by C code (itemgetter, zip): this loop runs once per row of a file
        # that may hold 100,000 of them.
        pick = itemgetter(*mapping)  # at least the three required columns: returns a tuple
        rows = table.rows
        for record in reader:
            joined = "".join(record)
            if not joined.strip():
                continue
            line = reader.line_num + 1  # the header was line 1
            if len(record) < width:
                record = record + [None] * (width - len(record))
            values = pick(record)
            if "'" in joined:  # rarely: only then can a cell carry export's apostrophe
                values = [unquote(v) for v in values]
            rows.append(Row(line, dict(zip(names, values, strict=True))))
    except UnicodeDecodeError:
        raise FileRejected(_("Tệp CSV không ở mã UTF-8. Trong Excel, hãy lưu bằng "
                             "“CSV UTF-8 (Comma delimited)”.")) from None
    except csv.Error as exc:
        raise FileRejected(_("Tệp CSV bị lỗi định dạng: %(e)s") % {"e": exc}) from None
    finally:
        text.detach()  # leave the upload open for the caller
    if not table.rows:
        raise FileRejected(_("Tệp không có dòng số liệu nào."))
    return table


def _header_message(problems: list[str], mapping: dict[int, str]) -> str:
    missing = _missing_columns(mapping)
    if missing:
        problems = problems + [_("Thiếu cột: %(cols)s. Dòng đầu tiên phải là tiêu đề, ví dụ: "
                                 "%(example)s.") % {
            "cols": ", ".join(f"“{m}”" for m in missing),
            "example": ", ".join(column_label(n) for n in
                                 ("unit", "metric", "period", "value", "numerator",
                                  "denominator", "comment"))}]
    return " ".join(problems)


# --- XLSX --------------------------------------------------------------------------------
# A formula element in a worksheet part: <f>, <f t="shared" …>, <f/>, or with a namespace
# prefix (<x:f>). Data validations' <formula1> and autofilters' <filterColumn> do not match.
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _read_xlsx(fileobj: IO[bytes]) -> Table:
    """Read the data sheets of an XLSX.

    Files without formulas (nearly all: the template, exports, other systems' files) are
    read with python-calamine (Rust; several times faster than openpyxl). A file with a
    formula anywhere is read with openpyxl instead, which sees each formula and reports
    its cell; formulas are never evaluated either way.
    """
    corrupted = _("Tệp Excel bị hỏng hoặc không phải tệp .xlsx; hãy mở và lưu lại bằng Excel.")
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
                raise FileRejected(_("Tệp Excel giải nén ra quá lớn; hãy chia nhỏ tệp."))
            if archive.testzip() is not None:
                raise FileRejected(corrupted)
            has_formula = any(
                _FORMULA.search(archive.read(info)) for info in members
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"))
        fileobj.seek(0)
        sheets = _openpyxl_sheets(fileobj) if has_formula else _calamine_sheets(fileobj)
    except FileRejected:
        raise
    except Exception:  # BadZipFile, KeyError, XML errors: the readers raise many kinds
        raise FileRejected(corrupted) from None
    table = Table(fmt="xlsx")
    data_sheets = 0
    header_problem = ""
    try:
        for title, rows in sheets:
            found, problem = _read_grid(title, rows, table)
            data_sheets += found
            header_problem = header_problem or problem
    except FileRejected:
        raise
    except Exception:
        raise FileRejected(corrupted) from None
    if not data_sheets:
        raise FileRejected(header_problem or _("Tệp không có trang tính nào chứa số liệu."))
    if data_sheets == 1:
        # One data sheet: "Dòng 12, cột …" is enough, as in the CSV report.
        table.errors = [CellError(e.message, e.row, e.column, None, e.code) for e in table.errors]
        for row in table.rows:
            row.sheet = None
    if not table.rows and not table.errors:
        raise FileRejected(_("Tệp không có dòng số liệu nào."))
    return table


# A sheet as the readers give it: its title and its rows as (Excel's row number, cell
# values from column A, which cells hold a formula or None when none can).
Grid = tuple[str, Iterator[tuple[int, Sequence[Any], Sequence[bool] | None]]]


def _calamine_sheets(fileobj: IO[bytes]) -> list[Grid]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    workbook = CalamineWorkbook.from_filelike(fileobj)
    try:
        # skip_empty_area=False: rows and columns start at A1, so positions are Excel's.
        return [(meta.name, ((line, row, None) for line, row in enumerate(
                    workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False),
                    start=1)))
                for meta in workbook.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
    finally:
        workbook.close()


def _openpyxl_sheets(fileobj: IO[bytes]) -> Iterator[Grid]:
    from openpyxl import load_workbook

    workbook = load_workbook(fileobj, read_only=True, data_only=False)
    try:
        for sheet in workbook.worksheets:
            # min_row=1 and positional cells (openpyxl fills gaps with empty cells), so the
            # enumeration gives Excel's own row and column numbers.
            yield sheet.title, ((line, [c.value for c in cells], [c.data_type == "f" for c in cells])
                                for line, cells in enumerate(
                                    sheet.iter_rows(min_row=1, min_col=1), start=1))
    finally:
        workbook.close()


def _read_grid(title: str, rows, table: Table) -> tuple[int, str]:
    """Append the sheet's rows to `table`; returns (1 if it is a data sheet, problem)."""
    mapping: dict[int, str] = {}
    for _line, header, _formulas in rows:
        if all(_is_blank(v) for v in header):
            continue  # blank lines above the header
        mapping, problems = _map_header(header)
        if not mapping:
            return 0, ""  # instructions, notes: not a data sheet
        if problems or _missing_columns(mapping):
            return 0, _("Trang tính “%(s)s”: %(m)s") % {"s": title,
                                                        "m": _header_message(problems, mapping)}
        break
    else:
        return 0, ""
    table.columns |= set(mapping.values())
    items = sorted(mapping.items())
    width = items[-1][0] + 1
    for line, values, formulas in rows:
        if len(values) < width:
            values = list(values) + [None] * (width - len(values))
            if formulas is not None:
                formulas = list(formulas) + [False] * (width - len(formulas))
        record: dict[str, Any] = {}
        blank = True
        for index, name in items:
            value = values[index]
            if value == "":
                value = None  # calamine's empty cell; openpyxl's is None
            if formulas is not None and formulas[index]:
                table.errors.append(CellError(
                    _("ô chứa công thức (%(f)s); hãy nhập giá trị, không dùng công thức.")
                    % {"f": str(value)[:60]}, line, name, title))
                value = None
                blank = False
            elif blank and not _is_blank(value):
                blank = False
            record[name] = unquote(value)
        if not blank:
            table.rows.append(Row(line, record, title))
    return 1, ""


# --- cells -------------------------------------------------------------------------------
def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an Excel number typed where a code was expected
    return str(value).strip()


def unquote(value: Any) -> Any:
    """`'=1+1` → `=1+1`: undo `export.neutralise`, so that an export reads back as it was.

    Only an apostrophe in front of a formula character is taken off (as a spreadsheet hides
    it); any other text, `'abc` included, is kept as written.
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(
            DANGEROUS_PREFIXES):
        return value[1:]
    return value
