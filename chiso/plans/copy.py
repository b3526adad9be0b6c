"""Copy a plan to the next year (or any number of years on): the usual start of a yearly
plan is last year's, with its numbers moved on.

What the copy holds:
- a draft plan with no number yet (the new document is not issued), the same issuer,
  owner, parent plan, kind and reporting frequency, the span shifted, `copied_from` set;
- the solution groups;
- every target with its metric, comparison, lead unit and baseline; its values for the
  new years: the value the old plan already set for that year where it has one (a
  2022–2025 roadmap), otherwise the old plan's value for the year before, carried forward
  and marked in its note so that the secretariat revises it; breakdowns to units likewise;
- every task not cancelled, with dates shifted by the same number of years (29/02 becomes
  28/02), its coordinating units and its links to targets (to the copies) kept; no
  progress, no completion: the work of the new year starts from zero.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Plan, SolutionGroup, Target, TargetBreakdown, TargetValue, Task


def shift_date(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _title(title: str, old_start: int, old_end: int, years: int) -> str:
    """"… năm 2023" → "… năm 2024"; "giai đoạn 2022–2025" → "giai đoạn 2023–2026"."""
    for year in sorted({old_start, old_end}, reverse=True):
        title = title.replace(str(year), str(year + years))
    return title


def _carried(values: dict, year: int, years: int):
    """The value for `year`: the old plan's own, or the one `years` earlier carried."""
    if year in values:
        return values[year], ""
    if year - years in values:
        return values[year - years], _("Sao chép từ năm %(y)d, cần rà soát lại.") % {
            "y": year - years}
    return None, ""


@transaction.atomic
def copy_plan(plan: Plan, *, user=None, years: int = 1) -> Plan:
    if years < 1:
        raise ValueError(_("Số năm dịch chuyển phải từ 1 trở lên."))
    new = Plan.objects.create(
        kind=plan.kind, number="", title=_title(plan.title, plan.start_year, plan.end_year, years),
        issuer=plan.issuer, owner=plan.owner, start_year=plan.start_year + years,
        end_year=plan.end_year + years, status=Plan.Status.DRAFT, parent=plan.parent,
        copied_from=plan, report_frequency=plan.report_frequency, summary=plan.summary,
        is_illustrative=plan.is_illustrative, created_by=user)
    new_years = range(new.start_year, new.end_year + 1)

    groups = {}
    for g in plan.solution_groups.all():
        groups[g.pk] = SolutionGroup.objects.create(plan=new, code=g.code, title=g.title,
                                                   order=g.order)

    targets = {}
    for t in plan.targets.prefetch_related("values", "breakdowns").order_by("order", "pk"):
        copy = Target.objects.create(
            plan=new, code=t.code, order=t.order, statement=t.statement, pillar=t.pillar,
            solution_group=groups.get(t.solution_group_id), metric=t.metric, unit=t.unit,
            comparison=t.comparison, tolerance=t.tolerance, baseline_value=t.baseline_value,
            baseline_year=t.baseline_year, lead_unit=t.lead_unit, note=t.note,
            is_illustrative=t.is_illustrative)
        targets[t.pk] = copy
        by_level: dict = {}
        for v in t.values.all():
            by_level.setdefault(v.level, {})[v.year] = v.value
        rows = []
        for level, values in by_level.items():
            for year in new_years:
                value, note = _carried(values, year, years)
                if value is not None:
                    rows.append(TargetValue(target=copy, year=year, level=level, value=value,
                                            note=note))
        TargetValue.objects.bulk_create(rows)
        by_unit: dict = {}
        for b in t.breakdowns.all():
            by_unit.setdefault(b.unit_id, {})[b.year] = b.value
        shares = []
        for unit_id, values in by_unit.items():
            for year in new_years:
                value, note = _carried(values, year, years)
                if value is not None:
                    shares.append(TargetBreakdown(target=copy, unit_id=unit_id, year=year,
                                                  value=value, note=note))
        TargetBreakdown.objects.bulk_create(shares)

    tasks = (plan.tasks.filter(cancelled=False).order_by("order", "pk")
             .prefetch_related("coordinating_units", "targets"))
    for task in tasks:
        copy = Task.objects.create(
            plan=new, solution_group=groups.get(task.solution_group_id), code=task.code,
            order=task.order, description=task.description, lead_unit=task.lead_unit,
            deliverable=task.deliverable, start_date=shift_date(task.start_date, years),
            due_date=shift_date(task.due_date, years), dti_component=task.dti_component,
            is_key=task.is_key, note=task.note, is_illustrative=task.is_illustrative)
        copy.coordinating_units.set(task.coordinating_units.all())
        copy.targets.set([targets[t.pk] for t in task.targets.all() if t.pk in targets])
    return new
