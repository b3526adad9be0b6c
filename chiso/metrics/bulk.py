"""Writing many values at once (file imports, the API's bulk endpoint), all-or-nothing,
with the guarantees of `services.save_value`, at the speed of bulk queries:

- every entry is checked by `validation.clean` (the same rules and messages as a form);
- the user must hold `edit_data` on every unit (one query through `units_for`);
- versions are checked under a row lock (`select_for_update`: PostgreSQL locks the rows,
  SQLite's IMMEDIATE transactions already hold the write lock): an entry that carries the
  version it was issued with (the template's hidden column, the API's `expected_version`)
  conflicts if the value changed since — every conflict is reported, not only the first;
- a changed value gets version + 1 and a `DataValueChange` (old → new, who, when, source);
  identical data changes nothing and adds no history, as in `save_value`;
- any problem raises before anything is written, and the caller's transaction rolls back.

`services.save_values` writes updates one by one through `save_value`; this module does the
same work with bulk_create / bulk_update in batches, which is what makes a 100,000-value
import take seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from .models import DataValue, DataValueChange, Metric, Period, State
from .validation import clean

UPDATE_FIELDS = ["value", "numerator", "denominator", "text", "comment", "version", "source",
                 "updated_by", "updated_at"]
CHUNK = 500  # ids per IN (...) list: well under every backend's parameter limit


@dataclass
class Entry:
    metric: Metric
    unit: OrgUnit
    period: Period
    data: dict[str, Any]  # value, numerator, denominator, text, comment (as for save_value)
    ref: Any = None  # where it came from (a row number, an index): handed back in problems
    expected_version: int | None = None  # 0: "there was no value"; None: do not check


@dataclass
class Problem:
    ref: Any
    field: str | None  # value, numerator, denominator, text, comment; None: the whole entry
    message: str
    code: str = "invalid"  # as Issue.code, plus "permission" and "conflict"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # refs of the entries written (created or updated)
    written: list[Any] = field(default_factory=list)


class BulkRejected(Exception):
    """Nothing was written; `problems` lists every reason (validation, permission, conflict)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems[:5]))


def _chunks(ids: Sequence[Any]) -> list[list[Any]]:
    ids = list(ids)
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


def check(entries: Sequence[Entry], user) -> tuple[list[dict], list[Problem]]:
    """Validate and check permissions without touching values: (cleaned fields, problems)."""
    problems: list[Problem] = []
    cleaned: list[dict] = []
    for entry in entries:
        fields, issues = clean(entry.metric, entry.data)
        if "comment" not in entry.data:
            fields.pop("comment")  # keep an existing explanation unless one is sent
        cleaned.append(fields)
        problems.extend(Problem(entry.ref, i.field, i.message, i.code) for i in issues)
    if user is not None:
        unit_ids = {e.unit.pk for e in entries}
        allowed: set[int] = set()
        editable = permissions.units_for(user, "edit_data")
        for chunk in _chunks(sorted(unit_ids)):
            allowed.update(editable.filter(pk__in=chunk).values_list("pk", flat=True))
        for entry in entries:
            if entry.unit.pk not in allowed:
                problems.append(Problem(
                    entry.ref, None, f"Bạn không có quyền nhập số liệu cho {entry.unit.name} "
                                     f"({entry.unit.code}).", "permission"))
    return cleaned, problems


def write_values(entries: Sequence[Entry], *, user, source: str, reason: str = "",
                 batch_size: int = 2000) -> Counts:
    """Write `entries` all-or-nothing; raises BulkRejected listing every problem."""
    cleaned, problems = check(entries, user)
    if problems:
        raise BulkRejected(problems)
    counts = Counts()
    with transaction.atomic():
        existing = _load_existing(entries)
        now = timezone.now()
        new_rows: list[tuple[Entry, dict]] = []
        changed: list[tuple[DataValue, dict, str]] = []
        for entry, fields in zip(entries, cleaned, strict=True):
            key = (entry.metric.pk, entry.unit.pk, entry.period.pk)
            current = existing.get(key)
            seen = current.version if current is not None else 0
            if entry.expected_version is not None and entry.expected_version != seen:
                problems.append(_conflict(entry, current))
                continue
            if current is None:
                new_rows.append((entry, fields))
                counts.written.append(entry.ref)
                continue
            old = current.snapshot()
            for key_name, value in fields.items():
                setattr(current, key_name, value)
            if current.snapshot() == old:
                counts.unchanged += 1
                continue
            current.version += 1
            current.source = source
            current.updated_by = user
            current.updated_at = now
            changed.append((current, old, current.state))
            counts.written.append(entry.ref)
        if problems:
            raise BulkRejected(problems)
        if new_rows:
            _insert_new(new_rows, user=user, source=source, reason=reason, now=now,
                        batch_size=batch_size)
        if changed:
            DataValue.objects.bulk_update([c[0] for c in changed], UPDATE_FIELDS,
                                          batch_size=batch_size)
            DataValueChange.objects.bulk_create(
                [_change(dv, old, state, user, source, reason, now) for dv, old, state in changed],
                batch_size=batch_size)
        counts.created = len(new_rows)
        counts.updated = len(changed)
    return counts


VALUE_COLUMNS = ["metric", "unit", "period", "value", "numerator", "denominator", "text",
                 "comment", "source", "state", "version", "is_illustrative", "created_at",
                 "updated_by", "updated_at"]
CHANGE_COLUMNS = ["data_value", "version", "changed_by", "changed_at", "old", "new", "reason",
                  "source", "old_state", "new_state"]


def _insert_sql(model, names: list[str]) -> str:
    qn = connection.ops.quote_name
    columns = ", ".join(qn(model._meta.get_field(n).column) for n in names)
    marks = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"


def _insert_new(rows: list[tuple[Entry, dict]], *, user, source: str, reason: str, now,
                batch_size: int) -> None:
    """Insert new values and their first history entries with executemany.

    Building 100,000 model instances and letting the ORM prepare each field is most of
    the cost of bulk_create; these rows are plain tuples of already-cleaned values, so
    they go to the driver directly (two statements, executed in batches).
    """
    at = connection.ops.adapt_datetimefield_value(now)
    user_id = user.pk if user is not None else None
    json_field = DataValueChange._meta.get_field("new")
    value_rows = []
    for entry, f in rows:
        value_rows.append((entry.metric.pk, entry.unit.pk, entry.period.pk, f["value"],
                           f["numerator"], f["denominator"], f["text"], f.get("comment", ""),
                           source, State.DRAFT, 1, False, at, user_id, at))
    value_sql = _insert_sql(DataValue, VALUE_COLUMNS)
    with connection.cursor() as cursor:
        for start in range(0, len(value_rows), batch_size):
            cursor.executemany(value_sql, value_rows[start:start + batch_size])
    ids = _ids_of([(e.metric.pk, e.unit.pk, e.period.pk) for e, _f in rows])
    change_rows = []
    for (_entry, f), row in zip(rows, value_rows, strict=True):
        snapshot = {"value": _num(f["value"]), "numerator": _num(f["numerator"]),
                    "denominator": _num(f["denominator"]), "text": f["text"],
                    "comment": f.get("comment", ""), "state": State.DRAFT}
        change_rows.append((ids[row[:3]], 1, user_id, at, None,
                            json_field.get_db_prep_save(snapshot, connection), reason, source,
                            "", State.DRAFT))
    change_sql = _insert_sql(DataValueChange, CHANGE_COLUMNS)
    with connection.cursor() as cursor:
        for start in range(0, len(change_rows), batch_size):
            cursor.executemany(change_sql, change_rows[start:start + batch_size])


def _num(x) -> str | None:
    """As `DataValue.snapshot` writes numbers ("50", never "50.000000")."""
    return None if x is None else format(Decimal(str(x)).normalize(), "f")


def _ids_of(keys: list[tuple[int, int, int]]) -> dict[tuple[int, int, int], int]:
    wanted = set(keys)
    metric_ids = sorted({k[0] for k in keys})
    period_ids = sorted({k[2] for k in keys})
    found: dict[tuple[int, int, int], int] = {}
    for chunk in _chunks(sorted({k[1] for k in keys})):
        for pk, m, u, p in DataValue.objects.filter(
                unit_id__in=chunk, metric_id__in=metric_ids, period_id__in=period_ids,
        ).values_list("pk", "metric_id", "unit_id", "period_id"):
            if (m, u, p) in wanted:
                found[(m, u, p)] = pk
    return found


def _load_existing(entries: Sequence[Entry]) -> dict[tuple[int, int, int], DataValue]:
    """The stored values for the entries' keys, locked until the transaction ends."""
    keys = {(e.metric.pk, e.unit.pk, e.period.pk) for e in entries}
    metric_ids = sorted({k[0] for k in keys})
    period_ids = sorted({k[2] for k in keys})
    found: dict[tuple[int, int, int], DataValue] = {}
    for chunk in _chunks(sorted({k[1] for k in keys})):
        rows = (DataValue.objects.select_for_update(of=("self",))
                .filter(unit_id__in=chunk, metric_id__in=metric_ids, period_id__in=period_ids)
                .select_related("updated_by"))
        for dv in rows:
            key = (dv.metric_id, dv.unit_id, dv.period_id)
            if key in keys:
                found[key] = dv
    return found


def _change(dv: DataValue, old: dict | None, old_state: str, user, source: str, reason: str,
            at) -> DataValueChange:
    return DataValueChange(data_value_id=dv.pk, version=dv.version, changed_by=user,
                           changed_at=at, old=old, new=dv.snapshot(), reason=reason,
                           source=source, old_state=old_state, new_state=dv.state)


def _conflict(entry: Entry, current: DataValue | None) -> Problem:
    from chiso.lib.formatting import format_datetime

    if current is None:
        message = (f"số liệu “{entry.metric.code}” kỳ {entry.period.code} đã bị xóa sau khi "
                   "tệp được tạo (bạn gửi phiên bản "
                   f"{entry.expected_version}); hãy tải lại mẫu.")
    else:
        who = current.updated_by.username if current.updated_by else "hệ thống"
        if entry.expected_version == 0:
            seen = "khi đó chưa có số liệu"
        else:
            seen = f"bạn gửi phiên bản {entry.expected_version}"
        message = (f"số liệu “{entry.metric.code}” kỳ {entry.period.code} đã được {who} thay "
                   f"đổi lúc {format_datetime(current.updated_at)} (phiên bản {current.version}; "
                   f"{seen}). Không ghi đè: hãy tải lại mẫu để xem giá trị mới.")
    return Problem(entry.ref, None, message, "conflict")
