"""The only way code writes data values: validation, permission, optimistic concurrency and
history, in one transaction per call.

    save_value(metric, unit, period, {"numerator": 45, "denominator": 50},
               user=request.user, source=Source.FORM, expected_version=3)

- Invalid data raises `ValidationFailed(issues)` and writes nothing.
- A stale `expected_version` (someone saved in between) raises `ConflictError`, naming who
  changed the value and when: the second editor gets a conflict, never a lost update.
  `expected_version=0` means "I saw no value": it conflicts if one was created meanwhile.
- Every change (value or state) appends a `DataValueChange` with old → new, who, when,
  why and the source. Saving identical data changes nothing and adds no history.

Permissions: callers check `permissions.can(user, "edit_data", unit)` to show the form;
these functions assert it again whenever a user is given (user=None is the system itself:
demo, computed values, migrations of data).

Many values at once (imports, the API's bulk endpoint, the demo) go through
`chiso.metrics.bulk.write_values`, which keeps the same rules in bulk queries.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso.lib import events
from chiso.lib.formatting import format_datetime
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from .models import DataValue, DataValueChange, Metric, Period, Source, State
from .validation import Issue, clean, validate

__all__ = ["ConflictError", "Issue", "ValidationFailed", "save_value", "set_state", "validate"]

# Which permission a state change needs (see chiso.orgs.permissions.ACTIONS). Rounds add
# their own workflow rules (deadlines, the head's approval) on top of these.
STATE_ACTIONS = {
    State.DRAFT: "edit_data",      # withdraw or re-open for editing
    State.SUBMITTED: "edit_data",
    State.RETURNED: "review",
    State.ACCEPTED: "review",
}
# A reviewer may correct a submitted or accepted value, with a written reason.
REVIEW_EDIT_STATES = {State.SUBMITTED, State.ACCEPTED}


class ValidationFailed(Exception):
    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))


class ConflictError(Exception):
    """The value changed since the editor loaded it."""

    def __init__(self, current: DataValue | None, expected_version: int | None,
                 message: str | None = None):
        self.current = current
        self.expected_version = expected_version
        if message is None and current is not None:
            who = _who(current.updated_by) if current.updated_by_id else "hệ thống"
            message = (
                f"Số liệu “{current.metric.name}” của {current.unit.name}, kỳ "
                f"{current.period.code}, đã được {who} thay đổi lúc "
                f"{format_datetime(current.updated_at)} (phiên bản {current.version}, bạn đang sửa "
                f"phiên bản {expected_version}). Thay đổi của bạn chưa được lưu: hãy tải lại để "
                "xem giá trị mới rồi nhập lại nếu vẫn cần sửa.")
        super().__init__(message or "Số liệu đã bị thay đổi bởi người khác.")


def _who(user) -> str:
    if user is None:
        return "hệ thống"
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.username})" if full else user.username


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.objects.for_code(period)


def _check_edit(user, unit: OrgUnit, current: DataValue | None, reason: str) -> None:
    if user is None or permissions.can(user, "edit_data", unit):
        return
    if (current is not None and current.state in REVIEW_EDIT_STATES
            and permissions.can(user, "review", unit)):
        if not reason.strip():
            raise ValidationFailed([Issue("reason", "Lý do: người thẩm định sửa số liệu phải nêu "
                                                    "lý do.", "required")])
        return
    raise PermissionDenied("Bạn không có quyền nhập số liệu cho đơn vị này.")


def _history(dv: DataValue, old: dict | None, *, user, source: str, reason: str,
             old_state: str, at) -> DataValueChange:
    return DataValueChange(data_value=dv, version=dv.version, changed_by=user, changed_at=at,
                           old=old, new=dv.snapshot(), reason=reason, source=source,
                           old_state=old_state, new_state=dv.state)


def save_value(metric: Metric, unit: OrgUnit, period: Period | str, data: dict, *, user,
               source: str = Source.FORM, expected_version: int | None = None,
               reason: str = "", state: str | None = None,
               is_illustrative: bool | None = None) -> DataValue:
    """Create or change one value; returns it with its new version."""
    period = _period(period)
    if source not in Source.values:
        raise ValueError(f"Unknown source {source!r}")
    if state is not None and state not in State.values:
        raise ValueError(f"Unknown state {state!r}")
    fields, issues = clean(metric, data)
    if "comment" not in data:
        fields.pop("comment")  # keep the existing explanation unless one is sent
    if issues:
        raise ValidationFailed(issues)
    try:
        with transaction.atomic():
            current = (DataValue.objects.select_for_update(of=("self",))
                       .select_related("updated_by", "metric", "unit", "period")
                       .filter(metric=metric, unit=unit, period=period).first())
            _check_edit(user, unit, current, reason)
            if expected_version is not None and (current.version if current else 0) != expected_version:
                if current is None:
                    raise ConflictError(None, expected_version,
                                        "Số liệu bạn đang sửa không còn tồn tại; hãy tải lại trang.")
                raise ConflictError(current, expected_version)
            now = timezone.now()
            if current is None:
                dv = DataValue(metric=metric, unit=unit, period=period, source=source,
                               state=state or State.DRAFT, updated_by=user, updated_at=now,
                               created_at=now, version=1,
                               is_illustrative=bool(is_illustrative), **fields)
                dv.save(force_insert=True)
                _history(dv, None, user=user, source=source, reason=reason, old_state="",
                         at=now).save()
                return dv
            old = current.snapshot()
            old_state = current.state
            for key, value in fields.items():
                setattr(current, key, value)
            if state is not None:
                current.state = state
            if is_illustrative is not None:
                current.is_illustrative = is_illustrative
            if current.snapshot() == old:
                return current  # nothing changed: no new version, no history entry
            current.version += 1
            current.source = source
            current.updated_by = user
            current.updated_at = now
            current.save()
            _history(current, old, user=user, source=source, reason=reason, old_state=old_state,
                     at=now).save()
            if current.state == State.ACCEPTED:  # a reviewer's correction: dashboards refresh
                events.publish("value.accepted", current.unit, metric=metric.code, period=period.code)
            return current
    except IntegrityError:
        # Two first saves raced (PostgreSQL does not lock a row that does not exist yet):
        # the loser is told, exactly as for a stale version.
        current = (DataValue.objects.select_related("updated_by", "metric", "unit", "period")
                   .filter(metric=metric, unit=unit, period=period).first())
        if current is None:
            raise
        raise ConflictError(current, expected_version if expected_version is not None else 0) from None


def set_state(data_value: DataValue, new_state: str, *, user, reason: str = "",
              expected_version: int | None = None, source: str = Source.FORM) -> DataValue:
    """Move a value to `new_state` (draft, submitted, returned, accepted), with history.

    Returning a value requires a reason. The workflow of a whole form (deadlines, the
    head's approval, locking) belongs to `chiso.rounds`, which calls this per value.
    """
    if new_state not in State.values:
        raise ValueError(f"Unknown state {new_state!r}")
    with transaction.atomic():
        current = (DataValue.objects.select_for_update(of=("self",))
                   .select_related("updated_by", "metric", "unit", "period")
                   .get(pk=data_value.pk))
        # Checked on the locked re-read, whose unit is already loaded (no query per call);
        # in the same order as before: permission, then the reason, then the version.
        if user is not None:
            permissions.require(user, STATE_ACTIONS[State(new_state)], current.unit)
        if new_state == State.RETURNED and not reason.strip():
            raise ValidationFailed([Issue("reason", "Lý do trả lại: chưa nhập.", "required")])
        if expected_version is not None and current.version != expected_version:
            raise ConflictError(current, expected_version)
        if current.state == new_state:
            return current
        old = current.snapshot()
        old_state = current.state
        now = timezone.now()
        current.state = new_state
        current.version += 1
        current.updated_by = user
        current.updated_at = now
        current.save(update_fields=["state", "version", "updated_by", "updated_at"])
        _history(current, old, user=user, source=source, reason=reason, old_state=old_state,
                 at=now).save()
        events.publish(f"value.{new_state}", current.unit, metric=current.metric.code, period=current.period.code)
        return current


def set_states(values, new_state: str, *, user, reason: str = "",
               source: str = Source.FORM) -> int:
    """`set_state` for many values at once (a whole form sent, returned, accepted,
    locked): the same permission, reason and history rules in a handful of queries
    instead of several per value. Values already in `new_state` are left alone.
    Returns how many changed."""
    if new_state not in State.values:
        raise ValueError(f"Unknown state {new_state!r}")
    if new_state == State.RETURNED and not reason.strip():
        raise ValidationFailed([Issue("reason", "Lý do trả lại: chưa nhập.", "required")])
    with transaction.atomic():
        rows = list(DataValue.objects.select_for_update(of=("self",))
                    .filter(pk__in=[v.pk for v in values]).exclude(state=new_state)
                    .select_related("unit"))
        if user is not None:
            for unit in {dv.unit_id: dv.unit for dv in rows}.values():
                permissions.require(user, STATE_ACTIONS[State(new_state)], unit)
        now = timezone.now()
        history = []
        for dv in rows:
            old, old_state = dv.snapshot(), dv.state
            dv.state = new_state
            dv.version += 1
            dv.updated_by = user
            dv.updated_at = now
            history.append(_history(dv, old, user=user, source=source, reason=reason,
                                    old_state=old_state, at=now))
        DataValue.objects.bulk_update(rows, ["state", "version", "updated_by", "updated_at"],
                                      batch_size=1000)
        DataValueChange.objects.bulk_create(history, batch_size=1000)
        events.publish(f"value.{new_state}", {dv.unit.path for dv in rows})
    return len(rows)
