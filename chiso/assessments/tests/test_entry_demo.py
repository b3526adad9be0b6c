"""The demo self-assessments: sent, appraised, returned and in-progress units, loaded once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from chiso.assessments import demo_entries
from chiso.assessments.models import AppraiserAssignment, ComponentEntry, Result
from chiso.conftest import make_user
from chiso.orgs.demo import DEMO_PROVINCE
from chiso.orgs.models import OrgUnit, Role
from chiso.rounds.models import Submission

from .conftest import make_assessment, make_framework

K = OrgUnit.Kind
User = get_user_model()


@pytest.fixture
def province(db):
    qn = OrgUnit.objects.create(code=DEMO_PROVINCE, name="Tỉnh Quảng Ninh", kind=K.PROVINCE)
    for code, name, kind in [(demo_entries.BAI_CHAY, "Phường Bãi Cháy", K.WARD),
                             (demo_entries.CO_TO, "Đặc khu Cô Tô", K.COMMUNE),
                             (demo_entries.SO_Y_TE, "Sở Y tế", K.DEPARTMENT),
                             ("X1", "Xã Một", K.COMMUNE), ("X2", "Xã Hai", K.COMMUNE),
                             ("X3", "Phường Ba", K.WARD)]:
        OrgUnit.objects.create(code=code, name=name, kind=kind, parent=qn)
    make_user("thamdinh.qn", Role.REVIEWER, qn)
    make_user("thuongtruc.qn", Role.ADMIN, qn)
    make_user("baocao.baichay", Role.REPORTER, OrgUnit.objects.get(code=demo_entries.BAI_CHAY))
    make_user("baocao.coto", Role.REPORTER, OrgUnit.objects.get(code=demo_entries.CO_TO))
    year = timezone.localdate().year
    a = make_assessment(make_framework(year=year), qn, year=year)
    a.round.opens_on = timezone.localdate() - dt.timedelta(days=20)
    a.round.deadline = timezone.localdate() + dt.timedelta(days=20)
    a.round.save()
    return a


def test_demo_entries_load_a_live_round_once(province):
    result = demo_entries.load()
    assert result["sent"] == 5  # Cô Tô, Sở Y tế and the three other communes
    states = dict(Submission.objects.filter(round=province.round)
                  .values_list("unit__code", "state"))
    assert states[demo_entries.CO_TO] == "submitted"
    assert states[demo_entries.BAI_CHAY] == "draft"
    assert list(states.values()).count("returned") == 1
    bai_chay = ComponentEntry.objects.filter(assessment=province,
                                             unit__code=demo_entries.BAI_CHAY)
    assert 0 < bai_chay.exclude(declared={}).count() < bai_chay.count()
    assert not ComponentEntry.objects.filter(assessment=province, is_illustrative=False).exists()
    assignment = AppraiserAssignment.objects.get(assessment=province, user__username="thamdinh.qn")
    assert [n.code for n in assignment.nodes.all()] == ["NT"]
    co_to = ComponentEntry.objects.filter(assessment=province, unit__code=demo_entries.CO_TO,
                                          node__code__in=["1.1", "1.2"])
    assert all(e.appraised_points is not None for e in co_to)
    lowered = co_to.get(node__code="1.1")
    assert lowered.appraised_points < lowered.self_points and "minh họa" in lowered.appraisal_reason
    assert Result.objects.filter(assessment=province, unit__code=demo_entries.CO_TO,
                                 node__code="DTI").exists()
    entries = ComponentEntry.objects.count()
    assert demo_entries.load() == {"assessment": province.pk, "loaded": False}
    assert ComponentEntry.objects.count() == entries


def test_without_an_assessment_nothing_is_loaded(db):
    assert demo_entries.load() == {}


def test_units_the_demo_loader_sent_are_appraised_not_refilled(province):
    from chiso.assessments import scoring
    from chiso.rounds import workflow

    from .test_entry_support import fill_all

    # What chiso.assessments.demo does first: Cô Tô filled and sent, an assignment of HA.
    workflow.sync_submissions(province.round)
    assignment = AppraiserAssignment.objects.create(
        assessment=province, user=User.objects.get(username="thamdinh.qn"))
    assignment.nodes.set(province.framework.nodes.filter(code="HA"))
    fill_all(province, demo_entries.CO_TO, User.objects.get(username="baocao.coto"))
    sub = Submission.objects.get(round=province.round, unit__code=demo_entries.CO_TO)
    workflow.submit(sub, None)
    scoring.recompute(province)
    declared = dict(ComponentEntry.objects.filter(unit__code=demo_entries.CO_TO)
                    .values_list("node__code", "declared"))
    demo_entries.load()
    assert AppraiserAssignment.objects.filter(assessment=province).count() == 1
    after = dict(ComponentEntry.objects.filter(unit__code=demo_entries.CO_TO)
                 .values_list("node__code", "declared"))
    assert after == declared
    # HA holds one component, a choice: confirmed (no ratio to lower in the assignment).
    e = ComponentEntry.objects.get(unit__code=demo_entries.CO_TO, node__code="2.1")
    assert e.appraised_points == e.self_points == 50
