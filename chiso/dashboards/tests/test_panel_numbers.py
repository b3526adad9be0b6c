"""Each panel's numbers against the same numbers computed directly."""

from __future__ import annotations

import pytest
from django.utils import timezone

from chiso.dashboards import figures, panels, unit_panels
from chiso.dashboards.scope import Filters
from chiso.metrics.models import DataValue, State
from chiso.metrics.rollup import rollup
from chiso.rounds import inbox

from .conftest import quarter_values

pytestmark = pytest.mark.django_db


def filters(year=2025, unit_type="") -> Filters:
    return Filters(year=year, unit_type=unit_type)


def own_rate(index: int, year: int) -> float:
    nums, dens = zip(*(quarter_values(index, year, q) for q in (1, 2, 3, 4)), strict=True)
    return 100 * sum(nums) / sum(dens)


def test_trend_is_the_rollup_of_the_scope_for_each_year(values, tree):
    data = panels.metric_trend_data(tree["P1"], filters(2025), None)
    chart = data["chart"]
    assert chart["categories"][-2:] == ["2024", "2025"]
    series = {s["code"]: s["data"] for s in chart["series"]}
    assert list(series) == ["HS_TT"]  # the number metric is not a rate
    for year, got in zip(chart["categories"], series["HS_TT"], strict=True):
        expected = rollup(values, tree["P1"], year).value
        assert got == (None if expected is None else round(expected, 2))
    assert series["HS_TT"][-1] is not None


def test_trend_of_the_nation_counts_every_province(values, tree):
    chart = panels.metric_trend_data(tree["VN"], filters(2024), None)["chart"]
    assert chart["series"][0]["data"][-1] == round(rollup(values, tree["VN"], "2024").value, 2)


def test_heatmap_cells_are_each_units_rate_for_the_year(values, tree):
    data = panels.metric_heatmap_data(tree["P1"], filters(2025, "xa"), None)
    chart = data["chart"]
    assert chart["y"] == ["Phường Hai", "Xã Một"]  # by name; the agency is another type
    assert chart["x"] == ["HS_TT"]
    cells = {chart["y"][y]: v for x, y, v in chart["cells"]}
    assert cells["Xã Một"] == round(own_rate(0, 2025), 2)
    assert cells["Phường Hai"] == round(own_rate(1, 2025), 2)


def test_heatmap_of_agencies_and_of_provinces(values, tree):
    agencies = panels.metric_heatmap_data(tree["P1"], filters(2024, "so"), None)["chart"]
    assert agencies["y"] == ["Sở Y tế"]
    assert agencies["cells"] == [[0, 0, round(own_rate(2, 2024), 2)]]
    provinces = panels.metric_heatmap_data(tree["VN"], filters(2024), None)["chart"]
    cells = {provinces["y"][y]: v for x, y, v in provinces["cells"]}
    assert cells == {"Tỉnh Một": round(rollup(values, tree["P1"], "2024").value, 2),
                     "Tỉnh Hai": round(rollup(values, tree["P2"], "2024").value, 2)}


def test_figures_ignore_values_not_accepted(values, tree):
    figs = figures.by_year([values], tree["P1"], [2026])
    assert figs == {}
    assert DataValue.objects.filter(period__year=2026, state=State.SUBMITTED).exists()


def test_completeness_matches_the_rounds_own_count(rounds, tree):
    data = panels.completeness_data(tree["P1"], filters(), None)
    assert [r["round"].name for r in data["rows"]] == ["Kỳ đang mở", "Kỳ đã hết hạn"]
    direct = [inbox.completeness(r) for r in (rounds["current"], rounds["past"])]
    assert [(r["c"].submitted, r["c"].total) for r in data["rows"]] == \
        [(c.submitted, c.total) for c in direct] == [(0, 2), (1, 2)]
    assert (data["submitted"], data["total"]) == (1, 4)
    assert data["pct"] == 25.0
    on_time, late, missing = (s["data"] for s in data["chart"]["series"])
    assert (on_time, late, missing) == ([0, 1], [0, 0], [2, 1])


def test_overdue_lists_units_past_the_deadline_that_sent_nothing(rounds, tree):
    data = panels.overdue_data(tree["P1"], filters(), None)
    assert data["count"] == 1
    (row,) = data["rows"]
    assert row["unit"] == tree["C2"]
    assert row["items"][0]["round"] == rounds["past"]
    assert row["items"][0]["days"] == (timezone.localdate() - rounds["past"].deadline).days == 5


def test_silent_units_owe_a_form_and_the_longest_silent_come_first(rounds, values, tree):
    data = panels.silent_data(tree["P1"], filters(), None)
    # C2 owes both rounds, C1 only the open one; C1 touched a value last (2026Q1 submit).
    assert [(r["unit"].code, r["rounds"]) for r in data["rows"]] == [("C2", 2), ("C1", 1)]
    last_c1 = DataValue.objects.filter(unit=tree["C1"]).latest("updated_at").updated_at
    assert data["rows"][1]["last"] == last_c1


def test_a_province_sees_no_round_of_another(rounds, tree):
    assert panels.completeness_data(tree["P2"], filters(), None)["rows"] == []
    assert panels.overdue_data(tree["P2"], filters(), None)["rows"] == []


def test_unit_inbox_counts_the_units_own_forms(rounds, tree):
    c2 = unit_panels.unit_inbox_data(tree["C2"], filters(), None)
    assert c2["counts"] == {"overdue": 1, "returned": 0, "due": 1}
    c1 = unit_panels.unit_inbox_data(tree["C1"], filters(), None)
    assert c1["counts"] == {"overdue": 0, "returned": 0, "due": 1}
    assert [r["entry"].submission.round for r in c1["rows"]] == [rounds["current"]]


def test_unit_metrics_rank_among_peers_of_the_same_kind(values, tree):
    # C1 is a commune, C2 a ward: different kinds, so each is alone among its peers.
    data = unit_panels.unit_metrics_data(tree["C1"], filters(2025), None)
    (row,) = data["rows"]
    assert row["value"] == pytest.approx(own_rate(0, 2025))
    assert (row["rank"], row["of"]) == (1, 1)


def test_unit_metrics_rank_and_mean_when_peers_exist(values, tree, metrics):
    from chiso.metrics import services
    from chiso.orgs.models import OrgUnit

    c4 = OrgUnit.objects.create(code="C4", name="Xã Bốn", kind=OrgUnit.Kind.COMMUNE,
                                parent=tree["P1"])
    for q in (1, 2, 3, 4):
        services.save_value(values, c4, f"2025Q{q}", {"numerator": 99, "denominator": 100},
                            user=None, state=State.ACCEPTED)
    data = unit_panels.unit_metrics_data(tree["C1"], filters(2025), None)
    (row,) = data["rows"]
    assert (row["rank"], row["of"]) == (2, 2)
    assert row["best"] == pytest.approx(99.0)
    assert row["mean"] == pytest.approx((99.0 + own_rate(0, 2025)) / 2)
