"""DTI and plan panels show exactly what the assessments and plans apps computed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from chiso.assessments.models import Result
from chiso.dashboards import dti as D
from chiso.dashboards import plan_panels
from chiso.dashboards.scope import Filters
from chiso.plans import counts as plan_counts
from chiso.plans.status import TargetStatus, TaskStatus

pytestmark = pytest.mark.django_db


def f(year=2025, **kw) -> Filters:
    return Filters(year=year, **kw)


def test_tiles_of_a_province_come_from_the_national_assessment(dti, tree, people):
    data = D.dti_tiles_data(tree["P1"], f(), people["leader"])
    assert data["source"] == "assessment" and data["assessment"] == dti["national"]
    assert (data["score"], data["rank"], data["of"], data["places"]) == (0.6512, 1, 2, 2)
    assert data["change"] == pytest.approx(0.0312)
    assert [(p.node.code, p.score) for p in sorted(data["pillars"], key=lambda p: p.node.code)] \
        == [("A", 0.70), ("B", 0.58), ("C", 0.64)]


def test_tiles_fall_back_on_the_official_published_results(dti, tree, people):
    data = D.dti_tiles_data(tree["P1"], f(2024), people["leader"])
    assert data["source"] == "official"
    assert (data["score"], data["rank"], data["of"]) == (0.62, 3, 63)
    assert data["change"] == pytest.approx(0.07) and data["places"] == 2


def test_radar_is_the_scope_against_average_and_best_of_its_peers(dti, tree, people):
    chart = D.dti_radar_data(tree["P1"], f(), people["leader"])["chart"]
    assert chart["categories"] == ["Chính quyền số", "Xã hội số", "Kinh tế số"]
    mine, mean, best = (s["data"] for s in chart["series"])
    pillars = dti["nodes"][1:4]
    for i, node in enumerate(pillars):
        scores = list(Result.objects.filter(assessment=dti["national"], node=node)
                      .values_list("score", flat=True))
        assert mine[i] == Result.objects.get(assessment=dti["national"], node=node,
                                             unit=tree["P1"]).score
        assert mean[i] == pytest.approx(sum(scores) / len(scores))
        assert best[i] == max(scores)


def test_trend_joins_official_years_and_assessed_years(dti, tree, people):
    chart = D.dti_trend_data(tree["P1"], f(), people["leader"])["chart"]
    assert chart["categories"] == ["2023", "2024", "2025"]
    total = next(s for s in chart["series"] if s["code"] == "DTI")
    assert total["data"] == [0.55, 0.62, 0.6512]


def test_ranking_and_heatmap_of_the_units_under_the_province(dti, tree, people):
    ranking = D.dti_ranking_data(tree["P1"], f(), people["leader"])
    assert ranking["assessment"] == dti["local"]
    # No unit-type filter: the province's communes and wards (its default comparison).
    assert ranking["chart"]["categories"] == ["Phường Hai", "Xã Một"]
    assert ranking["chart"]["series"][0]["data"] == [0.82, 0.70]
    agencies = D.dti_ranking_data(tree["P1"], f(unit_type="so"), people["leader"])
    assert agencies["chart"]["categories"] == ["Sở Y tế"]
    heat = D.dti_heatmap_data(tree["P1"], f(), people["leader"])["chart"]
    assert heat["x"] == ["A1", "B1", "KT"] and heat["y"] == ["Phường Hai", "Sở Y tế", "Xã Một"]
    direct = {(r.node.code, r.unit.name): r.score for r in Result.objects.filter(
        assessment=dti["local"], node__kind="main").select_related("node", "unit")}
    assert {(heat["x"][x], heat["y"][y]): v for x, y, v in heat["cells"]} == direct


def test_the_pillar_filter_keeps_the_main_indices_of_that_pillar(dti, tree, people):
    heat = D.dti_heatmap_data(tree["P1"], f(pillar="B"), people["leader"])["chart"]
    assert heat["x"] == ["B1"]


def test_a_unit_person_does_not_read_an_internal_assessment(dti, tree, people):
    # The local assessment is provisional and for the owner only.
    assert D.assessment_over(people["reporter"], tree["P1"], 2025) is None
    assert D.assessment_over(people["leader"], tree["P1"], 2025) == dti["local"]
    # The published national one is readable by anyone signed in.
    assert D.assessment_of_unit(people["reporter"], tree["P1"], 2025) == dti["national"]


def test_national_scope_ranks_the_provinces(dti, tree, people):
    ranking = D.dti_ranking_data(tree["VN"], f(), None)
    assert ranking["chart"]["categories"] == ["Tỉnh Một", "Tỉnh Hai"]
    assert ranking["chart"]["ranks"] == [1, 2]


def test_plan_counts_are_those_of_the_plans_app(plans, tree):
    data = plan_panels.plan_status_data(tree["P1"], f(), None)
    direct = plan_counts.count(plan_counts.Scope(plans=[plans["plan"]]), timezone.localdate())
    assert dict(data["c"].targets) == dict(direct.targets) == {TargetStatus.NOT_ACHIEVED: 1}
    assert dict(data["c"].tasks) == dict(direct.tasks) == {
        TaskStatus.OVERDUE: 1, TaskStatus.DONE: 1, TaskStatus.CANCELLED: 1}
    assert data["c"].tasks_done == 1


def test_targets_at_risk_list_the_failing_target_with_its_figures(plans, tree):
    data = plan_panels.targets_at_risk_data(tree["P1"], f(), None)
    (row,) = data["rows"]
    assert row["target"] == plans["target"]
    assert row["result"].status == TargetStatus.NOT_ACHIEVED
    assert row["line"].goal == 95.0
    assert data["chart"]["series"][0]["data"] == [95.0]


def test_overdue_tasks_by_lead_unit_stay_inside_the_province(plans, tree):
    data = plan_panels.overdue_tasks_data(tree["P1"], f(), None)
    assert data["count"] == 1
    assert [(r["unit"].code, [t["task"] for t in r["tasks"]]) for r in data["rows"]] == \
        [("C1", [plans["late"]])]


def test_the_plan_filter_narrows_to_one_plan(plans, tree):
    assert plan_panels.plan_status_data(tree["P1"], f(plan=plans["plan"].pk), None)["c"].n_tasks == 3
    assert plan_panels.plan_status_data(tree["P1"], f(plan=999999), None)["empty"]


def test_the_leader_page_renders_every_panel_with_data(client, people, dti, plans, rounds):
    client.force_login(people["leader"])
    body = client.get("/tong-quan/?nam=2025").content.decode()
    for figure in ('data-figure="dti-score">0,6512', 'data-figure="dti-rank">1<small>/2',
                   'data-figure="overdue-tasks">1', 'data-figure="targets-done">0<small>/1',
                   'data-figure="tasks-done">1<small>/3'):
        assert figure in body, figure


def test_unit_scores_rank_against_the_units_assessed_with_it(dti, tree, people):
    from chiso.dashboards import unit_panels

    data = unit_panels.unit_scores_data(tree["C1"], f(), people["leader"])
    assert data["assessment"] == dti["local"]
    total = data["rows"][0]
    assert (total["node"].code, total["score"], total["rank"], total["of"]) == ("DTI", 0.70, 2, 3)
    assert total["mean"] == pytest.approx((0.70 + 0.82 + 0.40) / 3) and total["best"] == 0.82


def test_unit_people_do_not_see_an_internal_provisional_assessment(dti, tree, people):
    from chiso.dashboards import unit_panels

    assert unit_panels.unit_scores_data(tree["C1"], f(), people["reporter"])["assessment"] is None


def test_unit_plans_list_its_tasks_with_their_statuses(plans, tree):
    from chiso.dashboards import unit_panels

    data = unit_panels.unit_plans_data(tree["C1"], f(), None)
    assert [(r["task"], r["result"].status) for r in data["tasks"]] == \
        [(plans["late"], TaskStatus.OVERDUE)]
    assert data["targets"] == []
    p1 = unit_panels.unit_plans_data(tree["P1"], f(), None)
    assert [(r["target"], r["result"].status) for r in p1["targets"]] == \
        [(plans["target"], TargetStatus.NOT_ACHIEVED)]


def test_the_nation_ranks_provinces_even_when_a_province_scored_its_communes_later(dti, tree):
    from chiso.assessments.models import Assessment

    Assessment.objects.filter(pk=dti["national"].pk).update(year=2024)
    ranking = D.dti_ranking_data(tree["VN"], f(2025), None)
    assert ranking["assessment"].pk == dti["national"].pk
    assert ranking["chart"]["categories"] == ["Tỉnh Một", "Tỉnh Hai"]


def test_means_of_merged_units_are_not_mixed_into_the_ranking_they_were_not_part_of(
        dti, tree, people):
    # A post-merger province (here P3) carries the mean of its predecessors' main indices,
    # ranked on its own (origin "merged"): the tiles, radar and bars of the 2025 national
    # ranking still count and compare the two provinces that were scored.
    from chiso.orgs.models import OrgUnit

    p3 = OrgUnit.objects.create(code="P3", name="Tỉnh Ba", kind=OrgUnit.Kind.PROVINCE,
                                parent=tree["VN"])
    total, pa, pb, pc = dti["nodes"][:4]
    for node in (total, pa, pb, pc):
        Result.objects.create(assessment=dti["national"], unit=p3, node=node, score=0.99,
                              rank=1, origin=Result.Origin.MERGED)
    data = D.dti_tiles_data(tree["P1"], f(), people["leader"])
    assert (data["rank"], data["of"]) == (1, 2)
    mine, mean, best = (s["data"] for s in
                        D.dti_radar_data(tree["P1"], f(), people["leader"])["chart"]["series"])
    assert 0.99 not in best
    bars = D.dti_ranking_data(tree["VN"], f(), None)["chart"]
    assert "Tỉnh Ba" not in bars["categories"] and len(bars["categories"]) == 2


def test_the_trend_and_official_tiles_keep_the_dti_and_pillars_not_main_indices(
        dti, tree, people):
    from chiso.assessments.models import PublishedResult, Scope

    pillar_code = dti["nodes"][1].code
    for code, value in ((pillar_code, 0.60), ("NT", 0.9)):  # a pillar and a main index
        PublishedResult.objects.create(year=2024, scope=Scope.PROVINCIAL_DTI, unit=tree["P1"],
                                       node_code=code, value=value)
    chart = D.dti_trend_data(tree["P1"], f(), people["leader"])["chart"]
    assert {s["code"] for s in chart["series"]} <= {"DTI"} | {n.code for n in dti["nodes"][1:4]}
    assert next(s for s in chart["series"] if s["code"] == pillar_code)["data"][1] == 0.60
    tiles = D.dti_tiles_data(tree["P1"], f(2024), people["leader"])
    assert [p.node_code for p in tiles["pillars"]] == [pillar_code]
