"""Figures of rate metrics for many units and years in one query.

A dashboard compares units (the communes and agencies of a province, or the provinces of
the nation) on the key rate metrics, and shows the scope's trend over the years. Calling
`chiso.metrics.rollup.rollup` once per unit, metric and year would take hundreds of queries;
here one GROUP BY over the accepted values does it, with the same rule for a rate: the
ratio of summed numerators and denominators over the metric's reporting periods inside
the year, over every reporting unit of the subtree (a province's rate is never the mean of
its communes' rates). Tests check these numbers against `rollup()`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.db.models.functions import Substr

from chiso.metrics.models import DataValue, Metric, Period, State
from chiso.orgs.models import OrgUnit


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: float
    denominator: float


def rate_metrics(codes: list[str] | None = None) -> list[Metric]:
    """Active rate metrics rolled up as a ratio of sums (the ones a heat map can compare)."""
    qs = Metric.objects.filter(active=True, value_type=Metric.ValueType.PERCENTAGE,
                               rollup=Metric.Rollup.RATIO).exclude(time_rollup="none")
    if codes:
        qs = qs.filter(code__in=codes)
    return list(qs.order_by("code"))


def _year_periods(metrics: list[Metric], years: list[int]) -> Q:
    """The reporting periods (each metric's own frequency) inside the given years."""
    cond = Q(pk__in=[])
    for freq in {m.frequency for m in metrics}:
        ids = [m.pk for m in metrics if m.frequency == freq]
        cond |= Q(metric_id__in=ids, period__kind=freq, period__year__in=years)
    return cond


def by_unit(metrics: list[Metric], units: list[OrgUnit], year: int
            ) -> dict[tuple[int, int], Figure]:
    """{(metric id, unit id): Figure} for the year, each unit's whole subtree counted.

    `units` must be siblings (same depth): their subtrees are told apart by the path
    prefix, so the grouping is done by the database.
    """
    if not metrics or not units:
        return {}
    depth = len(units[0].path)
    assert all(len(u.path) == depth for u in units), "units must share a depth"
    by_path = {u.path: u.pk for u in units}
    kinds = {m.pk: set(m.reporting_kinds or []) for m in metrics}
    prefix_cond = Q()
    for path in by_path:
        prefix_cond |= Q(unit__path__startswith=path)
    rows = (DataValue.objects.filter(_year_periods(metrics, [year]), prefix_cond,
                                     state=State.ACCEPTED)
            .annotate(prefix=Substr("unit__path", 1, depth), kind=F("unit__kind"))
            .values("metric_id", "prefix", "kind").order_by()
            .annotate(n=Sum("numerator"), d=Sum("denominator")))
    sums: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        if r["kind"] not in kinds[r["metric_id"]] or r["prefix"] not in by_path:
            continue
        acc = sums[(r["metric_id"], by_path[r["prefix"]])]
        acc[0] += float(r["n"] or 0)
        acc[1] += float(r["d"] or 0)
    return {key: Figure(100.0 * n / d if d else None, n, d) for key, (n, d) in sums.items()}


def by_year(metrics: list[Metric], unit: OrgUnit, years: list[int]
            ) -> dict[tuple[int, int], Figure]:
    """{(metric id, year): Figure} for `unit`'s subtree (the unit itself excluded when it
    does not report the metric, as in `rollup`)."""
    if not metrics or not years:
        return {}
    kinds = {m.pk: set(m.reporting_kinds or []) for m in metrics}
    rows = (DataValue.objects.filter(_year_periods(metrics, years), state=State.ACCEPTED,
                                     unit__path__startswith=unit.path)
            .exclude(unit=unit)
            .values("metric_id", "period__year", "unit__kind").order_by()
            .annotate(n=Sum("numerator"), d=Sum("denominator")))
    sums: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        if r["unit__kind"] not in kinds[r["metric_id"]]:
            continue
        acc = sums[(r["metric_id"], r["period__year"])]
        acc[0] += float(r["n"] or 0)
        acc[1] += float(r["d"] or 0)
    return {key: Figure(100.0 * n / d if d else None, n, d) for key, (n, d) in sums.items()}


def known_years() -> list[int]:
    """Years that have periods (a small table): the axis of the trend charts."""
    return sorted(set(Period.objects.values_list("year", flat=True).distinct()))
