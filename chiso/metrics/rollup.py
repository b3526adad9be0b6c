"""Values of a unit computed from the units under it, on demand.

Two steps, in this order:
1. over time, per reporting unit: the metric's periods (`frequency`) inside the asked
   period are combined by `time_rollup` (sum of months, ratio of summed parts, mean,
   latest);
2. over units: the per-unit results are combined by `rollup` (sum, ratio of sums, mean,
   min, max).

A rate of a province is the ratio of summed numerators and denominators, never the mean
of its communes' rates (a commune with 10 applications must not weigh as much as a ward
with 10,000).

Step 1 is one aggregate query (GROUP BY unit), step 2 NumPy over at most a few thousand
rows: fast enough to compute on every request (see bench/bench_rollup.py), so there is no
nightly batch and no stale copy to keep in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Avg, Count, Q, Sum

from chiso.orgs.models import OrgUnit

from .models import DataValue, Metric, Period, State

M = Metric.Rollup
T = Metric.TimeRollup


@dataclass(frozen=True)
class RollupResult:
    value: float | None
    numerator: float | None
    denominator: float | None
    units_with_data: int
    units_expected: int
    units_partial: int  # units missing some of the sub-periods (their sum may be low)
    periods: tuple[str, ...]  # the metric periods that were combined

    @property
    def complete(self) -> bool:
        return self.units_expected > 0 and self.units_with_data >= self.units_expected \
            and self.units_partial == 0


def reporting_units(metric: Metric, unit: OrgUnit, period: Period):
    """The units under `unit` (not itself) that report `metric` and existed in `period`."""
    return (OrgUnit.objects.filter(path__startswith=unit.path, kind__in=metric.reporting_kinds or [])
            .exclude(pk=unit.pk)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=period.end),
                    Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)))


def metric_periods(metric: Metric, period: Period) -> list[Period]:
    """The periods of the metric's frequency inside `period` (stored ones only)."""
    if metric.time_rollup == T.NONE:
        return [period] if period.kind == metric.frequency else []
    return list(period.within().filter(kind=metric.frequency).order_by("start"))


def _per_unit(metric: Metric, base) -> tuple[np.ndarray, ...]:
    """(values, numerators, denominators, counts) per unit, after the time roll-up."""
    rule = metric.time_rollup
    if rule == T.LATEST:
        rows = list(base.order_by("unit_id", "period__start")
                    .values_list("unit_id", "value", "numerator", "denominator"))
        last: dict[int, tuple] = {}
        counts: dict[int, int] = {}
        for unit_id, v, n, d in rows:  # ordered by start: the last one wins
            last[unit_id] = (v, n, d)
            counts[unit_id] = counts.get(unit_id, 0) + 1
        data = [(*last[u], counts[u]) for u in last]
    else:
        agg = Avg if rule == T.MEAN else Sum
        data = list(base.values("unit_id").order_by()
                    .annotate(v=agg("value"), n=agg("numerator"), d=agg("denominator"),
                              c=Count("id"))
                    .values_list("v", "n", "d", "c"))
    if not data:
        empty = np.array([], dtype=float)
        return empty, empty, empty, np.array([], dtype=int)
    arr = np.array([[np.nan if x is None else float(x) for x in row[:3]] for row in data],
                   dtype=float)
    counts_arr = np.array([row[3] for row in data], dtype=int)
    values, nums, dens = arr[:, 0], arr[:, 1], arr[:, 2]
    if metric.is_percentage and rule in (T.SUM, T.RATIO, T.MEAN):
        # A unit's rate over the year is its summed (or mean) parts' ratio, not a sum of rates.
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(dens > 0, 100.0 * nums / dens, np.nan)
    return values, nums, dens, counts_arr


def combine(rule: str, values: np.ndarray, nums: np.ndarray, dens: np.ndarray,
            is_percentage: bool) -> tuple[float | None, float | None, float | None]:
    """Across units: (value, numerator, denominator)."""
    if len(values) == 0 or rule == M.NONE:
        return None, None, None
    num = float(np.nansum(nums)) if is_percentage else None
    den = float(np.nansum(dens)) if is_percentage else None
    if rule == M.RATIO or (is_percentage and rule == M.SUM):
        value = 100.0 * num / den if den else None
        return value, num, den
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return None, num, den
    if rule == M.SUM:
        return float(finite.sum()), num, den
    if rule == M.MEAN:
        return float(finite.mean()), num, den
    if rule == M.MIN:
        return float(finite.min()), num, den
    if rule == M.MAX:
        return float(finite.max()), num, den
    raise ValueError(f"Unknown roll-up rule {rule!r}")


def rollup(metric: Metric, unit: OrgUnit, period: Period | str,
           states: Iterable[str] = (State.ACCEPTED,)) -> RollupResult:
    """The value of `metric` for `unit` in `period`, from the units under it."""
    if isinstance(period, str):
        period = Period.objects.for_code(period)
    periods = metric_periods(metric, period)
    expected = reporting_units(metric, unit, period).count()
    if not periods or metric.rollup == M.NONE or not metric.reporting_kinds:
        return RollupResult(None, None, None, 0, expected, 0, tuple(p.code for p in periods))
    base = DataValue.objects.filter(
        metric=metric, period__in=[p.pk for p in periods], state__in=list(states),
        unit__path__startswith=unit.path, unit__kind__in=metric.reporting_kinds,
    ).exclude(unit=unit)
    values, nums, dens, counts = _per_unit(metric, base)
    value, num, den = combine(metric.rollup, values, nums, dens, metric.is_percentage)
    partial = int(np.sum(counts < len(periods))) if metric.time_rollup != T.LATEST else 0
    return RollupResult(value=value, numerator=num, denominator=den,
                        units_with_data=len(values), units_expected=expected,
                        units_partial=partial, periods=tuple(p.code for p in periods))
