"""Taking a unit off an assessment's round: allowed while the unit has not self-assessed
(and its blank entries go), refused once it has or once results are published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chiso.assessments import scoring, selfassess
from chiso.assessments.models import ComponentEntry
from chiso.rounds import workflow

NOW = timezone.make_aware(dt.datetime(2026, 10, 5, 9))


def remove(assessment, unit, people):
    return workflow.remove_recipient(assessment.round, unit, people["admin"],
                                     "Gửi nhầm đơn vị", now=NOW)


def test_a_unit_that_has_not_self_assessed_leaves_the_assessment(assessment, tree, people):
    selfassess.ensure_entries(assessment, tree["C1"])  # opening the form creates blanks
    assert ComponentEntry.objects.filter(assessment=assessment, unit=tree["C1"]).exists()
    remove(assessment, tree["C1"], people)
    assert not ComponentEntry.objects.filter(assessment=assessment, unit=tree["C1"]).exists()
    assert tree["C1"].pk not in scoring.assessed_unit_ids(assessment)
    assert set(scoring.assessed_unit_ids(assessment)) == {tree["C2"].pk, tree["A1"].pk}


def test_removal_makes_the_provisional_results_stale(scored, tree, people):
    # A1 has declared figures: add a fourth unit that has not, and score with it.
    from chiso.orgs.models import OrgUnit

    c4 = OrgUnit.objects.create(code="C4", name="Xã Bốn", kind="commune", parent=tree["P1"])
    workflow.sync_submissions(scored.round)
    scoring.recompute(scored)
    assert c4.pk in scoring.assessed_unit_ids(scored)
    scored.refresh_from_db()
    assert scored.scored_at is not None
    remove(scored, c4, people)
    scored.refresh_from_db()
    assert scored.scored_at is None  # the next reading ranks without Xã Bốn
    scoring.ensure_current(scored)
    assert not scored.results.filter(unit=c4).exists()
    assert scored.results.filter(unit=tree["C1"]).exists()


def test_a_unit_that_has_self_assessed_is_refused_by_name(scored, tree, people):
    with pytest.raises(workflow.WorkflowError,
                       match="Không thể bỏ “Xã Một” khỏi kỳ đánh giá: đơn vị đã kê khai"):
        remove(scored, tree["C1"], people)
    assert scored.round.submissions.filter(unit=tree["C1"]).exists()
    assert ComponentEntry.objects.filter(assessment=scored, unit=tree["C1"]).count() == 4


def test_one_explanation_is_enough_to_keep_the_unit(assessment, tree, people):
    entry = next(iter(selfassess.ensure_entries(assessment, tree["C2"]).values()))
    entry.explanation = "Đã ban hành quy chế"
    entry.save()
    with pytest.raises(workflow.WorkflowError, match="“Phường Hai”"):
        remove(assessment, tree["C2"], people)


def test_published_results_keep_every_unit(assessment, tree, people):
    scoring.publish(assessment, people["admin"])
    with pytest.raises(workflow.WorkflowError, match="đã công bố"):
        remove(assessment, tree["C1"], people)
    assert assessment.round.submissions.filter(unit=tree["C1"]).exists()
