"""The self-assessment goes through the reporting round's workflow: submit (after the
head's approval where required), withdraw before the deadline, locked after it,
re-opened by the secretariat, returned with reasons, accepted and locked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from chiso.assessments import selfassess
from chiso.assessments.models import ComponentEntry, Result
from chiso.rounds import workflow
from chiso.rounds.models import Submission

from .test_entry_support import *  # noqa: F403  (the fixtures)
from .test_entry_support import day, fill_all, post_of, sub_of

S = Submission.State


def test_an_incomplete_self_assessment_cannot_be_sent(live, people):
    sub = sub_of(live, "C1")
    with pytest.raises(workflow.WorkflowError, match="Chưa kê khai đủ số liệu"):
        selfassess.send(live, sub, people["reporter"], now=day(0))
    assert sub_of(live, "C1").state == S.DRAFT


def test_not_applicable_needs_an_explanation(live, people, nodes):
    fill_all(live, "C1", people["reporter"])
    sub = sub_of(live, "C1")
    n = nodes["3.1"]
    entry = selfassess.ensure_entries(live, sub.unit, [n])[n.pk]
    selfassess.save_component(live, sub, n, post_of(n, entry.version, not_applicable="1"),
                              people["reporter"])
    with pytest.raises(workflow.WorkflowError, match="chưa có giải trình"):
        selfassess.send(live, sub, people["reporter"], now=day(0))


def test_sending_submits_and_scores_provisionally(live, people):
    fill_all(live, "C1", people["reporter"])
    sub = selfassess.send(live, sub_of(live, "C1"), people["reporter"], now=day(0))
    assert sub.state == S.SUBMITTED
    total = Result.objects.get(assessment=live, unit__code="C1", node__code="DTI")
    assert total.score == pytest.approx(0.925)
    live.refresh_from_db()
    assert not live.is_published


def test_withdraw_before_the_deadline_then_edit_again(live, people, nodes):
    fill_all(live, "C1", people["reporter"])
    sub = selfassess.send(live, sub_of(live, "C1"), people["reporter"], now=day(0))
    assert not selfassess.can_edit(people["reporter"], sub, day(1))
    with pytest.raises(PermissionDenied):
        selfassess.save_component(live, sub, nodes["1.2"], post_of(nodes["1.2"], 2, value="4"),
                                  people["reporter"], day(1))
    sub = workflow.withdraw(sub, people["reporter"], now=day(1))
    assert sub.state == S.DRAFT
    assert selfassess.can_edit(people["reporter"], sub, day(1))


def test_no_withdrawal_after_the_deadline(live, people):
    fill_all(live, "C1", people["reporter"])
    sub = selfassess.send(live, sub_of(live, "C1"), people["reporter"], now=day(0))
    with pytest.raises(workflow.WorkflowError, match="quá hạn"):
        workflow.withdraw(sub, people["reporter"], now=day(11))


def test_the_form_locks_itself_after_the_deadline(live, people, nodes):
    sub = sub_of(live, "C1")
    assert selfassess.can_edit(people["reporter"], sub, day(10))
    assert not selfassess.can_edit(people["reporter"], sub, day(11))
    n = nodes["1.2"]
    with pytest.raises(PermissionDenied, match="đã khóa"):
        selfassess.save_component(live, sub, n, post_of(n, 0, value="4"), people["reporter"],
                                  day(11))
    with pytest.raises(workflow.WorkflowError, match="quá hạn"):
        fill_all(live, "C1", people["reporter"], now=day(0))
        selfassess.send(live, sub_of(live, "C1"), people["reporter"], now=day(11))


def test_the_secretariat_reopens_a_locked_form(client, live, people, nodes):
    rnd = live.round
    rnd.opens_on = timezone.localdate() - dt.timedelta(days=30)
    rnd.deadline = timezone.localdate() - dt.timedelta(days=1)
    rnd.save()
    sub = sub_of(live, "C1")
    assert not selfassess.can_edit(people["reporter"], sub)
    url = reverse("assessments:selfassess_reopen", args=[live.pk, "C1"])
    client.force_login(people["reporter"])
    assert client.post(url, {"new_deadline": "01/01/2099", "reason": "x"}).status_code == 403
    client.force_login(people["admin"])
    new = (timezone.localdate() + dt.timedelta(days=5)).strftime("%d/%m/%Y")
    response = client.post(url, {"new_deadline": new, "reason": "Đơn vị mất điện hai ngày"})
    assert response.status_code == 302
    sub = sub_of(live, "C1")
    assert sub.state == S.DRAFT and sub.deadline_override is not None
    assert selfassess.can_edit(people["reporter"], sub)
    assert sub.events.filter(action="reopen", reason__contains="mất điện").exists()


def test_head_approval_comes_before_submission(live, people):
    rnd = live.round
    rnd.requires_head_approval = True
    rnd.save()
    fill_all(live, "C1", people["reporter"])
    sub = selfassess.send(live, sub_of(live, "C1"), people["reporter"], now=day(0))
    assert sub.state == S.PENDING_APPROVAL
    with pytest.raises(workflow.WorkflowForbidden):
        workflow.approve(sub, people["reporter"], now=day(0))
    sub = workflow.approve(sub, people["head"], now=day(0))
    sub = selfassess.send(live, sub, people["reporter"], now=day(0))
    assert sub.state == S.SUBMITTED


def test_returned_with_reasons_then_corrected_and_resent(client, live, people, appraiser,
                                                         nodes):
    fill_all(live, "C1", people["reporter"])
    selfassess.send(live, sub_of(live, "C1"), people["reporter"])
    client.force_login(appraiser)
    url = reverse("assessments:selfassess_transition", args=[live.pk, "C1", "tra-lai"])
    client.post(url, {"reason": ""})
    assert sub_of(live, "C1").state == S.SUBMITTED  # a return needs its reason
    client.post(url, {"reason": "Thiếu biên bản họp Ban Chỉ đạo quý IV"})
    sub = sub_of(live, "C1")
    assert sub.state == S.RETURNED
    client.force_login(people["reporter"])
    page = client.get(reverse("assessments:selfassess_form", args=[live.pk, "C1"])).content.decode()
    assert "Thiếu biên bản họp Ban Chỉ đạo quý IV" in page
    assert selfassess.can_edit(people["reporter"], sub)
    n = nodes["1.2"]
    entry = selfassess.ensure_entries(live, sub.unit, [n])[n.pk]
    selfassess.save_component(live, sub, n, post_of(n, entry.version, value="4"),
                              people["reporter"])
    sub = selfassess.send(live, sub_of(live, "C1"), people["reporter"])
    assert sub.state == S.SUBMITTED


def test_accepted_then_locked_nobody_edits(client, live, people, nodes):
    fill_all(live, "C1", people["reporter"])
    selfassess.send(live, sub_of(live, "C1"), people["reporter"])
    client.force_login(people["admin"])
    client.post(reverse("assessments:selfassess_transition", args=[live.pk, "C1", "chap-nhan"]))
    assert sub_of(live, "C1").state == S.ACCEPTED
    client.post(reverse("assessments:selfassess_transition", args=[live.pk, "C1", "khoa"]))
    sub = sub_of(live, "C1")
    assert sub.state == S.LOCKED
    n = nodes["1.2"]
    before = ComponentEntry.objects.get(assessment=live, unit__code="C1", node=n).declared
    for user in (people["reporter"], people["admin"]):
        client.force_login(user)
        response = client.post(reverse("assessments:selfassess_save", args=[live.pk, "C1", n.pk]),
                               post_of(n, 2, value="1"))
        # They may edit this unit's form in general: told why not now (409), not a bare 403.
        assert response.status_code == 409
        assert "đã khóa" in response.content.decode()
    client.force_login(people["leader"])
    response = client.post(reverse("assessments:selfassess_save", args=[live.pk, "C1", n.pk]),
                           post_of(n, 2, value="1"))
    assert response.status_code == 403
    assert ComponentEntry.objects.get(assessment=live, unit__code="C1", node=n).declared == before


def test_only_the_secretariat_accepts(client, live, people, appraiser):
    fill_all(live, "C1", people["reporter"])
    selfassess.send(live, sub_of(live, "C1"), people["reporter"])
    client.force_login(appraiser)
    response = client.post(reverse("assessments:selfassess_transition", args=[live.pk, "C1", "chap-nhan"]))
    assert response.status_code == 403
    assert sub_of(live, "C1").state == S.SUBMITTED


def test_relative_to_best_is_scored_over_all_units_when_one_sends(live, people, nodes, tree):
    from chiso.conftest import make_user
    from chiso.orgs.models import Role

    n = nodes["1.2"]
    n.rule = {"kind": "relative_best", "max": 10}
    n.save()
    reporter_c2 = make_user("reporter_c2", Role.REPORTER, tree["C2"])
    fill_all(live, "C1", people["reporter"])          # C1 declares 3 meetings
    c2 = sub_of(live, "C2")
    entry = selfassess.ensure_entries(live, c2.unit, [n])[n.pk]
    result = selfassess.save_component(live, c2, n, post_of(n, entry.version, value="6"),
                                       reporter_c2)
    assert result.points == 10 and "tạm tính" in result.sentence  # alone, it is its own best
    selfassess.send(live, sub_of(live, "C1"), people["reporter"])
    c1 = ComponentEntry.objects.get(assessment=live, unit__code="C1", node=n)
    assert c1.self_points == pytest.approx(5.0)        # 3 / 6 × 10


def test_the_head_approves_on_the_page_then_the_reporter_sends(client, live, people):
    rnd = live.round
    rnd.requires_head_approval = True
    rnd.save()
    fill_all(live, "C1", people["reporter"])
    act = lambda a: reverse("assessments:selfassess_transition", args=[live.pk, "C1", a])  # noqa: E731
    client.force_login(people["reporter"])
    client.post(act("gui"))
    assert sub_of(live, "C1").state == S.PENDING_APPROVAL
    assert client.post(act("phe-duyet")).status_code == 403
    client.force_login(people["head"])
    page = client.get(reverse("assessments:selfassess_form", args=[live.pk, "C1"]))
    assert 'id="btn-approve"' in page.content.decode()
    client.post(act("phe-duyet"))
    assert sub_of(live, "C1").state == S.APPROVED
    client.force_login(people["reporter"])
    client.post(act("gui"))
    assert sub_of(live, "C1").state == S.SUBMITTED
