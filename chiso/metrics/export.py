"""Export of values (CSV, XLSX, DHIS2 JSON and CSV) and the per-unit Excel template to fill.

Files have the columns that `intake` reads back, so an export is also a valid import (a
round trip); the "Phiên bản" column carries each value's version, and on the way back in a
value that changed meanwhile is a conflict rather than a silent overwrite.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return: "CSV injection") is written with a leading apostrophe, which `tabular` takes off
again on import. Numbers are written by us from Decimals, never from user text, so they are
left alone (a negative number stays a number). In XLSX, text goes into explicit string
cells (`xlsx_cell`) and numbers into number cells: nothing is guessed back from text, so a
text `007` stays `007`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from chiso.orgs.models import OrgUnit

from . import periods as P
from .models import DataValue, Metric, Period, State
from .tabular import COLUMNS, DANGEROUS_PREFIXES

HEADER_FIELDS = ["unit", "unit_name", "metric", "metric_name", "period", "value", "numerator",
                 "denominator", "comment", "state", "version"]


def neutralise(text: Any) -> Any:
    """`=HYPERLINK(…)` → `'=HYPERLINK(…)`: a spreadsheet shows it, never runs it."""
    if isinstance(text, str) and text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def xlsx_cell(ws, value: Any) -> Any:
    """What to append to an openpyxl sheet for `value`: text as an explicit string cell
    (openpyxl would otherwise store a string starting with "=" as a formula), anything
    else as is."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def header() -> list[str]:
    extra = {"unit_name": _("Tên đơn vị"), "metric_name": _("Tên chỉ tiêu"),
             "state": _("Trạng thái")}
    return [extra[f] if f in extra else _(COLUMNS[f][0]) for f in HEADER_FIELDS]


def number(value: Decimal | None, comma: bool = False) -> str:
    """`93.400000` → `93.4` (or `93,4` with `comma`), never grouped.

    CSV gets the decimal comma: text is read the Vietnamese way first, where `12.345` is
    twelve thousand, so a dot would not survive a round trip; `12,345` and `1234,5` do.
    """
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if comma else text


def value_cell(dv: DataValue, comma: bool = False) -> str:
    metric = dv.metric
    if metric.uses_text:
        return dv.text
    if metric.value_type == Metric.ValueType.YES_NO and dv.value is not None:
        return _("Có") if dv.value == 1 else _("Không")
    return number(dv.value, comma)


def _row(dv: DataValue, comma: bool = False, states: dict[str, str] | None = None
         ) -> list[Any]:
    value = value_cell(dv, comma)
    state = states[dv.state] if states is not None else dv.get_state_display()
    return [neutralise(dv.unit.code), neutralise(dv.unit.name), neutralise(dv.metric.code),
            neutralise(dv.metric.name), dv.period.code,
            neutralise(value) if dv.metric.uses_text else value,
            number(dv.numerator, comma), number(dv.denominator, comma), neutralise(dv.comment),
            state, dv.version]


def state_labels() -> dict[str, str]:
    """State → its label in the current language, translated once per export rather than
    once per row."""
    return {value: str(label) for value, label in State.choices}


class _Cache(dict):
    """Objects by id, loaded up front; one that appears later (a value committed between
    the cache's query and the rows' for a new period or unit) is fetched when met, rather
    than cutting a streamed file short."""

    def __init__(self, model, queryset):
        super().__init__((obj.pk, obj) for obj in queryset)
        self.model = model

    def __missing__(self, pk):
        self[pk] = self.model._default_manager.get(pk=pk)
        return self[pk]


def stream(values: Iterable[DataValue], *, with_editor: bool = False) -> Iterator[DataValue]:
    """Values one by one for a large export, each with its unit, metric and period (and
    editor) taken from small caches. `select_related` would build those objects again for
    every row: three model instances per value were most of an export's time."""
    if not isinstance(values, QuerySet):
        yield from values
        return
    qs = values.select_related(None)
    metrics = _Cache(Metric, Metric.objects.filter(pk__in=qs.values("metric_id")))
    periods = _Cache(Period, Period.objects.filter(pk__in=qs.values("period_id")))
    units = _Cache(OrgUnit, OrgUnit.objects.filter(pk__in=qs.values("unit_id")))
    fields = {name: DataValue._meta.get_field(name)
              for name in ("metric", "period", "unit", "updated_by")}
    editors: dict = {}
    if with_editor:
        from django.contrib.auth import get_user_model

        User = get_user_model()
        editors = _Cache(User, User.objects.filter(
            pk__in=qs.exclude(updated_by=None).values("updated_by_id")))
    for dv in qs.iterator(chunk_size=2000):
        fields["metric"].set_cached_value(dv, metrics[dv.metric_id])
        fields["period"].set_cached_value(dv, periods[dv.period_id])
        fields["unit"].set_cached_value(dv, units[dv.unit_id])
        if with_editor:
            fields["updated_by"].set_cached_value(
                dv, editors[dv.updated_by_id] if dv.updated_by_id else None)
        yield dv


def values_for(units: QuerySet[OrgUnit], *, period: Period | None = None,
               metric: Metric | None = None) -> QuerySet[DataValue]:
    qs = (DataValue.objects.filter(unit__in=units)
          .select_related("unit", "metric", "period")
          .order_by("unit__path", "metric__code", "period__start", "period__end"))
    if period is not None:
        qs = qs.filter(period__start__gte=period.start, period__end__lte=period.end)
    if metric is not None:
        qs = qs.filter(metric=metric)
    return qs


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(values: Iterable[DataValue]) -> Iterator[str]:
    """CSV text, line by line, for a streaming response. UTF-8 with a BOM, so that Excel
    shows Vietnamese letters correctly when the file is double-clicked."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header())
    states = state_labels()
    for dv in stream(values):
        yield writer.writerow(_row(dv, comma=True, states=states))


def xlsx_bytes(values: Iterable[DataValue]) -> bytes:
    """A write-only (streaming) workbook: memory stays flat for large exports."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Số liệu"))
    ws.append(header())
    numeric = {HEADER_FIELDS.index(f) for f in ("numerator", "denominator")}
    value_index = HEADER_FIELDS.index("value")
    states = state_labels()
    for dv in stream(values):
        row = _row(dv, states=states)
        metric = dv.metric
        if not metric.uses_text and metric.value_type != Metric.ValueType.YES_NO:
            numeric_row = numeric | {value_index}
        else:
            numeric_row = numeric
        ws.append([Decimal(cell) if index in numeric_row and cell != "" else xlsx_cell(ws, cell)
                   for index, cell in enumerate(row)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- DHIS2 dataValueSets (the mapping is in `dhis2`) ----------------------------------
def _stream(values: Iterable[DataValue]) -> Iterable[DataValue]:
    return stream(values, with_editor=True)


def dhis2_json_chunks(values: Iterable[DataValue]) -> Iterator[str]:
    """A dataValueSets JSON document, piece by piece (a streaming response, a file)."""
    import json

    from . import dhis2

    yield '{"dataValues": ['
    first = True
    for item in dhis2.data_values(_stream(values)):
        yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]}\n"


_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # a number as we write it: no formula


def dhis2_csv_lines(values: Iterable[DataValue]) -> Iterator[str]:
    """DHIS2's data value CSV (its column order and header). Text is neutralised as in
    our CSV; DHIS2 would store the apostrophe, chiso's reader takes it off again."""
    from . import dhis2

    writer = csv.writer(_Echo())
    yield writer.writerow(dhis2.CSV_COLUMNS)
    for item in dhis2.data_values(_stream(values)):
        yield writer.writerow([
            neutralise(item["dataElement"]), item["period"], neutralise(item["orgUnit"]),
            item.get("categoryOptionCombo", ""), "",
            item["value"] if _PLAIN_NUMBER.fullmatch(item["value"]) else neutralise(item["value"]),
            neutralise(item["storedBy"]), item["lastUpdated"], neutralise(item.get("comment", "")),
            "false"])


# --- the template to fill ----------------------------------------------------------------
def template_rows(unit: OrgUnit, period: Period) -> list[tuple[Metric, Period, DataValue | None]]:
    """The unit's metrics (those its kind reports) for every period of the metric's
    frequency inside `period`, with the current value if any."""
    metrics = [m for m in Metric.objects.filter(active=True).order_by("code")
               if m.reported_by(unit)]
    wanted: list[tuple[Metric, Period]] = []
    for metric in metrics:
        if P.MONTHS[metric.frequency] > P.MONTHS[period.kind]:
            continue  # a yearly metric has no value in one quarter
        for sub in P.sub_periods(period.parsed, metric.frequency):
            wanted.append((metric, sub.code))
    codes = {code for _m, code in wanted}
    periods = {p.code: p for p in Period.objects.filter(code__in=codes)}
    for code in codes - set(periods):
        periods[code] = Period.objects.for_code(code)
    current = {(dv.metric_id, dv.period_id): dv for dv in DataValue.objects.filter(
        unit=unit, metric__in=metrics, period__in=periods.values())}
    return [(m, periods[code], current.get((m.pk, periods[code].pk))) for m, code in wanted]


def template_bytes(unit: OrgUnit, period: Period) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = _("Số liệu")
    titles = [_(COLUMNS["unit"][0]), _("Tên chỉ tiêu"), _(COLUMNS["metric"][0]), _("Đơn vị tính"),
              _(COLUMNS["period"][0]), _(COLUMNS["value"][0]), _(COLUMNS["numerator"][0]),
              _(COLUMNS["denominator"][0]), _(COLUMNS["comment"][0]), _(COLUMNS["version"][0])]
    ws.append(titles)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    yes_no = DataValidation(type="list", formula1=f'"{_("Có")},{_("Không")}"', allow_blank=True)
    ws.add_data_validation(yes_no)
    unlocked = Protection(locked=False)
    for line, (metric, sub, dv) in enumerate(template_rows(unit, period), start=2):
        value: Any = None
        # A rate is computed from its parts: left blank so that editing the parts alone
        # does not leave a stale rate that would contradict them.
        if dv is not None and not metric.is_percentage:
            value = value_cell(dv)
            if not metric.uses_text and metric.value_type != Metric.ValueType.YES_NO and value:
                value = Decimal(value)
        ws.append([neutralise(unit.code), neutralise(metric.name), neutralise(metric.code),
                   neutralise(metric.unit_of_measure), sub.code,
                   neutralise(value) if isinstance(value, str) else value,
                   dv.numerator if dv else None, dv.denominator if dv else None,
                   neutralise(dv.comment) if dv else None, dv.version if dv else 0])
        for column in "FGHI":
            ws[f"{column}{line}"].protection = unlocked
        if metric.value_type == Metric.ValueType.YES_NO:
            yes_no.add(f"F{line}")
        elif metric.value_type == Metric.ValueType.CHOICE and metric.choices:
            codes = ",".join(str(c.get("code")) for c in metric.choices)
            if len(codes) < 250:  # Excel's limit for an inline list
                choice = DataValidation(type="list", formula1=f'"{codes}"', allow_blank=True)
                ws.add_data_validation(choice)
                choice.add(f"F{line}")
    # Labels are protected (no password: this guards against slips, not against intent);
    # the version column is hidden: it only serves to detect values changed meanwhile.
    ws.protection.sheet = True
    ws.column_dimensions["J"].hidden = True
    for column, width in zip("ABCDEFGHI", (14, 50, 16, 12, 10, 14, 14, 14, 40), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    guide = wb.create_sheet(_("Hướng dẫn"))
    for text in (
        _("Mẫu nhập số liệu: %(unit)s, %(period)s.") % {"unit": unit.name, "period": period.label},
        _("Chỉ nhập vào các cột Giá trị, Tử số, Mẫu số, Ghi chú; không sửa các cột khác."),
        _("Chỉ tiêu tỷ lệ: nhập tử số và mẫu số, hệ thống tự tính tỷ lệ."),
        _("Chỉ tiêu Có/Không: chọn “Có” hoặc “Không”. Số thập phân dùng dấu phẩy hoặc dấu chấm."),
        _("Không dùng công thức: tệp có công thức sẽ bị từ chối."),
        _("Nếu số liệu đã được người khác sửa sau khi tải mẫu, hệ thống sẽ báo xung đột và "
          "không ghi đè; hãy tải mẫu mới."),
        _("Tải lên: toàn bộ tệp được ghi hoặc không ghi gì nếu có lỗi; danh sách lỗi nêu rõ "
          "dòng và cột."),
    ):
        guide.append([text])
    guide.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
