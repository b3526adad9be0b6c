"""Value intake from files (CSV, XLSX) and from the API's bulk endpoint.

    result = import_file(upload, upload.name, user=request.user, within=unit)
    if not result.ok: show result.errors  # nothing was written

All-or-nothing per file: rows are read (`tabular`), codes are looked up with one query
per table, each row becomes a `bulk.Entry`, and `bulk.write_values` validates, checks
permissions and versions and writes in one transaction. Every problem is collected and
reported with its row and column ("Dòng 12, cột “Tử số”: …"); on any problem the
transaction rolls back, including periods created for the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.lib import gcpause
from chiso.orgs.models import OrgUnit

from . import periods as P
from .bulk import BulkRejected, Entry, _chunks, check, write_values
from .models import Metric, Period, Source
from .tabular import CellError, FileRejected, Row, Table, read_table, to_text

# Which column a validation issue's field points at: choices and texts are typed in the
# "Giá trị" column of a file.
FIELD_COLUMN = {"value": "value", "numerator": "numerator", "denominator": "denominator",
                "text": "value", "comment": "comment"}
PREFIXES = {"value": "Giá trị: ", "numerator": "Tử số: ", "denominator": "Mẫu số: ",
            "text": "Nội dung: ", "comment": "Ghi chú: "}


@dataclass
class IntakeResult:
    ok: bool
    fmt: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)
    dry_run: bool = False
    written: list[int] = field(default_factory=list)  # lines of the rows written

    @property
    def error_count(self) -> int:
        return len(self.errors)


# What the history records as the source of a file's values, by format (DHIS2's JSON
# is the machine exchange format, as the API).
SOURCES = {"xlsx": Source.EXCEL, "dhis2-json": Source.API}
# progress(phase, done, total); phases "read", "check", "write", "done"
Progress = Callable[[str, int, int], None]


class _DryRun(Exception):
    pass


def import_file(fileobj: IO[bytes], name: str = "", *, user, size: int | None = None,
                within: OrgUnit | None = None, dry_run: bool = False,
                progress: Progress | None = None) -> IntakeResult:
    """Read and import one file (CSV, XLSX, DHIS2 JSON or CSV); `within` restricts rows to
    a unit and its subtree. `progress(phase, done, total)` is told how far the import is
    (see `import_rows`)."""
    with gcpause.relaxed():
        try:
            table = read_table(fileobj, name, size)
        except FileRejected as exc:
            return IntakeResult(ok=False, errors=[CellError(exc.message)])
        if progress is not None:
            progress("read", len(table.rows), len(table.rows))
        return import_table(table, user=user, within=within, dry_run=dry_run,
                            progress=progress)


def import_table(table: Table, *, user, within: OrgUnit | None = None, dry_run: bool = False,
                 progress: Progress | None = None) -> IntakeResult:
    """Import what a file held (`tabular.read_table`, or a DHIS2 body the API read)."""
    result = import_rows(table.rows, user=user, source=SOURCES.get(table.fmt, Source.CSV),
                         within=within, dry_run=dry_run, has_comment="comment" in table.columns,
                         has_version="version" in table.columns, read_errors=table.errors,
                         progress=progress)
    result.fmt = table.fmt
    # A DHIS2 file's errors name the data value and its field rather than a line.
    result.errors = sorted((table.locate(e) for e in result.errors),
                           key=lambda e: (e.sheet or "", e.row or 0))
    return result


def import_rows(rows: list[Row], *, user, source: str, within: OrgUnit | None = None,
                dry_run: bool = False, has_comment: bool = True, has_version: bool = False,
                blank_version: int | None = 0, read_errors: list[CellError] | None = None,
                progress: Progress | None = None) -> IntakeResult:
    """Import rows of raw cells (keys as in `tabular.COLUMNS`), all-or-nothing.

    With `has_version`, a row's "version" is the version it was issued with; a blank one
    means `blank_version` (0 for files, where the template leaves it blank when there was
    no value: one created meanwhile is a conflict; None for the API: do not check).

    Codes are looked up and every row validated before the write transaction begins, so
    the write lock is held only for the version check and the inserts (about a third of
    the time), and `progress` is called between steps, outside any transaction of ours:
    ("check", done, total) every few thousand rows, then ("write", 0, total) and
    ("done", total, total). A job may save it to the database from there.
    """
    report = progress or _no_progress
    errors: list[CellError] = list(read_errors or [])
    result = IntakeResult(ok=False, rows=len(rows), dry_run=dry_run)
    if not rows:
        result.errors = errors or [CellError(_("Không có dòng số liệu nào."))]
        return result
    new_periods: list[Period] = []
    try:
        with gcpause.relaxed():
            entries = _entries(rows, errors, within, has_comment, has_version, blank_version,
                               new_periods)
            cleaned, problems = check(entries, user, progress=report)
            if errors or problems:
                raise BulkRejected(problems)
            report("write", 0, len(entries))
            with transaction.atomic():
                _save_periods(new_periods)
                counts = write_values(entries, user=user, source=source, cleaned=cleaned)
                if dry_run:
                    raise _DryRun
    except _DryRun:
        result.ok = True
        result.created, result.updated, result.unchanged = (
            counts.created, counts.updated, counts.unchanged)
        return result
    except BulkRejected as exc:
        for p in exc.problems:
            row: Row = p.ref
            message = p.message
            prefix = PREFIXES.get(p.field or "")
            if prefix and message.startswith(prefix):
                message = message[len(prefix):]
            errors.append(CellError(_upper_first(message), row.line,
                                    FIELD_COLUMN.get(p.field or ""), row.sheet, p.code))
        errors.sort(key=lambda e: (e.sheet or "", e.row or 0))
        result.errors = errors
        return result
    report("done", len(entries), len(entries))
    result.ok = True
    result.created, result.updated, result.unchanged = (
        counts.created, counts.updated, counts.unchanged)
    result.written = [row.line for row in counts.written]
    return result


def _no_progress(phase: str, done: int, total: int) -> None:
    pass


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _entries(rows: list[Row], errors: list[CellError], within: OrgUnit | None,
             has_comment: bool, has_version: bool, blank_version: int | None,
             new_periods: list[Period]) -> list[Entry]:
    """Rows → entries, with one query per lookup table; problems go to `errors`; the ids
    periods the file names that are not stored yet go to `new_periods`, unsaved."""
    def err(row: Row, column: str | None, message: str) -> None:
        errors.append(CellError(message, row.line, column, row.sheet))

    # Each row's three codes, read once (a file may hold 100,000 rows).
    codes = [(to_text(r.cells.get("unit")), to_text(r.cells.get("metric")),
              to_text(r.cells.get("period"))) for r in rows]
    unit_codes = {c[0] for c in codes} - {""}
    metric_codes = {c[1] for c in codes} - {""}
    units: dict[str, OrgUnit] = {}
    for chunk in _chunks(sorted(unit_codes)):
        units.update((u.code, u) for u in OrgUnit.objects.filter(code__in=chunk))
    metrics: dict[str, Metric] = {}
    for chunk in _chunks(sorted(metric_codes)):
        metrics.update((m.code, m) for m in Metric.objects.filter(code__in=chunk))
    periods = _periods({c[2] for c in codes} - {""}, new_periods)

    entries: list[Entry] = []
    seen: dict[tuple[int, int, int], int] = {}
    # A row with an unreadable cell (a formula) is already reported; checking it further
    # would only add a misleading "missing value".
    unreadable = {(e.sheet, e.row) for e in errors}
    for row, (unit_code, metric_code, period_code) in zip(rows, codes, strict=True):
        if unreadable and (row.sheet, row.line) in unreadable:
            continue
        cells = row.cells
        ok = True
        unit = units.get(unit_code)
        if not unit_code:
            err(row, "unit", _("chưa nhập mã đơn vị.")); ok = False  # noqa: E702
        elif unit is None:
            err(row, "unit", _("không có đơn vị mã “%(c)s”.") % {"c": unit_code}); ok = False  # noqa: E702
        elif within is not None and not unit.path.startswith(within.path):
            err(row, "unit", _("đơn vị “%(c)s” không thuộc %(u)s.") % {
                "c": unit_code, "u": within.name})
            ok = False
        metric = metrics.get(metric_code)
        if not metric_code:
            err(row, "metric", _("chưa nhập mã chỉ tiêu.")); ok = False  # noqa: E702
        elif metric is None:
            err(row, "metric", _("không có chỉ tiêu mã “%(c)s”.") % {"c": metric_code}); ok = False  # noqa: E702
        elif not metric.active:
            err(row, "metric", _("chỉ tiêu “%(c)s” đã ngừng sử dụng.") % {"c": metric_code})
            ok = False
        period = periods.get(period_code)
        if not period_code:
            err(row, "period", _("chưa nhập kỳ.")); ok = False  # noqa: E702
        elif isinstance(period, str):
            err(row, "period", period); ok = False  # noqa: E702
        expected = None
        if has_version:
            raw = cells.get("version")
            try:
                expected = int(float(str(raw).strip())) if to_text(raw) else blank_version
                if expected is not None and expected < 0:
                    raise ValueError
            except ValueError:
                err(row, "version", _("“%(v)s” không phải là số phiên bản.") % {"v": raw})
                ok = False
        if not ok:
            continue
        key = (metric.pk, unit.pk, period.code)  # a new period has no id yet
        if key in seen:
            err(row, None, _("trùng với dòng %(n)s (cùng đơn vị, chỉ tiêu và kỳ).") % {
                "n": seen[key]})
            continue
        seen[key] = row.line
        entries.append(Entry(metric, unit, period, _data(metric, cells, has_comment), row,
                             expected))
    return entries


def _data(metric: Metric, cells: dict[str, Any], has_comment: bool) -> dict[str, Any]:
    """The cells as `validation.clean` expects them for the metric's value type."""
    data: dict[str, Any] = {}
    value = cells.get("value")
    if isinstance(value, str):
        value = value.strip()
    if metric.uses_text:
        data["text"] = to_text(value)
    else:
        data["value"] = value
    for name in ("numerator", "denominator"):
        raw = cells.get(name)
        data[name] = raw.strip() if isinstance(raw, str) else raw
    if has_comment:
        data["comment"] = to_text(cells.get("comment"))
    return data


def _periods(codes: set[str], new: list[Period]) -> dict[str, Period | str]:
    """Code as written → Period or the Vietnamese reason it is invalid. A period not
    stored yet is returned unsaved and added to `new`: it is saved by `_save_periods`
    inside the write transaction, so a failed or dry-run import leaves none behind (and
    never removes one that another request has started to use)."""
    out: dict[str, Period | str] = {}
    canonical: dict[str, P.ParsedPeriod] = {}
    for code in codes:
        try:
            canonical[code] = P.parse(code)
        except P.PeriodError as exc:
            out[code] = str(exc)
    stored = {p.code: p for p in Period.objects.filter(
        code__in={parsed.code for parsed in canonical.values()})}
    for written, parsed in canonical.items():
        if parsed.code not in stored:
            stored[parsed.code] = Period(
                code=parsed.code, kind=parsed.kind, year=parsed.year, number=parsed.number,
                start=parsed.start, end=parsed.end)
            new.append(stored[parsed.code])
        out[written] = stored[parsed.code]
    return out


def _save_periods(new: list[Period]) -> None:
    """Store the file's new periods (inside the write transaction); the entries hold these
    very objects, so they get their ids. One created meanwhile by someone else is used."""
    for period in new:
        period.pk = Period.objects.for_code(period.code).pk
