"""Scoring through the engine: a hand-worked unit from declared figures to the total,
not-applicable components, ranks with ties, ranks within groups, bands, change against
the previous year (from last year's results or from published results)."""

from __future__ import annotations

import pytest

from chiso.assessments import scoring
from chiso.assessments.models import ComponentEntry, PublishedResult, Result, Scope

from .conftest import make_assessment

pytestmark = pytest.mark.django_db

C1_DECLARED = {"1.1": {"a": 3, "b": 4}, "1.2": {"value": 3},
               "2.1": {"value": "pho_chu_tich"}, "3.1": {"value": True}}


def declare(assessment, unit, declared: dict, na=()):
    nodes = {n.code: n for n in assessment.framework.nodes.filter(kind="component")}
    entries = [ComponentEntry.objects.create(assessment=assessment, unit=unit, node=nodes[code],
                                             declared=figures, not_applicable=code in na)
               for code, figures in declared.items()]
    scoring.score_entries(assessment, entries)
    return entries


def results(assessment, unit) -> dict[str, Result]:
    return {r.node.code: r for r in Result.objects.filter(assessment=assessment, unit=unit)
            .select_related("node")}


def test_a_hand_worked_unit_from_declared_figures_to_the_total(assessment, tree):
    entries = declare(assessment, tree["C1"], C1_DECLARED)
    # 1.1: 3/4 × 10 = 7,5; 1.2: 3 meetings ≥ 2 → 5; 2.1: vice-chairman ½ × 50 = 25; 3.1: 30
    assert [e.self_points for e in entries] == [7.5, 5.0, 25.0, 30.0]
    scoring.recompute(assessment)
    r = results(assessment, tree["C1"])
    assert r["NT"].score == pytest.approx(12.5 / 20)
    assert r["HA"].score == pytest.approx(25 / 50)
    assert r["HB"].score == pytest.approx(1.0)
    # Pillars count the foundation NT in both: A = (12,5 + 25) / 70, B = (12,5 + 30) / 50.
    assert r["A"].score == pytest.approx(37.5 / 70)
    assert r["B"].score == pytest.approx(42.5 / 50)
    assert r["DTI"].score == pytest.approx(67.5 / 100)
    assert r["DTI"].points == pytest.approx(67.5)
    assert r["DTI"].band == "Khá"


def test_the_live_points_of_one_component_come_with_the_engine_explanation(framework):
    node = framework.nodes.get(code="1.1")
    points, text = scoring.component_points(node, {"a": 3, "b": 4})
    assert points == 7.5
    assert "7,50 điểm" in text


def test_appraised_points_replace_self_points_in_the_scores(assessment, tree, people):
    entries = declare(assessment, tree["C1"], C1_DECLARED)
    entries[2].appraised_points = 0.0  # the appraiser found no decision naming the head
    entries[2].save()
    scoring.recompute(assessment)
    assert results(assessment, tree["C1"])["DTI"].score == pytest.approx(42.5 / 100)


def test_a_component_that_does_not_apply_leaves_the_denominator(assessment, tree):
    # 3.1 applies to communes and wards only: the agency is scored over 70 points.
    declare(assessment, tree["A1"], {"1.1": {"a": 4, "b": 4}, "1.2": {"value": 4},
                                     "2.1": {"value": "pho_chu_tich"}})
    declare(assessment, tree["C2"], {"1.1": {"a": 4, "b": 4}, "1.2": {"value": 4},
                                     "2.1": {"value": "chu_tich"}, "3.1": {"value": True}},
            na={"2.1"})
    scoring.recompute(assessment)
    a1 = results(assessment, tree["A1"])
    assert a1["HB"].score is None
    assert a1["DTI"].score == pytest.approx(45 / 70)
    c2 = results(assessment, tree["C2"])
    assert c2["HA"].score is None and c2["DTI"].score == pytest.approx(50 / 50)


def test_units_with_equal_published_values_share_a_rank_and_the_next_is_skipped(assessment, tree):
    declare(assessment, tree["C1"], C1_DECLARED)
    declare(assessment, tree["C2"], C1_DECLARED)
    declare(assessment, tree["A1"], {"1.1": {"a": 0, "b": 4}})
    scoring.recompute(assessment)
    ranks = {u: results(assessment, tree[u])["DTI"].rank for u in ("C1", "C2", "A1")}
    assert ranks == {"C1": 1, "C2": 1, "A1": 3}


def test_groups_rank_communes_and_agencies_separately(assessment, tree):
    assessment.groups = [{"code": "xa", "label": "Xã, phường", "kinds": ["commune", "ward"]},
                         {"code": "so", "label": "Sở, ngành", "kinds": ["department"]}]
    assessment.save()
    declare(assessment, tree["C1"], C1_DECLARED)
    declare(assessment, tree["C2"], {"1.1": {"a": 1, "b": 4}})
    declare(assessment, tree["A1"], {"1.1": {"a": 2, "b": 4}})
    scoring.recompute(assessment)
    rows = {u: results(assessment, tree[u])["DTI"] for u in ("C1", "C2", "A1")}
    assert [rows[u].rank for u in ("C1", "A1", "C2")] == [1, 2, 3]
    assert (rows["C1"].group, rows["C1"].rank_in_group) == ("xa", 1)
    assert (rows["C2"].group, rows["C2"].rank_in_group) == ("xa", 2)
    assert (rows["A1"].group, rows["A1"].rank_in_group) == ("so", 1)


def test_unranked_group_is_scored_but_not_ranked_in_a_group(assessment, tree):
    assessment.groups = [{"code": "xa", "kinds": ["commune", "ward"]},
                         {"code": "khac", "kinds": ["department"], "ranked": False}]
    assessment.save()
    declare(assessment, tree["C1"], C1_DECLARED)
    declare(assessment, tree["A1"], {"1.1": {"a": 2, "b": 4}})
    scoring.recompute(assessment)
    a1 = results(assessment, tree["A1"])["DTI"]
    assert a1.score == pytest.approx(5 / 70) and a1.rank_in_group is None


def test_change_against_last_years_results_in_points_and_places(tree, framework):
    from .conftest import make_framework
    last = make_assessment(make_framework(2025), tree["P1"], year=2025)
    declare(last, tree["C1"], {"1.1": {"a": 1, "b": 4}})            # 2,5 / 100
    declare(last, tree["C2"], C1_DECLARED)                          # 67,5 / 100
    scoring.recompute(last)
    current = make_assessment(framework, tree["P1"], year=2026)
    current.previous = last
    current.save()
    declare(current, tree["C1"], C1_DECLARED)                       # 67,5
    declare(current, tree["C2"], {"1.1": {"a": 2, "b": 4}})         # 5
    scoring.recompute(current)
    c1 = results(current, tree["C1"])["DTI"]
    assert (c1.previous_rank, c1.rank, c1.places) == (2, 1, 1)
    assert c1.change == pytest.approx(0.65)
    c2 = results(current, tree["C2"])["DTI"]
    assert (c2.places, c2.change) == (-1, pytest.approx(-0.625))


def test_change_against_published_results_when_no_assessment_came_before(assessment, tree):
    PublishedResult.objects.create(year=2025, scope=Scope.LOCAL_INDEX, unit=tree["C1"],
                                   node_code="DTI", value=0.6, rank=3)
    declare(assessment, tree["C1"], C1_DECLARED)
    scoring.recompute(assessment)
    dti = results(assessment, tree["C1"])["DTI"]
    assert (dti.previous_score, dti.previous_rank, dti.places) == (0.6, 3, 2)
    assert dti.change == pytest.approx(0.075)


def test_publishing_recomputes_and_ends_the_provisional_state(assessment, tree, people):
    declare(assessment, tree["C1"], C1_DECLARED)
    assert assessment.state == "provisional"
    scoring.publish(assessment, people["admin"])
    assessment.refresh_from_db()
    assert assessment.is_published and assessment.published_by == people["admin"]
    assert results(assessment, tree["C1"])["DTI"].score == pytest.approx(0.675)


def test_a_changed_final_score_is_in_the_results_the_next_time_they_are_read(
        client, people, scored, tree):
    from django.urls import reverse

    assert scored.scored_at is not None
    entry = ComponentEntry.objects.get(assessment=scored, unit=tree["C1"], node__code="2.1")
    entry.appraised_points = 50.0  # the appraiser raises 25 → 50
    entry.save()
    scored.refresh_from_db()
    assert scored.scored_at is None  # stale, not yet recomputed
    client.force_login(people["leader"])
    html = client.get(reverse("assessments:ranking", args=[scored.pk])).content.decode()
    assert "0,9250" in html  # (12,5 + 50 + 30) / 100
    scored.refresh_from_db()
    assert scored.scored_at is not None


def test_published_results_do_not_move_until_the_secretariat_recomputes(scored, tree, people):
    scoring.publish(scored, people["admin"])
    entry = ComponentEntry.objects.get(assessment=scored, unit=tree["C1"], node__code="2.1")
    entry.appraised_points = 50.0
    entry.save()
    scored.refresh_from_db()
    scoring.ensure_current(scored)
    assert results(scored, tree["C1"])["DTI"].score == pytest.approx(0.675)
    scoring.recompute(scored)
    assert results(scored, tree["C1"])["DTI"].score == pytest.approx(0.925)
