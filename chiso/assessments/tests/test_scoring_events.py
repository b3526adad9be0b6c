"""Scoring announces itself to live dashboards, and results made stale by a changed
entry are scored again when the dashboards read them."""

from __future__ import annotations

from chiso.assessments import scoring
from chiso.assessments.models import Assessment, ComponentEntry, Result
from chiso.dashboards import dti
from chiso.dashboards.models import Event


def test_writing_results_announces_assessment_scored_after_commit(
        scored, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scoring.recompute(scored)
    event = Event.objects.filter(kind="assessment.scored").latest("pk")
    assert event.data["assessment"] == scored.pk
    assert event.paths == [scored.owner.path]


def test_the_dashboard_scores_stale_provisional_results_before_reading_them(
        scored, tree, people):
    entry = ComponentEntry.objects.get(assessment=scored, unit=tree["C1"], node__code="3.1")
    entry.appraised_points = 0.0  # the appraiser takes C1's 30 points away
    entry.save()
    assert Assessment.objects.get(pk=scored.pk).scored_at is None  # stale
    before = Result.objects.get(assessment=scored, unit=tree["C1"], node__kind="total").score
    found = dti.assessment_of_unit(people["leader"], tree["C1"], 2026)
    assert found.pk == scored.pk and found.scored_at is not None
    after = Result.objects.get(assessment=scored, unit=tree["C1"], node__kind="total").score
    assert after < before
