"""Roll-up against figures computed by hand: a province's rate is the ratio of summed
numerators and denominators, never the mean of its units' rates."""

import pytest

from chiso.metrics import services
from chiso.metrics.models import Metric, Period, State
from chiso.metrics.rollup import rollup

ACCEPTED = State.ACCEPTED


def put(metric, unit, period, data, state=ACCEPTED):
    return services.save_value(metric, unit, period, data, user=None, state=state)


def test_rate_of_a_province_is_the_ratio_of_sums(metrics, tree):
    rate = metrics["rate"]
    # C1: 9/10 = 90 %; C2: 500/1000 = 50 %; A1: 40/90 ≈ 44,4 %
    put(rate, tree["C1"], "2024Q1", {"numerator": 9, "denominator": 10})
    put(rate, tree["C2"], "2024Q1", {"numerator": 500, "denominator": 1000})
    put(rate, tree["A1"], "2024Q1", {"numerator": 40, "denominator": 90})
    put(rate, tree["C3"], "2024Q1", {"numerator": 1, "denominator": 1})  # other province
    result = rollup(rate, tree["P1"], "2024Q1")
    # (9 + 500 + 40) / (10 + 1000 + 90) = 549 / 1100 = 49,909… %; mean of rates = 61,48 %
    assert result.numerator == 549 and result.denominator == 1100
    assert result.value == pytest.approx(100 * 549 / 1100)
    assert (result.units_with_data, result.units_expected) == (3, 3)
    nation = rollup(rate, tree["VN"], "2024Q1")
    assert nation.value == pytest.approx(100 * 550 / 1101) and nation.units_expected == 4


def test_over_time_first_then_over_units(metrics, tree):
    rate = metrics["rate"]
    # C1: Q1 1/10, Q2 9/10 → 10/20 = 50 %; C2: Q1 30/100 only (Q2 missing) → 30 %.
    put(rate, tree["C1"], "2024Q1", {"numerator": 1, "denominator": 10})
    put(rate, tree["C1"], "2024Q2", {"numerator": 9, "denominator": 10})
    put(rate, tree["C2"], "2024Q1", {"numerator": 30, "denominator": 100})
    result = rollup(rate, tree["P1"], "2024S1")
    assert result.periods == ("2024Q1", "2024Q2")
    assert result.value == pytest.approx(100 * 40 / 120)
    assert (result.units_with_data, result.units_expected, result.units_partial) == (2, 3, 1)
    assert not result.complete


def test_only_accepted_values_count_unless_asked(metrics, tree):
    count = metrics["count"]
    put(count, tree["C1"], "2024-01", {"value": 5})
    put(count, tree["C1"], "2024-02", {"value": 7})
    put(count, tree["C2"], "2024-03", {"value": 100}, state=State.SUBMITTED)
    assert rollup(count, tree["P1"], "2024Q1").value == 12
    both = rollup(count, tree["P1"], "2024Q1", states=(ACCEPTED, State.SUBMITTED))
    assert both.value == 112 and both.units_with_data == 2


@pytest.mark.parametrize("unit_rule,time_rule,expected", [
    ("sum", "sum", (1 + 2) + (10 + 20)),
    ("mean", "sum", ((1 + 2) + (10 + 20)) / 2),
    ("min", "sum", 3),
    ("max", "latest", 20),
    ("sum", "latest", 2 + 20),
    ("sum", "mean", 1.5 + 15),
    ("none", "sum", None),
])
def test_each_rule(metrics, tree, unit_rule, time_rule, expected):
    m = metrics["count"]
    Metric.objects.filter(pk=m.pk).update(rollup=unit_rule, time_rollup=time_rule)
    m.refresh_from_db()
    for unit, (a, b) in (("C1", (1, 2)), ("C2", (10, 20))):
        put(m, tree[unit], "2024-01", {"value": a})
        put(m, tree[unit], "2024-02", {"value": b})
    Period.objects.for_code("2024-03")  # a month without data still counts as expected
    result = rollup(m, tree["P1"], "2024Q1")
    assert result.value == (pytest.approx(expected) if expected is not None else None)


def test_a_unit_never_includes_itself_and_a_finer_period_has_no_data(metrics, tree):
    count = metrics["count"]
    put(count, tree["C1"], "2024-01", {"value": 5})
    assert rollup(count, tree["C1"], "2024-01").value is None
    assert rollup(metrics["number"], tree["P1"], "2024-01").periods == ()
