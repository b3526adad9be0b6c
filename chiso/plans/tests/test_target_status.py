"""A target's status is derived from accepted values: each status, each comparison, per
administrative level, and read in bulk."""

import datetime as dt

import pytest

from chiso.metrics.models import State
from chiso.orgs.models import Level
from chiso.plans.models import Target
from chiso.plans.status import TargetStatus as S
from chiso.plans.status import target_statuses

from .fixtures import make_target, put

AFTER_2023 = dt.date(2024, 3, 1)


def status_of(target, as_of):
    return target_statuses(Target.objects.filter(pk=target.pk), as_of)[target.pk]


@pytest.mark.parametrize("num, expected", [(90, S.EXCEEDED), (85, S.ACHIEVED), (80, S.NOT_ACHIEVED)])
def test_at_least_after_the_deadline(tree, plan, rate, num, expected):
    target = make_target(plan, rate, {2023: 85})
    put(rate, tree["C1"], "2023S1", num=num, den=100)
    put(rate, tree["C1"], "2023S2", num=num, den=100)
    result = status_of(target, AFTER_2023)
    assert result.status == expected
    assert "từ 85\u00a0% trở lên trong năm 2023" in result.rule
    assert f"Số liệu năm 2023: {num},0\u00a0%" in result.rule


@pytest.mark.parametrize("value, expected", [(3, S.EXCEEDED), (5, S.ACHIEVED), (6, S.NOT_ACHIEVED)])
def test_at_most_after_the_deadline(tree, plan, rank, value, expected):
    # "no more than 5 days" read the same way as a rank, from a lower-is-better metric
    target = make_target(plan, rank, {2023: 5}, comparison="lte")
    put(rank, tree["P1"], "2023", value=value)
    assert status_of(target, AFTER_2023).status == expected


@pytest.mark.parametrize("value, expected", [(10, S.ACHIEVED), (11, S.ACHIEVED), (13, S.NOT_ACHIEVED)])
def test_equal_within_tolerance_is_achieved_and_never_exceeded(tree, plan, rank, value, expected):
    target = make_target(plan, rank, {2023: 10}, comparison="eq", tolerance=1)
    put(rank, tree["P1"], "2023", value=value)
    result = status_of(target, AFTER_2023)
    assert result.status == expected
    assert "cho phép lệch 1" in result.rule


@pytest.mark.parametrize("place, expected", [(1, S.ACHIEVED), (20, S.ACHIEVED), (21, S.NOT_ACHIEVED)])
def test_top_n_reads_the_rank_from_values(tree, plan, rank, place, expected):
    target = make_target(plan, rank, {2023: 20}, comparison="top")
    put(rank, tree["P1"], "2023", value=place)
    result = status_of(target, AFTER_2023)
    assert result.status == expected
    assert "nhóm 20 dẫn đầu" in result.rule
    assert f"hạng {place}" in result.rule


def test_a_goal_met_before_the_deadline_is_achieved_early(tree, plan, rate):
    target = make_target(plan, rate, {2023: 80, 2025: 85})
    put(rate, tree["C1"], "2023S1", num=93, den=100)
    result = status_of(target, dt.date(2023, 7, 15))
    assert result.status == S.EXCEEDED
    assert "trước hạn" in result.rule
    assert "6 tháng đầu năm 2023" in result.rule


def test_a_rising_trend_is_on_track_and_a_flat_one_at_risk_early(tree, plan, rate):
    rising = make_target(plan, rate, {2023: 60, 2024: 70, 2025: 80}, statement="Tăng")
    other = Target.objects.create(plan=plan, statement="Phẳng", metric=rate, unit=tree["C2"])
    other.values.create(year=2025, value=80)
    for i, code in enumerate(["2023S1", "2023S2", "2024S1"]):
        put(rate, tree["C1"], code, num=60 + 6 * i, den=100)  # +12 a year: 84 by the end of 2025
        put(rate, tree["C2"], code, num=61, den=100)
    # C2 alone is measured by `other`; C1 and C2 together by `rising` (ratio of sums:
    # 60.5, 63.5, 66.5 → 78.5 by the end of 2025, short of 80), so measure C1 for `rising`.
    rising.unit = tree["C1"]
    rising.save()
    statuses = target_statuses(Target.objects.filter(plan=plan), dt.date(2024, 7, 10))
    assert statuses[rising.pk].status == S.ON_TRACK
    assert "Theil–Sen, 3 điểm" in statuses[rising.pk].rule
    # the flat series met 2023's step (60) but heads for 61 %, not 80 %: flagged now
    assert statuses[other.pk].status == S.AT_RISK
    assert "dự báo 61,0\u00a0%" in statuses[other.pk].rule


def test_without_a_trend_the_latest_value_is_compared_with_the_years_step(tree, plan, rate):
    target = make_target(plan, rate, {2023: 60, 2025: 80})
    put(rate, tree["C1"], "2023S1", num=62, den=100)
    assert status_of(target, dt.date(2023, 8, 1)).status == S.ON_TRACK
    put(rate, tree["C1"], "2023S1", num=50, den=100)
    result = status_of(target, dt.date(2023, 8, 1))
    assert result.status == S.AT_RISK
    assert "mức năm 2023" in result.rule


def test_no_metric_no_goal_or_no_accepted_value_is_no_data(tree, plan, rate):
    unmeasured = make_target(plan, None, {2023: 100})
    no_goal = make_target(plan, rate, {})
    draft_only = make_target(plan, rate, {2023: 50}, unit=tree["C2"])
    put(rate, tree["C2"], "2023S1", num=90, den=100, state=State.SUBMITTED)
    statuses = target_statuses(Target.objects.filter(plan=plan), AFTER_2023)
    assert {statuses[t.pk].status for t in (unmeasured, no_goal, draft_only)} == {S.NO_DATA}
    assert "chưa gắn với số liệu" in statuses[unmeasured.pk].rule
    assert "Chưa có số liệu đã chấp nhận của năm 2023" in statuses[draft_only.pk].rule


def test_values_after_the_date_asked_are_not_used(tree, plan, rate):
    target = make_target(plan, rate, {2023: 50})
    put(rate, tree["C1"], "2023S2", num=90, den=100)
    assert status_of(target, dt.date(2023, 6, 30)).status == S.NO_DATA


def test_per_level_targets_are_evaluated_on_each_level_as_ratio_of_sums(tree, plan, rate):
    target = make_target(plan, rate, {(2023, Level.PROVINCIAL): 55, (2023, Level.COMMUNE): 25})
    put(rate, tree["A1"], "2023S2", num=60, den=100)  # the agency: provincial level
    # communes: 10 % of 10 and 30 % of 200 → 61/210 = 29,0 % (the mean of rates, 20 %, fails)
    put(rate, tree["C1"], "2023S2", num=1, den=10)
    put(rate, tree["C2"], "2023S2", num=60, den=200)
    result = status_of(target, AFTER_2023)
    by_level = {line.level: line for line in result.lines}
    assert by_level[Level.PROVINCIAL].status == S.EXCEEDED
    assert by_level[Level.COMMUNE].status == S.EXCEEDED
    assert by_level[Level.COMMUNE].value == pytest.approx(29.0)
    assert result.status == S.EXCEEDED
    assert "cấp xã" in result.rule and "cấp tỉnh" in result.rule


def test_a_level_that_fails_makes_the_target_fail(tree, plan, rate):
    target = make_target(plan, rate, {(2023, Level.PROVINCIAL): 55, (2023, Level.COMMUNE): 40})
    put(rate, tree["A1"], "2023S2", num=60, den=100)
    put(rate, tree["C1"], "2023S2", num=20, den=100)
    result = status_of(target, AFTER_2023)
    assert [line.status for line in result.lines] == [S.EXCEEDED, S.NOT_ACHIEVED]
    assert result.status == S.NOT_ACHIEVED


def test_a_level_without_data_keeps_the_target_from_being_achieved(tree, plan, rate):
    target = make_target(plan, rate, {(2023, Level.PROVINCIAL): 55, (2023, Level.COMMUNE): 40})
    put(rate, tree["A1"], "2023S2", num=60, den=100)
    assert status_of(target, AFTER_2023).status == S.NO_DATA


def test_the_province_reads_its_own_figure_before_rolling_up(tree, plan, rate):
    target = make_target(plan, rate, {2023: 50})
    put(rate, tree["C1"], "2023S2", num=90, den=100)
    assert status_of(target, AFTER_2023).status == S.EXCEEDED
    put(rate, tree["P1"], "2023S2", num=40, den=100)
    assert status_of(target, AFTER_2023).status == S.NOT_ACHIEVED


def test_year_value_of_a_rate_combines_its_half_years(tree, plan, rate):
    target = make_target(plan, rate, {2023: 50})
    put(rate, tree["C1"], "2023S1", num=10, den=100)
    put(rate, tree["C1"], "2023S2", num=290, den=300)  # year: 300 / 400 = 75 %
    result = status_of(target, AFTER_2023)
    assert result.lines[0].value == pytest.approx(75.0)


def test_statuses_of_many_targets_take_the_same_few_queries(tree, plan, rate, rank,
                                                             django_assert_max_num_queries):
    for i in range(3):
        make_target(plan, rate, {2023: 50 + i})
    put(rate, tree["C1"], "2023S1", num=60, den=100)
    with django_assert_max_num_queries(7):
        few = target_statuses(Target.objects.filter(plan=plan), AFTER_2023)
    for i in range(30):
        make_target(plan, rate if i % 2 else rank, {2023: 40 + i, 2024: 45 + i})
    with django_assert_max_num_queries(7):
        many = target_statuses(Target.objects.filter(plan=plan), AFTER_2023)
    assert len(few) == 3 and len(many) == 33
