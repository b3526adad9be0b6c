"""Fixtures shared by the self-assessment and appraisal tests (imported by them).

`live` is the conftest's hand-worked assessment of P1's units (C1, C2 communes/wards, A1
agency), made current: it opened ten days ago and is due in ten days, so that pages
driven by the real clock see an open form. Workflow tests pass `now` instead.
`appraiser` is the reviewer of P1 assigned the main index NT (components 1.1 and 1.2).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chiso.assessments import selfassess
from chiso.assessments.models import AppraiserAssignment, Assessment, FrameworkNode
from chiso.conftest import make_user
from chiso.orgs.models import Role
from chiso.rounds import workflow
from chiso.rounds.models import Submission

PASSWORD = "mat-khau-thu-nghiem"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def day(offset: int) -> dt.datetime:
    """Nine in the morning, `offset` days from today (the live round's clock)."""
    d = timezone.localdate() + dt.timedelta(days=offset)
    return timezone.make_aware(dt.datetime.combine(d, dt.time(9, 0)))


@pytest.fixture
def live(assessment: Assessment, people) -> Assessment:
    rnd = assessment.round
    today = timezone.localdate()
    rnd.opens_on = today - dt.timedelta(days=10)
    rnd.deadline = today + dt.timedelta(days=10)
    rnd.save()
    workflow.sync_submissions(rnd)
    selfassess.ensure_section(assessment)
    return assessment


@pytest.fixture
def nodes(live) -> dict[str, FrameworkNode]:
    return {n.code: n for n in live.framework.nodes.all()}


@pytest.fixture
def others(tree):
    return {"reporter_c2": make_user("reporter_c2", Role.REPORTER, tree["C2"]),
            "admin_p2": make_user("admin_p2", Role.ADMIN, tree["P2"]),
            "reviewer_free": make_user("reviewer_free", Role.REVIEWER, tree["P1"])}


@pytest.fixture
def appraiser(live, people, nodes):
    a = AppraiserAssignment.objects.create(assessment=live, user=people["reviewer"])
    a.nodes.set([nodes["NT"]])
    return people["reviewer"]


def sub_of(assessment: Assessment, code: str) -> Submission:
    return Submission.objects.select_related("round", "unit", "round__owner").get(
        round=assessment.round, unit__code=code)


def post_of(node: FrameworkNode, version: int, **figures) -> dict:
    data = {"version": str(version)}
    for name, value in figures.items():
        if name in ("explanation", "not_applicable"):
            data[name] = value
        else:
            data[f"d_{name}"] = value
    return data


def fill_all(assessment: Assessment, code: str, user, now=None) -> None:
    """C1's hand-worked answers: 1.1 3/4 → 7,5; 1.2 met 3 times → 5; 2.1 chairman → 50;
    3.1 portal yes → 30 (92,5 of 100 points)."""
    selfassess.ensure_section(assessment)
    sub = sub_of(assessment, code)
    answers = {"1.1": {"a": "3", "b": "4"}, "1.2": {"value": "3"},
               "2.1": {"value": "chu_tich"}, "3.1": {"value": "1"}}
    for n in selfassess.components_for(assessment, sub.unit):
        entry = selfassess.ensure_entries(assessment, sub.unit, [n])[n.pk]
        result = selfassess.save_component(assessment, sub, n,
                                           post_of(n, entry.version, **answers[n.code]),
                                           user, now)
        assert result.status == "saved", result.messages
