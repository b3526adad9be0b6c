"""What each unit owes its plans today: task deadlines, progress updates and target figures.

Three kinds of item, each with a date by which it is owed:
- `task`: a task the unit leads whose due date is near (within `due_soon_days`) or past;
- `update`: a task the unit leads that has had no progress update since the start of the
  plan's last ended reporting period (owed `report_grace_days` after that period ends),
  unless the task was entered after that period;
- `report`: a target the unit leads, or a share of one assigned to it, whose metric has no
  submitted or accepted value for the last ended reporting period (same date as above).

Only plans in force count. Everything is read in a handful of queries for any number of
units (`items_by_unit`), so the reminders job and the dashboards use the same answer;
`items_for_unit` is the one-unit view of it. `silent_units` is the secretariat's reading
of the same data: who has not written anything for how long.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.metrics import periods as P
from chiso.metrics.models import DataValue, Period, State
from chiso.orgs.models import OrgUnit

from .models import Plan, Target, TargetBreakdown, Task, TaskUpdate

KIND_LABELS = {
    "task": _("Hạn hoàn thành nhiệm vụ"),
    "update": _("Cập nhật tiến độ nhiệm vụ"),
    "report": _("Báo cáo số liệu chỉ tiêu"),
}
REPORTED_STATES = (State.SUBMITTED, State.ACCEPTED)


def due_soon_days() -> int:
    return int(getattr(settings, "CHISO_PLANS_DUE_SOON_DAYS", 14))


def report_grace_days() -> int:
    """Days after a reporting period ends by which figures and progress are owed."""
    return int(getattr(settings, "CHISO_PLANS_REPORT_GRACE_DAYS", 10))


@dataclass
class InboxItem:
    kind: str  # "task", "update" or "report"
    unit: OrgUnit  # the unit that owes it
    plan: Plan
    task: Task | None
    target: Target | None
    due: dt.date  # the date it is owed by
    today: dt.date
    period: P.ParsedPeriod | None = None  # the reporting period (update, report)
    measured_unit: OrgUnit | None = None  # report: whose figure is owed

    @property
    def obj(self) -> Task | Target:
        return self.task if self.task is not None else self.target

    @property
    def overdue(self) -> bool:
        return self.today > self.due

    @property
    def days_late(self) -> int:
        return max(0, (self.today - self.due).days)

    @property
    def days_left(self) -> int:
        return max(0, (self.due - self.today).days)

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def title(self) -> str:
        obj = self.obj
        text = obj.description if self.task is not None else obj.statement
        return f"{obj.code}. {text}" if obj.code else text

    @property
    def period_label(self) -> str:
        return period_label(self.period) if self.period else ""

    @property
    def sort_key(self) -> tuple:
        # Overdue first (the longest overdue at the top), then by date owed.
        return (0 if self.overdue else 1, self.due, self.kind, self.obj.pk)


def period_label(period: P.ParsedPeriod) -> str:
    """`Quý II/2024`, `6 tháng đầu năm 2024`: the label the metrics app writes."""
    return str(Period(kind=period.kind, year=period.year, number=period.number).label)


def last_ended_period(kind: str, today: dt.date) -> P.ParsedPeriod:
    """The latest period of `kind` that ended before `today` (2024-07-01 → 2024Q2)."""
    number = (today.month - 1) // P.MONTHS[kind] + 1
    return P.previous(P.build(kind, today.year, number))


def _report_kind(plan: Plan, target: Target | None = None) -> str:
    """A figure cannot be owed more often than its metric is measured: the coarser of the
    plan's reporting frequency and the metric's own."""
    kind = plan.report_frequency
    metric_kind = getattr(getattr(target, "metric", None), "frequency", None)
    if metric_kind in P.MONTHS and P.MONTHS[metric_kind] > P.MONTHS[kind]:
        kind = metric_kind
    return kind


def _reporting_period(plan: Plan, today: dt.date, kind: str) -> P.ParsedPeriod | None:
    period = last_ended_period(kind, today)
    if not (plan.start_year <= period.year <= plan.end_year):
        return None
    return period


def _in_force() -> Q:
    return Q(plan__status=Plan.Status.IN_FORCE)


def items_by_unit(today: dt.date, units: Iterable[OrgUnit] | None = None
                  ) -> dict[int, list[InboxItem]]:
    """Every unit's open items (or only `units`'), sorted most urgent first."""
    unit_ids = None if units is None else [u.pk for u in units]
    out: dict[int, list[InboxItem]] = defaultdict(list)
    _task_items(today, unit_ids, out)
    _report_items(today, unit_ids, out)
    for items in out.values():
        items.sort(key=lambda i: i.sort_key)
    return dict(out)


def items_for_unit(unit: OrgUnit, today: dt.date | None = None) -> list[InboxItem]:
    """The unit's targets to report and tasks to update, due and overdue, most urgent first
    (for the unit's inbox page and the dashboards)."""
    today = today or timezone.localdate()
    return items_by_unit(today, [unit]).get(unit.pk, [])


def _open_tasks(today: dt.date, unit_ids: list[int] | None):
    tasks = (Task.objects.filter(_in_force(), cancelled=False)
             .filter(Q(completed_at__isnull=True) | Q(completed_at__gt=today))
             .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
             .select_related("plan", "plan__owner", "lead_unit"))
    if unit_ids is not None:
        tasks = tasks.filter(lead_unit_id__in=unit_ids)
    return tasks


def _task_items(today: dt.date, unit_ids: list[int] | None, out: dict) -> None:
    tasks = list(_open_tasks(today, unit_ids).annotate(
        last_progress=Max("updates__created_at", filter=Q(updates__kind="progress"))))
    horizon = today + dt.timedelta(days=due_soon_days())
    grace = dt.timedelta(days=report_grace_days())
    for task in tasks:
        if task.due_date is not None and task.due_date <= horizon:
            out[task.lead_unit_id].append(InboxItem(
                "task", task.lead_unit, task.plan, task, None, task.due_date, today))
            continue  # the deadline says more than a missing progress note
        period = _reporting_period(task.plan, today, task.plan.report_frequency)
        if period is None or (task.start_date and task.start_date > period.end):
            continue
        if timezone.localdate(task.created_at) > period.end:
            continue  # entered after that period: no update was asked of it then
        last = task.last_progress and timezone.localdate(task.last_progress)
        if last is None or last < period.start:
            out[task.lead_unit_id].append(InboxItem(
                "update", task.lead_unit, task.plan, task, None, period.end + grace, today,
                period=period))


def _report_items(today: dt.date, unit_ids: list[int] | None, out: dict) -> None:
    """Targets (and shares of targets) whose figure for the last ended period is missing."""
    grace = dt.timedelta(days=report_grace_days())
    # (owing unit, measured unit, target, period) for every figure that could be owed.
    owed: list[tuple[OrgUnit, OrgUnit, Target, P.ParsedPeriod]] = []
    targets = (Target.objects.filter(_in_force(), metric__isnull=False)
               .select_related("plan", "plan__owner", "metric", "lead_unit", "unit"))
    if unit_ids is not None:
        targets = targets.filter(Q(lead_unit_id__in=unit_ids)
                                 | Q(lead_unit__isnull=True, plan__owner_id__in=unit_ids))
    for target in targets:
        period = _reporting_period(target.plan, today, _report_kind(target.plan, target))
        if period is not None:
            lead = target.lead_unit or target.plan.owner
            owed.append((lead, target.unit or target.plan.owner, target, period))
    shares = (TargetBreakdown.objects.filter(target__plan__status=Plan.Status.IN_FORCE,
                                             target__metric__isnull=False)
              .select_related("unit", "target", "target__plan", "target__plan__owner", "target__metric"))
    if unit_ids is not None:
        shares = shares.filter(unit_id__in=unit_ids)
    for share in shares:
        target = share.target
        period = _reporting_period(target.plan, today, _report_kind(target.plan, target))
        if period is not None and share.year == period.year:
            owed.append((share.unit, share.unit, target, period))
    if not owed:
        return
    reported = set(DataValue.objects.filter(
        metric_id__in={t.metric_id for _o, _m, t, _p in owed},
        unit_id__in={m.pk for _o, m, _t, _p in owed},
        period__code__in={p.code for *_rest, p in owed},
        state__in=REPORTED_STATES).values_list("metric_id", "unit_id", "period__code"))
    seen = set()
    for owing, measured, target, period in owed:
        key = (owing.pk, target.metric_id, measured.pk, period.code)
        if key in seen or (target.metric_id, measured.pk, period.code) in reported:
            continue
        seen.add(key)
        out[owing.pk].append(InboxItem(
            "report", owing, target.plan, None, target, period.end + grace, today,
            period=period, measured_unit=measured))


# --- who is silent -------------------------------------------------------------------------
@dataclass
class SilentUnit:
    unit: OrgUnit
    last_update: dt.datetime | None  # latest progress, note or figure written for a plan
    open_tasks: int  # tasks it leads, not finished, in plans in force
    open_items: int  # what it owes now (inbox items)
    overdue_items: int
    today: dt.date

    @property
    def days_silent(self) -> int | None:
        if self.last_update is None:
            return None
        return (self.today - timezone.localdate(self.last_update)).days

    @property
    def sort_key(self) -> tuple:
        # Never heard from first, then the longest silence, then the most overdue.
        silent = self.days_silent
        return (silent is not None, -(silent or 0), -self.overdue_items, self.unit.path)


def silent_units(within: OrgUnit, today: dt.date,
                 by_unit: dict[int, list[InboxItem]] | None = None) -> list[SilentUnit]:
    """Units of `within`'s subtree that lead unfinished tasks or owe something to a plan
    in force, with the date of the last thing they wrote for any plan (progress, note or
    a target's figure), longest silence first. `by_unit`: `items_by_unit(today)` when the
    caller has it already."""
    if by_unit is None:
        by_unit = items_by_unit(today)
    items = {uid: its for uid, its in by_unit.items()
             if its[0].unit.path.startswith(within.path)}
    open_tasks = dict(
        Task.objects.filter(_in_force(), cancelled=False, lead_unit__path__startswith=within.path)
        .filter(Q(completed_at__isnull=True) | Q(completed_at__gt=today))
        .values("lead_unit_id").order_by().annotate(n=Count("pk"))
        .values_list("lead_unit_id", "n"))
    unit_ids = set(items) | set(open_tasks)
    if not unit_ids:
        return []
    units = {uid: its[0].unit for uid, its in items.items()}
    units.update(OrgUnit.objects.in_bulk(unit_ids - units.keys()))
    last_task = dict(TaskUpdate.objects.filter(unit_id__in=unit_ids)
                     .values("unit_id").order_by().annotate(at=Max("created_at"))
                     .values_list("unit_id", "at"))
    metric_ids = Target.objects.filter(metric__isnull=False).values("metric_id")
    last_value = dict(DataValue.objects.filter(unit_id__in=unit_ids, metric_id__in=metric_ids,
                                               state__in=REPORTED_STATES)
                      .values("unit_id").order_by().annotate(at=Max("updated_at"))
                      .values_list("unit_id", "at"))
    rows = []
    for uid in unit_ids:
        its = items.get(uid, [])
        stamps = [s for s in (last_task.get(uid), last_value.get(uid)) if s is not None]
        rows.append(SilentUnit(units[uid], max(stamps) if stamps else None,
                               open_tasks.get(uid, 0), len(its),
                               sum(1 for i in its if i.overdue), today))
    rows.sort(key=lambda r: r.sort_key)
    return rows
