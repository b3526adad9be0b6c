"""The bulk reading of the statuses gives the same province figure as
`chiso.metrics.rollup.rollup()`, for each way a metric rolls up over units and time."""

import datetime as dt

import pytest

from chiso.metrics.models import Metric
from chiso.metrics.rollup import rollup
from chiso.orgs.models import OrgUnit
from chiso.plans.models import Target
from chiso.plans.status import target_statuses

from .fixtures import make_target, put

K = OrgUnit.Kind
KINDS = [K.COMMUNE, K.WARD, K.DEPARTMENT]


@pytest.mark.parametrize("value_type, rule, time_rule", [
    ("percentage", "ratio", "ratio"),
    ("percentage", "ratio", "latest"),
    ("percentage", "mean", "mean"),
    ("count", "sum", "sum"),
    ("number", "max", "latest"),
    ("number", "min", "mean"),
])
def test_the_year_value_matches_the_metrics_rollup(tree, plan, value_type, rule, time_rule):
    metric = Metric.objects.create(code=f"M_{rule}_{time_rule}", name="Chỉ tiêu thử",
                                   value_type=value_type, frequency="quarter",
                                   reporting_kinds=KINDS, rollup=rule, time_rollup=time_rule,
                                   decimals=2)
    figures = {"C1": [(12, 40), (30, 50), (7, 70), (44, 80)],
               "C2": [(300, 900), (250, 1000), (600, 1100), (900, 1200)],
               "A1": [(5, 5), (9, 10), (1, 20), (19, 20)]}
    for code, rows in figures.items():
        for q, (num, den) in enumerate(rows, start=1):
            if value_type == "percentage":
                put(metric, tree[code], f"2024Q{q}", num=num, den=den)
            else:
                put(metric, tree[code], f"2024Q{q}", value=num)
    target = make_target(plan, metric, {2024: 1})
    line = target_statuses(Target.objects.filter(pk=target.pk), dt.date(2025, 2, 1))[target.pk].lines[0]
    expected = rollup(metric, tree["P1"], "2024").value
    assert line.reading.value == pytest.approx(expected)


def test_latest_takes_each_units_own_last_period(tree, plan):
    """A stock ("latest") where one unit has not reported the last quarter: its previous
    quarter counts, as in `rollup()`, not a hole in the province's figure."""
    metric = Metric.objects.create(code="M_LATEST", name="Hộ có cáp quang", value_type="percentage",
                                   frequency="quarter", reporting_kinds=KINDS, rollup="ratio",
                                   time_rollup="latest", decimals=2)
    put(metric, tree["C1"], "2024Q3", num=50, den=100)
    put(metric, tree["C1"], "2024Q4", num=60, den=100)
    put(metric, tree["C2"], "2024Q3", num=900, den=1000)  # silent in Q4
    target = make_target(plan, metric, {2024: 1})
    line = target_statuses(Target.objects.filter(pk=target.pk), dt.date(2025, 2, 1))[target.pk].lines[0]
    assert line.reading.value == pytest.approx(rollup(metric, tree["P1"], "2024").value)
    assert line.reading.value == pytest.approx(100 * 960 / 1100)
