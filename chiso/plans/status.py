"""Statuses of targets and tasks, derived, never typed.

A target's status is read from the *accepted* values of its metric for the unit it
measures (the plan's owner unless the target names another), as of a date:

- after the deadline (31/12 of the last year with a target value): the final year's
  value decides — exceeded (strictly better), achieved (meets it), not achieved;
- before it: a value that already meets the final goal counts as achieved (or exceeded)
  early; otherwise the Theil–Sen trend of the series projected to the deadline says on
  track or at risk (the early warning); with too short a series, the latest value is
  compared with that year's step of the plan;
- no metric, no target value, or no accepted value: no data.

Targets that differ by administrative level (online applications 55 % at province, 40 %
at district, 20 % at commune level) are evaluated per level, over the units of that level
under the measured unit; the target's status is the worst of its levels.

Reading values in bulk: one query for the measured units' own values and, per territorial
unit that needs a roll-up (the province), one aggregate query grouped by metric, period,
level and kind of unit for metrics that add up over units and time (sums, ratios of sums:
a rate rolls up as the ratio of summed numerators and denominators), plus one query of
each unit's values for the others (means, minima, maxima, "latest"), whose year value is
each unit's own time roll-up combined by `chiso.metrics.rollup.combine` — the same figure
as `rollup()` (tests/test_rollup_agreement.py). No query per target.

Task statuses: cancelled; done / done late (completed on or before / after the due date);
overdue (due date passed, not completed); in progress (the lead unit reported progress
above 0 %); not started. One query for the tasks, one for their progress updates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, FloatField, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.lib.formatting import format_date, format_number, format_percent
from chiso.metrics.models import DataValue, Metric, Period, State
from chiso.metrics.rollup import combine
from chiso.orgs.models import Level, OrgUnit

from . import forecast as F
from .models import Plan, Target, TargetValue, Task, TaskUpdate

EPS = 1e-9


# --- the statuses ------------------------------------------------------------------------
class TargetStatus:
    EXCEEDED = "exceeded"
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NOT_ACHIEVED = "not_achieved"
    NO_DATA = "no_data"

    LABELS = {
        EXCEEDED: gettext_lazy("Vượt"),
        ACHIEVED: gettext_lazy("Đạt"),
        ON_TRACK: gettext_lazy("Đúng tiến độ"),
        AT_RISK: gettext_lazy("Có nguy cơ không đạt"),
        NOT_ACHIEVED: gettext_lazy("Không đạt"),
        NO_DATA: gettext_lazy("Chưa có số liệu"),
    }
    ORDER = [EXCEEDED, ACHIEVED, ON_TRACK, AT_RISK, NOT_ACHIEVED, NO_DATA]
    # The worst of several levels: a failure is never hidden by missing data elsewhere,
    # and missing data at one level forbids claiming the whole target achieved.
    SEVERITY = {NOT_ACHIEVED: 0, AT_RISK: 1, NO_DATA: 2, ON_TRACK: 3, ACHIEVED: 4, EXCEEDED: 5}
    DONE = (EXCEEDED, ACHIEVED)


class TaskStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"

    LABELS = {
        NOT_STARTED: gettext_lazy("Chưa triển khai"),
        IN_PROGRESS: gettext_lazy("Đang thực hiện"),
        DONE: gettext_lazy("Hoàn thành"),
        DONE_LATE: gettext_lazy("Hoàn thành chậm"),
        OVERDUE: gettext_lazy("Quá hạn"),
        CANCELLED: gettext_lazy("Đã hủy"),
    }
    ORDER = [DONE, DONE_LATE, IN_PROGRESS, NOT_STARTED, OVERDUE, CANCELLED]
    FINISHED = (DONE, DONE_LATE)


# --- values in bulk ------------------------------------------------------------------------
@dataclass(slots=True)
class Agg:
    """Sums over units (and periods) of one metric: enough for every roll-up rule."""
    vs: float = 0.0
    ns: float = 0.0
    ds: float = 0.0
    c: int = 0
    lo: float | None = None
    hi: float | None = None
    has_ratio: bool = False

    def add(self, vs, ns, ds, c, lo, hi) -> None:
        self.vs += float(vs or 0)
        if ns is not None and ds is not None:
            self.ns += float(ns)
            self.ds += float(ds)
            self.has_ratio = True
        self.c += int(c or 0)
        if lo is not None:
            self.lo = float(lo) if self.lo is None else min(self.lo, float(lo))
        if hi is not None:
            self.hi = float(hi) if self.hi is None else max(self.hi, float(hi))

    def merged(self, other: Agg) -> Agg:
        out = Agg(self.vs, self.ns, self.ds, self.c, self.lo, self.hi, self.has_ratio)
        out.add(other.vs, other.ns if other.has_ratio else None,
                other.ds if other.has_ratio else None, other.c, other.lo, other.hi)
        return out


def unit_value(metric: Metric, agg: Agg | None) -> float | None:
    """The value of one period's figures of several units (or of one unit), by the
    metric's roll-up rule, as `chiso.metrics.rollup.combine` computes it."""
    if agg is None:
        return None
    R = Metric.Rollup
    if metric.is_percentage and agg.has_ratio and (agg.c <= 1 or metric.rollup in (R.RATIO, R.SUM)):
        return 100.0 * agg.ns / agg.ds if agg.ds else None
    if agg.c == 0:
        return None
    if agg.c == 1:
        return agg.vs
    if metric.rollup == R.SUM:
        return agg.vs
    if metric.rollup == R.MEAN:
        return agg.vs / agg.c
    if metric.rollup == R.MIN:
        return agg.lo
    if metric.rollup == R.MAX:
        return agg.hi
    return None  # a ratio without numerators, or no roll-up


@dataclass(frozen=True, eq=False)  # one instance per period (ValueStore._period): hashed by identity
class PeriodInfo:
    id: int
    kind: str
    year: int
    number: int
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return Period(kind=self.kind, year=self.year, number=self.number).label


@dataclass(frozen=True)
class Reading:
    """A value for a year so far: what was combined and how to name it."""
    value: float | None
    year: int
    last: PeriodInfo
    complete: bool
    periods: int

    @property
    def label(self) -> str:
        if self.complete and (self.periods > 1 or self.last.kind == Period.Kind.YEAR):
            return _("Năm %(y)s") % {"y": self.year}
        if self.periods == 1:
            return self.last.label
        if self.last.end == dt.date(self.year, 6, 30):
            return _("6 tháng đầu năm %(y)s") % {"y": self.year}
        return _("Từ đầu năm %(y)s đến %(d)s") % {"y": self.year, "d": format_date(self.last.end)}


def _additive(metric: Metric) -> bool:
    """Sums over units and over time commute: per-period sums in SQL are exact."""
    R, T = Metric.Rollup, Metric.TimeRollup
    return metric.rollup in (R.SUM, R.RATIO) and metric.time_rollup in (T.SUM, T.RATIO)


def _needs_rollup(unit: OrgUnit) -> bool:
    # Territorial units above the commune are made of the units under them; agencies and
    # communes report their own figures.
    return not unit.is_agency and unit.level < Level.COMMUNE


PERIOD_FIELDS = ("period_id", "period__kind", "period__year", "period__number",
                 "period__start", "period__end")


class ValueStore:
    """Accepted values of the needed metrics for the needed units, up to `as_of`."""

    def __init__(self, needs: Iterable[tuple[Metric, OrgUnit]], as_of: dt.date):
        self.as_of = as_of
        self.metrics: dict[int, Metric] = {}
        units: dict[int, OrgUnit] = {}
        pairs: set[tuple[int, int]] = set()
        for metric, unit in needs:
            self.metrics[metric.pk] = metric
            units[unit.pk] = unit
            pairs.add((metric.pk, unit.pk))
        # (metric, unit, level or None) -> {period: Agg}; level None = the unit itself
        self.own: dict[tuple[int, int], dict[PeriodInfo, Agg]] = defaultdict(dict)
        self.below: dict[tuple[int, int], dict[PeriodInfo, dict[tuple[int, str], Agg]]] = \
            defaultdict(lambda: defaultdict(dict))
        # (metric, unit) -> {period: [(unit id, level, kind, value, numerator, denominator)]}
        # for metrics whose year value needs each unit's own time roll-up first
        self.per_unit: dict[tuple[int, int], dict[PeriodInfo, list[tuple]]] = \
            defaultdict(lambda: defaultdict(list))
        self.queries = 0
        self._periods: dict[int, PeriodInfo] = {}
        self._series: dict[tuple[int, int, int | None], list[tuple[PeriodInfo, Agg]]] = {}
        self._readings: dict[tuple, Reading | None] = {}
        if not pairs:
            return
        self._load_own(pairs)
        by_scope: dict[int, set[int]] = defaultdict(set)
        for m, u in pairs:
            metric = self.metrics[m]
            if _needs_rollup(units[u]) and metric.reporting_kinds \
                    and metric.rollup != Metric.Rollup.NONE:
                by_scope[u].add(m)
        for unit_id, metric_ids in by_scope.items():
            self._load_below(units[unit_id], metric_ids)

    def _period(self, row) -> PeriodInfo:
        found = self._periods.get(row[0])
        if found is None:
            found = self._periods[row[0]] = PeriodInfo(*row)
        return found

    def _load_own(self, pairs: set[tuple[int, int]]) -> None:
        metric_ids = {m for m, _u in pairs}
        unit_ids = {u for _m, u in pairs}
        rows = (DataValue.objects
                .filter(state=State.ACCEPTED, metric_id__in=metric_ids, unit_id__in=unit_ids,
                        period__end__lte=self.as_of)
                .values_list("metric_id", "unit_id", "value", "numerator", "denominator",
                             *PERIOD_FIELDS))
        self.queries += 1
        for m, u, v, n, d, *period in rows:
            if (m, u) not in pairs or (v is None and n is None):
                continue
            agg = Agg()
            agg.add(v, n, d, 1 if v is not None else 0, v, v)
            self.own[(m, u)][self._period(period)] = agg

    def _load_below(self, scope: OrgUnit, metric_ids: set[int]) -> None:
        additive = {m for m in metric_ids if _additive(self.metrics[m])}
        if additive:
            self._load_sums(scope, additive)
        if metric_ids - additive:
            self._load_units(scope, metric_ids - additive)

    def _load_sums(self, scope: OrgUnit, metric_ids: set[int]) -> None:
        """Sums per metric, period, level and kind of unit: enough when the metric adds up
        over units and over time (sums, ratios of sums) — the province's usual rates."""
        rows = (DataValue.objects
                .filter(state=State.ACCEPTED, metric_id__in=metric_ids,
                        unit__path__startswith=scope.path, period__end__lte=self.as_of)
                .exclude(unit_id=scope.pk)
                .values("metric_id", "unit__level", "unit__kind", *PERIOD_FIELDS)
                .order_by()
                # floats, not Decimals: a status needs no exact cents, and converting
                # thousands of aggregates to Decimal costs more than the query.
                .annotate(vs=Sum("value", output_field=FloatField()),
                          ns=Sum("numerator", output_field=FloatField()),
                          ds=Sum("denominator", output_field=FloatField()),
                          c=Count("value"), lo=Min("value", output_field=FloatField()),
                          hi=Max("value", output_field=FloatField()))
                .values_list("metric_id", "unit__level", "unit__kind", *PERIOD_FIELDS,
                             "vs", "ns", "ds", "c", "lo", "hi"))
        self.queries += 1
        kinds = {m: set(self.metrics[m].reporting_kinds or []) for m in metric_ids}
        for m, level, kind, *rest in rows:
            if kind not in kinds[m]:
                continue
            period = self._period(rest[:6])
            agg = Agg()
            # Sum() of numerators over rows where some are NULL still sums the others;
            # a rate without numerators rolls up from its values only.
            agg.add(*rest[6:])
            self.below[(m, scope.pk)][period][(level, kind)] = agg

    def _load_units(self, scope: OrgUnit, metric_ids: set[int]) -> None:
        """Each unit's values, for metrics whose year value is not a sum: a mean, minimum or
        maximum over units, or the latest period of each unit (as `metrics.rollup` does)."""
        rows = (DataValue.objects
                .filter(state=State.ACCEPTED, metric_id__in=metric_ids,
                        unit__path__startswith=scope.path, period__end__lte=self.as_of)
                .exclude(unit_id=scope.pk)
                # floats straight from the database: no Decimal per value
                .annotate(fv=Cast("value", FloatField()), fn=Cast("numerator", FloatField()),
                          fd=Cast("denominator", FloatField()))
                .values_list("metric_id", "unit_id", "unit__level", "unit__kind", *PERIOD_FIELDS,
                             "fv", "fn", "fd"))
        self.queries += 1
        kinds = {m: set(self.metrics[m].reporting_kinds or []) for m in metric_ids}
        for m, unit_id, level, kind, *rest in rows:
            if kind not in kinds[m]:
                continue
            period = self._period(rest[:6])
            v, n, d = rest[6:]
            self.per_unit[(m, scope.pk)][period].append((unit_id, level, kind, v, n, d))
            groups = self.below[(m, scope.pk)][period]
            agg = groups.get((level, kind))
            if agg is None:
                agg = groups[(level, kind)] = Agg()
            agg.add(v, n, d, 1 if v is not None else 0, v, v)

    # --- reading ------------------------------------------------------------------------
    def series(self, metric: Metric, unit: OrgUnit, level: int | None) -> list[tuple[PeriodInfo, Agg]]:
        """Per period of the metric's frequency: the combined figures, oldest first.
        Computed once per (metric, unit, level), however many targets read it."""
        key = (metric.pk, unit.pk, level)
        cached = self._series.get(key)
        if cached is not None:
            return cached
        own = self.own.get((metric.pk, unit.pk), {}) if level is None else {}
        below = self.below.get((metric.pk, unit.pk), {})
        out: dict[PeriodInfo, Agg] = {}
        for period, groups in below.items():
            agg = None
            for (lvl, _kind), part in groups.items():
                if level is None or lvl == level:
                    agg = part if agg is None else agg.merged(part)
            if agg is not None:
                out[period] = agg
        out.update(own)  # the unit's own figure, where it has one, is the figure
        result = sorted(((p, a) for p, a in out.items() if p.kind == metric.frequency),
                        key=lambda pa: pa[0].start)
        self._series[key] = result
        return result

    def reading(self, metric: Metric, unit: OrgUnit, level: int | None,
                year: int) -> Reading | None:
        """The value of `year` so far (periods ended by `as_of`)."""
        key = (metric.pk, unit.pk, level, year)
        if key not in self._readings:
            self._readings[key] = self._reading(metric, unit, level, year)
        return self._readings[key]

    def _reading(self, metric: Metric, unit: OrgUnit, level: int | None,
                 year: int) -> Reading | None:
        rows = [(p, a) for p, a in self.series(metric, unit, level) if p.year == year]
        if not rows:
            return None
        own_this_year = level is None and any(
            p.year == year for p in self.own.get((metric.pk, unit.pk), {}))
        per_unit = self.per_unit.get((metric.pk, unit.pk))
        if per_unit and not own_this_year:
            value = self._units_year(metric, per_unit, level, year)
            T = Metric.TimeRollup
            used = 1 if metric.time_rollup in (T.LATEST, T.NONE) else len(rows)
            last = rows[-1][0]
            return Reading(value=value, year=year, last=last,
                           complete=last.end >= dt.date(year, 12, 31), periods=used)
        T = Metric.TimeRollup
        rule = metric.time_rollup
        last = rows[-1][0]
        values = [v for v in (unit_value(metric, a) for _p, a in rows) if v is not None]
        used = len(rows)
        if rule in (T.LATEST, T.NONE):
            value, used = unit_value(metric, rows[-1][1]), 1
        elif not values:
            value = None
        elif rule == T.MEAN:
            value = sum(values) / len(values)
        elif not metric.is_percentage:
            value = sum(values)
        elif all(a.has_ratio for _p, a in rows) \
                and metric.rollup in (Metric.Rollup.RATIO, Metric.Rollup.SUM):
            # A rate over several periods: summed numerators over summed denominators.
            total = Agg()
            for _p, a in rows:
                total = total.merged(a)
            value = unit_value(metric, total)
        else:  # rates without their parts cannot be added: their mean
            value = sum(values) / len(values)
        return Reading(value=value, year=year, last=last,
                       complete=last.end >= dt.date(year, 12, 31), periods=used)

    def _units_year(self, metric: Metric, per_unit: dict[PeriodInfo, list[tuple]],
                    level: int | None, year: int) -> float | None:
        """Each unit's year first (its time roll-up), then the units combined by
        `chiso.metrics.rollup.combine`: the same order and rules as `rollup()`."""
        T = Metric.TimeRollup
        by_unit: dict[int, list[tuple]] = defaultdict(list)
        for period in sorted(per_unit, key=lambda p: p.start):
            if period.year != year or period.kind != metric.frequency:
                continue
            for unit_id, lvl, _kind, v, n, d in per_unit[period]:
                if level is None or lvl == level:
                    by_unit[unit_id].append((v, n, d))
        if not by_unit:
            return None
        rows = []
        for items in by_unit.values():
            if metric.time_rollup in (T.LATEST, T.NONE):
                rows.append(items[-1])
                continue
            parts = []
            for i in range(3):
                xs = [x[i] for x in items if x[i] is not None]
                total = sum(xs) if xs else None
                if metric.time_rollup == T.MEAN and xs:
                    total /= len(xs)
                parts.append(total)
            v, n, d = parts
            if metric.is_percentage:
                v = 100.0 * n / d if n is not None and d else None
            rows.append((v, n, d))
        arr = np.array([[np.nan if x is None else x for x in row] for row in rows], dtype=float)
        return combine(metric.rollup, arr[:, 0], arr[:, 1], arr[:, 2], metric.is_percentage)[0]

    def points(self, metric: Metric, unit: OrgUnit, level: int | None) -> list[tuple[float, float]]:
        """The time series a trend is fitted to: one point per period, or per complete
        year for a metric summed over time (a half-year's count is not a year's)."""
        series = self.series(metric, unit, level)
        if metric.time_rollup == Metric.TimeRollup.SUM and metric.frequency != Period.Kind.YEAR:
            out = []
            for year in sorted({p.year for p, _a in series}):
                r = self.reading(metric, unit, level, year)
                if r and r.complete and r.value is not None:
                    out.append((F.decimal_year(dt.date(year, 12, 31)), r.value))
            return out
        pts = []
        for p, a in series:
            v = unit_value(metric, a)
            if v is not None:
                pts.append((F.decimal_year(p.end), v))
        return pts


# --- targets ------------------------------------------------------------------------------
def _rounded(metric: Metric, v: float) -> float:
    # Compare what people see: 84,996 % is shown as 85,00 % and meets an 85 % target.
    digits = max(metric.decimals, 1) if metric.is_percentage else metric.decimals
    return round(v, digits)


def meets(comparison: str, value: float, goal: float, tolerance: float = 0.0) -> bool:
    C = Target.Comparison
    if comparison == C.AT_MOST:
        return value <= goal + EPS
    if comparison == C.EQUAL:
        return abs(value - goal) <= tolerance + EPS
    if comparison == C.TOP_N:  # the value is a rank: 1 is first
        return value <= goal + EPS
    return value >= goal - EPS


def beats(comparison: str, value: float, goal: float) -> bool:
    """Strictly better than the goal ("vượt"); an equality or a place in the top N is met
    or not, never exceeded."""
    C = Target.Comparison
    if comparison == C.AT_LEAST:
        return value > goal + EPS
    if comparison == C.AT_MOST:
        return value < goal - EPS
    return False


def fmt(metric: Metric | None, value: float | None, comparison: str = "",
        strip: bool = False) -> str:
    """A value as people read it; `strip` drops trailing zeros (goals: `100 %`, not `100,00 %`)."""
    if value is None:
        return "–"
    if comparison == Target.Comparison.TOP_N:
        return _("hạng %(r)s") % {"r": format_number(value, 0)}
    decimals = metric.decimals if metric is not None else 2
    if metric is not None and metric.is_percentage:
        digits = max(decimals, 1)
        while strip and digits > 0 and round(value, digits - 1) == round(value, digits):
            digits -= 1
        return format_percent(value, digits)
    text = format_number(value, decimals, strip_zeros=True)
    uom = metric.unit_of_measure if metric is not None else ""
    return f"{text} {uom}".strip()


def rule_sentence(target: Target, goal: float, year: int, level: int | None) -> str:
    C = Target.Comparison
    metric = target.metric
    g = fmt(metric, goal, strip=True) if target.comparison != C.TOP_N else format_number(goal, 0)
    args = {"goal": g, "year": year, "tol": fmt(metric, float(target.tolerance or 0), strip=True)}
    if target.comparison == C.AT_MOST:
        text = _("Đạt khi giá trị không vượt quá %(goal)s trong năm %(year)s") % args
    elif target.comparison == C.EQUAL:
        text = _("Đạt khi giá trị bằng %(goal)s (cho phép lệch %(tol)s) trong năm %(year)s") % args
    elif target.comparison == C.TOP_N:
        text = _("Đạt khi đứng trong nhóm %(goal)s dẫn đầu (thứ hạng từ 1 đến %(goal)s) "
                 "trong năm %(year)s") % args
    else:
        text = _("Đạt khi giá trị từ %(goal)s trở lên trong năm %(year)s") % args
    if level is not None:
        text += " – " + str(Level(level).label).lower()
    return text


@dataclass
class LineResult:
    """One evaluated line: the whole measured unit, or one administrative level.

    The sentences (rule, explanation, formatted values) are built only when read: a
    province's counts need hundreds of statuses and none of their wording."""
    target: Target
    level: int | None
    status: str
    goal: float
    year: int
    explain: Callable[[], str] = lambda: ""
    value: float | None = None
    reading: Reading | None = None
    projection: F.Forecast | None = None
    steps: dict[int, float] = field(default_factory=dict)
    points: list[tuple[float, float]] = field(default_factory=list)  # for the chart

    @property
    def rule(self) -> str:
        if not self.year:
            return _("Chưa đặt giá trị mục tiêu")
        return rule_sentence(self.target, self.goal, self.year, self.level)

    @property
    def explanation(self) -> str:
        return self.explain()

    @property
    def goal_text(self) -> str:
        if not self.year:
            return ""
        if self.target.comparison == Target.Comparison.TOP_N:
            return _("nhóm %(n)s") % {"n": format_number(self.goal, 0)}
        return fmt(self.target.metric, self.goal, strip=True)

    @property
    def value_text(self) -> str:
        return fmt(self.target.metric, self.value, self.target.comparison)

    @property
    def projection_text(self) -> str:
        """`88,2 % (80 %: 85,1 – 91,0 %)`, or empty without a forecast."""
        fc = self.projection
        if fc is None:
            return ""
        m, cmp = self.target.metric, self.target.comparison
        text = fmt(m, fc.value, cmp)
        if fc.low is not None and fc.high is not None:
            text += _(" (khoảng %(level)s %%: %(low)s – %(high)s)") % {
                "level": round(fc.level * 100), "low": fmt(m, fc.low, cmp), "high": fmt(m, fc.high, cmp)}
        return text

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level is not None else ""

    @property
    def label(self) -> str:
        return str(TargetStatus.LABELS[self.status])


@dataclass
class TargetResult:
    target_id: int
    status: str
    lines: list[LineResult]

    @property
    def label(self) -> str:
        return str(TargetStatus.LABELS[self.status])

    @property
    def rule(self) -> str:
        return " ".join(f"{line.rule}. {line.explanation}".strip() for line in self.lines)

    @property
    def value(self) -> float | None:
        return self.lines[0].value if len(self.lines) == 1 else None


def goals_of(target_ids: Iterable[int]) -> dict[int, dict[int | None, dict[int, float]]]:
    """{target: {level: {year: value}}} in one query."""
    out: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    for target_id, level, year, value in TargetValue.objects.filter(
            target_id__in=list(target_ids)).values_list("target_id", "level", "year", "value"):
        out[target_id][level][year] = float(value)
    return out


def evaluate_line(target: Target, unit: OrgUnit, level: int | None, steps: dict[int, float],
                  store: ValueStore, as_of: dt.date, with_interval: bool = False) -> LineResult:
    metric = target.metric
    final_year = max(steps)
    goal = steps[final_year]
    deadline = dt.date(final_year, 12, 31)
    cmp = target.comparison
    tol = float(target.tolerance or 0)
    S = TargetStatus
    line = LineResult(target=target, level=level, status=S.NO_DATA, goal=goal, year=final_year,
                      steps=dict(steps))
    if metric is None:
        line.explain = lambda: _("Chỉ tiêu chưa gắn với số liệu đo nên chưa đánh giá được.")
        return line
    if with_interval:  # the target's page draws the series
        line.points = store.points(metric, unit, level)

    if as_of >= deadline:
        reading = store.reading(metric, unit, level, final_year)
        if reading is None or reading.value is None:
            line.explain = lambda: _("Chưa có số liệu đã chấp nhận của năm %(y)s.") % {"y": final_year}
            return line
        v = _rounded(metric, reading.value)
        line.value, line.reading = v, reading
        if beats(cmp, v, goal):
            line.status = S.EXCEEDED
        elif meets(cmp, v, goal, tol):
            line.status = S.ACHIEVED
        else:
            line.status = S.NOT_ACHIEVED
        line.explain = lambda: _("Số liệu %(p)s: %(v)s, kết quả: %(s)s.") % {
            "p": reading.label[:1].lower() + reading.label[1:],
            "v": fmt(metric, v, cmp), "s": str(S.LABELS[line.status]).lower()}
        return line

    reading = None
    for year in range(min(as_of.year, final_year), final_year - 30, -1):
        reading = store.reading(metric, unit, level, year)
        if reading is not None and reading.value is not None:
            break
        reading = None
    if reading is None:
        line.explain = lambda: _("Chưa có số liệu đã chấp nhận.")
        return line
    v = _rounded(metric, reading.value)
    line.value, line.reading = v, reading

    def latest() -> str:
        return _("Số liệu mới nhất (%(p)s): %(v)s.") % {"p": reading.label[:1].lower() + reading.label[1:],
                                                       "v": fmt(metric, v, cmp)}

    if meets(cmp, v, goal, tol):
        line.status = S.EXCEEDED if beats(cmp, v, goal) else S.ACHIEVED
        line.explain = lambda: latest() + " " + _("Đã đạt mục tiêu trước hạn.")
        return line

    points = store.points(metric, unit, level)
    if level is None and target.baseline_value is not None and target.baseline_year:
        base_x = F.decimal_year(dt.date(target.baseline_year, 12, 31))
        if all(abs(x - base_x) > 0.5 for x, _y in points):
            points.append((base_x, float(target.baseline_value)))
    bounds = (0.0, 100.0) if metric.is_percentage else (None, None)
    if cmp == Target.Comparison.TOP_N:
        bounds = (1.0, None)
    fc = F.project([p[0] for p in points], [p[1] for p in points], F.decimal_year(deadline),
                   n_boot=300 if with_interval else 0, bounds=bounds)
    line.projection = fc
    if fc is not None:
        projected = _rounded(metric, fc.value)
        line.status = S.ON_TRACK if meets(cmp, projected, goal, tol) else S.AT_RISK
        line.explain = lambda: latest() + " " + _(
            "Xu hướng (Theil–Sen, %(n)s điểm) dự báo %(f)s vào %(d)s: %(s)s.") % {
            "n": len(fc.xs), "f": fmt(metric, projected, cmp), "d": format_date(deadline),
            "s": str(S.LABELS[line.status]).lower()}
        return line
    step_year = min((y for y in steps if y >= reading.year), default=final_year)
    step = steps[step_year]
    line.status = S.ON_TRACK if meets(cmp, v, step, tol) else S.AT_RISK
    line.explain = lambda: latest() + " " + _(
        "Chưa đủ số liệu để dự báo; so với mức năm %(y)s (%(g)s): %(s)s.") % {
        "y": step_year, "g": fmt(metric, step, cmp), "s": str(S.LABELS[line.status]).lower()}
    return line


def evaluate(target: Target, goals: dict[int | None, dict[int, float]], store: ValueStore,
             as_of: dt.date, with_interval: bool = False) -> TargetResult:
    if not goals:
        line = LineResult(target=target, level=None, status=TargetStatus.NO_DATA, goal=0, year=0,
                          explain=lambda: _("Kế hoạch chưa ghi giá trị cần đạt của chỉ tiêu này."))
        return TargetResult(target.pk, TargetStatus.NO_DATA, [line])
    unit = target.unit or target.plan.owner
    lines = [evaluate_line(target, unit, level, goals[level], store, as_of, with_interval)
             for level in sorted(goals, key=lambda lv: -1 if lv is None else lv)]
    worst = min(lines, key=lambda ln: TargetStatus.SEVERITY[ln.status]).status
    return TargetResult(target.pk, worst, lines)


def target_queryset(qs: QuerySet | None = None) -> QuerySet:
    qs = Target.objects.all() if qs is None else qs
    return qs.select_related("metric", "unit", "plan__owner")


def load_targets(qs: QuerySet) -> list[Target]:
    """The targets with their plan, metric, measured unit and plan owner attached, each
    loaded once: a province's 300 targets read some 40 metrics and a handful of units, and
    building 300 copies of each (select_related) costs more than the statuses themselves."""
    targets = list(qs.order_by())
    plans = Plan.objects.in_bulk({t.plan_id for t in targets})
    metrics = Metric.objects.in_bulk({t.metric_id for t in targets if t.metric_id})
    units = OrgUnit.objects.in_bulk({t.unit_id for t in targets if t.unit_id}
                                    | {p.owner_id for p in plans.values()})
    for plan in plans.values():
        plan.owner = units[plan.owner_id]
    for t in targets:
        t.plan = plans[t.plan_id]
        t.metric = metrics.get(t.metric_id)
        t.unit = units.get(t.unit_id)
    return targets


def target_statuses(targets: QuerySet | Iterable[Target], as_of: dt.date | None = None,
                    with_interval: bool = False) -> dict[int, TargetResult]:
    """Status of every target, in a handful of queries whatever their number."""
    as_of = as_of or timezone.localdate()
    if isinstance(targets, QuerySet):
        targets = load_targets(targets)
    needs = [(t.metric, t.unit or t.plan.owner) for t in targets if t.metric_id]
    store = ValueStore(needs, as_of)
    goals = goals_of(t.pk for t in targets)
    return {t.pk: evaluate(t, goals.get(t.pk, {}), store, as_of, with_interval) for t in targets}


# --- tasks ----------------------------------------------------------------------------------
@dataclass
class TaskResult:
    task_id: int
    status: str
    percent: int | None
    last_update: dt.datetime | None
    days_late: int = 0

    @property
    def label(self) -> str:
        return str(TaskStatus.LABELS[self.status])


def task_status(task: Task, percent: int | None, as_of: dt.date) -> str:
    S = TaskStatus
    if task.cancelled:
        return S.CANCELLED
    if task.completed_at and task.completed_at <= as_of:
        return S.DONE if task.due_date is None or task.completed_at <= task.due_date else S.DONE_LATE
    if task.due_date and as_of > task.due_date:
        return S.OVERDUE
    if percent:
        return S.IN_PROGRESS
    return S.NOT_STARTED


def task_statuses(tasks: QuerySet | Iterable[Task], as_of: dt.date | None = None) -> dict[int, TaskResult]:
    """Status of every task with its latest reported percent, in two queries."""
    as_of = as_of or timezone.localdate()
    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    if isinstance(tasks, QuerySet):
        task_list = list(tasks)
        updates = TaskUpdate.objects.filter(task__in=tasks.values("pk"))
    else:
        task_list = list(tasks)
        updates = TaskUpdate.objects.filter(task_id__in=[t.pk for t in task_list])
    latest: dict[int, tuple[int | None, dt.datetime]] = {}
    rows = (updates.filter(Q(kind=TaskUpdate.Kind.PROGRESS), created_at__lt=end)
            .order_by("task_id", "created_at", "pk").values_list("task_id", "percent", "created_at"))
    for task_id, percent, at in rows:  # ordered: the last one wins
        latest[task_id] = (percent, at)
    out = {}
    for task in task_list:
        percent, at = latest.get(task.pk, (None, None))
        status = task_status(task, percent, as_of)
        late = (as_of - task.due_date).days if status == TaskStatus.OVERDUE else 0
        if status == TaskStatus.DONE_LATE:
            late = (task.completed_at - task.due_date).days
        if status in TaskStatus.FINISHED:
            percent = 100
        out[task.pk] = TaskResult(task.pk, status, percent, at, late)
    return out
