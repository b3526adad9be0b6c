"""The one way to write many values at once (file imports, the API's bulk endpoint, the
demo), all-or-nothing, with the guarantees of `services.save_value` at the speed of bulk
queries:

- every entry is checked by `validation.clean` (the same rules and messages as a form);
- the user must hold `edit_data` on every unit (one query through `units_for`);
- versions are checked under a row lock (`select_for_update`: PostgreSQL locks the rows,
  SQLite's IMMEDIATE transactions already hold the write lock): an entry that carries the
  version it was issued with (the template's hidden column, the API's `expected_version`)
  conflicts if the value changed since — every conflict is reported, not only the first;
- a changed value (data or state) gets version + 1 and a `DataValueChange` (old → new, who,
  when, source); identical data changes nothing and adds no history, as in `save_value`;
- any problem raises before anything is written, and the caller's transaction rolls back.

Updates go through bulk_update; new values are inserted from plain tuples
(`lib.bulkinsert`) and their first history entries by one INSERT … SELECT per chunk (see
`_insert_new`), which is what makes a 100,000-value import take a couple of seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from chiso.lib import bulkinsert, events, gcpause
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from .models import DataValue, DataValueChange, Metric, Period, Source, State
from .validation import clean

UPDATE_FIELDS = ["value", "numerator", "denominator", "text", "comment", "state", "version",
                 "source", "updated_by", "updated_at"]
CHUNK = 500  # ids per IN (...) list: well under every backend's parameter limit
CHECK_STEP = 5000  # entries validated between two progress reports


@dataclass
class Entry:
    metric: Metric
    unit: OrgUnit
    period: Period
    data: dict[str, Any]  # value, numerator, denominator, text, comment (as for save_value)
    ref: Any = None  # where it came from (a row number, an index): handed back in problems
    expected_version: int | None = None  # 0: "there was no value"; None: do not check
    state: str | None = None  # None: new values are drafts, stored ones keep their state


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


def _keys(entries: Sequence[Entry]) -> list[tuple[int, int, int]]:
    return [(e.metric.pk, e.unit.pk, e.period.pk) for e in entries]


def check(entries: Sequence[Entry], user, progress=None) -> tuple[list[dict], list[Problem]]:
    """Validate and check permissions without touching values: (cleaned fields, problems).

    `progress("check", done, total)` is called every `CHECK_STEP` entries."""
    problems: list[Problem] = []
    cleaned: list[dict] = []
    total = len(entries)
    for done, entry in enumerate(entries):
        if progress is not None and done % CHECK_STEP == 0:
            progress("check", done, total)
        fields, issues = clean(entry.metric, entry.data)
        if "comment" not in entry.data:
            fields.pop("comment")  # keep an existing explanation unless one is sent
        if entry.state is not None and entry.state not in State.values:
            raise ValueError(f"Unknown state {entry.state!r}")
        cleaned.append(fields)
        if issues:
            problems.extend(Problem(entry.ref, i.field, i.message, i.code) for i in issues)
    if user is not None:
        units = {e.unit.pk: e.unit for e in entries}
        allowed: set[int] = set()
        editable = permissions.units_for(user, "edit_data")
        for chunk in _chunks(sorted(units)):
            allowed.update(editable.filter(pk__in=chunk).values_list("pk", flat=True))
        if len(allowed) < len(units):
            for entry in entries:
                if entry.unit.pk not in allowed:
                    problems.append(Problem(
                        entry.ref, None, f"Bạn không có quyền nhập số liệu cho {entry.unit.name} "
                                         f"({entry.unit.code}).", "permission"))
    if progress is not None:
        progress("check", total, total)
    return cleaned, problems


def write_values(entries: Sequence[Entry], *, user, source: str, reason: str = "",
                 is_illustrative: bool = False, batch_size: int = 2000,
                 cleaned: list[dict] | None = None) -> Counts:
    """Write `entries` all-or-nothing; raises BulkRejected listing every problem.

    `is_illustrative` marks the values created (the demo's); stored values keep theirs.
    `cleaned` is what `check(entries, user)` returned without problems, when the caller
    has checked them already (outside the write transaction, to hold the lock shorter).
    """
    if source not in Source.values:
        raise ValueError(f"Unknown source {source!r}")
    if cleaned is None:
        cleaned, problems = check(entries, user)
        if problems:
            raise BulkRejected(problems)
    problems = []
    counts = Counts()
    keys = _keys(entries)
    units = {e.unit.pk: e.unit for e in entries}  # stored values are loaded without theirs
    with gcpause.relaxed(), transaction.atomic():
        existing = _load_existing(keys)
        now = timezone.now()
        new_rows: list[tuple[tuple[int, int, int], Entry, dict]] = []
        changed: list[tuple[DataValue, dict, str]] = []
        for key, entry, fields in zip(keys, entries, cleaned, strict=True):
            current = existing.get(key)
            if entry.expected_version is not None:
                seen = current.version if current is not None else 0
                if entry.expected_version != seen:
                    problems.append(_conflict(entry, current))
                    continue
            if current is None:
                new_rows.append((key, entry, fields))
                counts.written.append(entry.ref)
                continue
            old = current.snapshot()
            old_state = current.state
            for key_name, value in fields.items():
                setattr(current, key_name, value)
            if entry.state is not None:
                current.state = entry.state
            if current.snapshot() == old:
                counts.unchanged += 1
                continue
            current.version += 1
            current.source = source
            current.updated_by = user
            current.updated_at = now
            changed.append((current, old, old_state))
            counts.written.append(entry.ref)
        if problems:
            raise BulkRejected(problems)
        if new_rows:
            _insert_new(new_rows, user=user, source=source, reason=reason, now=now,
                        is_illustrative=is_illustrative)
        if changed:
            DataValue.objects.bulk_update([c[0] for c in changed], UPDATE_FIELDS,
                                          batch_size=batch_size)
            DataValueChange.objects.bulk_create(
                [_change(dv, old, state, user, source, reason, now) for dv, old, state in changed],
                batch_size=batch_size)
        counts.created = len(new_rows)
        counts.updated = len(changed)
        # Dashboards refresh where accepted figures arrived (after commit, see lib.events).
        events.publish("value.accepted", {
            e.unit.path for _k, e, _f in new_rows if e.state == State.ACCEPTED} | {
            units[c[0].unit_id].path for c in changed if c[0].state == State.ACCEPTED})
    return counts


VALUE_COLUMNS = ["metric", "unit", "period", "value", "numerator", "denominator", "text",
                 "comment", "source", "state", "version", "is_illustrative", "created_at",
                 "updated_by", "updated_at"]
CHANGE_COLUMNS = ["data_value", "version", "changed_by", "changed_at", "old", "new", "reason",
                  "source", "old_state", "new_state"]


def _insert_new(rows: list[tuple[tuple[int, int, int], Entry, dict]], *, user, source: str,
                reason: str, now, is_illustrative: bool) -> None:
    """Insert new values, then their first history entries in SQL.

    Building 100,000 model instances and letting the ORM prepare each field is most of
    the cost of bulk_create; these rows are plain tuples of already-cleaned values, so
    they go to the database directly (`lib.bulkinsert`: COPY or many-row INSERTs). The
    history entries are then written by the
    database from the rows just inserted (`_insert_first_changes`): no ids to read back
    and no second set of 100,000 tuples to build and bind.
    """
    at = connection.ops.adapt_datetimefield_value(now)
    user_id = user.pk if user is not None else None
    value_rows = []
    for key, entry, f in rows:
        value_rows.append((*key, f["value"], f["numerator"], f["denominator"], f["text"],
                           f.get("comment", ""), source, entry.state or State.DRAFT, 1,
                           is_illustrative, at, user_id, at))
    bulkinsert.insert_rows(DataValue, VALUE_COLUMNS, value_rows)
    _insert_first_changes([row[0] for row in rows], user_id=user_id, at=at, source=source,
                          reason=reason)


def _number_json(column: str) -> str:
    """SQL for a stored number as `DataValue.snapshot()` writes it: "50", "12.5", never
    "50.000000" or "5E+1". SQLite keeps decimals as integers or doubles: printing six
    places (the field's decimal_places) and trimming zeros gives the digits Django reads
    back; PostgreSQL's numeric has `trim_scale`."""
    if connection.vendor == "postgresql":
        return f"trim_scale({column})::text"
    return (f"CASE WHEN {column} IS NULL THEN NULL "
            f"ELSE rtrim(rtrim(printf('%.6f', {column}), '0'), '.') END")


def _insert_first_changes(keys: list[tuple[int, int, int]], *, user_id, at, source: str,
                          reason: str) -> None:
    """Version 1 of the history for values just inserted with `created_at` = `at`.

    The rows are found by their keys (one statement per chunk of units, through the
    unique index) and by what this insert wrote: version 1, created at `at` (to the
    microsecond) by `user_id`. A row of the same keys inserted meanwhile by someone else
    would have failed the unique constraint, so only ours match.
    """
    qn = connection.ops.quote_name
    values, changes = DataValue._meta, DataValueChange._meta
    col = {n: qn(values.get_field(n).column) for n in
           ("metric", "unit", "period", "value", "numerator", "denominator", "text",
            "comment", "state", "version", "created_at", "updated_by")}
    build = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    new = (f"{build}('value', {_number_json(col['value'])}, "
           f"'numerator', {_number_json(col['numerator'])}, "
           f"'denominator', {_number_json(col['denominator'])}, "
           f"'text', {col['text']}, 'comment', {col['comment']}, 'state', {col['state']})")
    targets = ", ".join(qn(changes.get_field(n).column) for n in CHANGE_COLUMNS)
    metric_ids = sorted({k[0] for k in keys})
    period_ids = sorted({k[2] for k in keys})
    by_user = f"{col['updated_by']} = %s" if user_id is not None else \
        f"{col['updated_by']} IS NULL"
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted({k[1] for k in keys})):
            sql = (
                f"INSERT INTO {qn(changes.db_table)} ({targets}) "
                f"SELECT {qn(values.pk.column)}, 1, {col['updated_by']}, %s, NULL, {new}, %s, "
                f"%s, '', {col['state']} FROM {qn(values.db_table)} "
                f"WHERE {col['metric']} IN ({', '.join(['%s'] * len(metric_ids))}) "
                f"AND {col['unit']} IN ({', '.join(['%s'] * len(chunk))}) "
                f"AND {col['period']} IN ({', '.join(['%s'] * len(period_ids))}) "
                f"AND {col['version']} = 1 AND {col['created_at']} = %s AND {by_user}")
            params = [at, reason, source, *metric_ids, *chunk, *period_ids, at]
            if user_id is not None:
                params.append(user_id)
            cursor.execute(sql, params)


def _load_existing(keys: list[tuple[int, int, int]]) -> dict[tuple[int, int, int], DataValue]:
    """The stored values for these keys, locked until the transaction ends."""
    wanted = set(keys)
    metric_ids = sorted({k[0] for k in wanted})
    period_ids = sorted({k[2] for k in wanted})
    found: dict[tuple[int, int, int], DataValue] = {}
    for chunk in _chunks(sorted({k[1] for k in wanted})):
        # Without the editor (select_related would build 100,000 users to compare
        # values): a conflict message fetches its one editor itself.
        rows = (DataValue.objects.select_for_update()
                .filter(unit_id__in=chunk, metric_id__in=metric_ids, period_id__in=period_ids)
                .defer("created_at"))
        for dv in rows:
            key = (dv.metric_id, dv.unit_id, dv.period_id)
            if key in wanted:
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
