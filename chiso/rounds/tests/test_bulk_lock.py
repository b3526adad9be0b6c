"""The secretariat locks every accepted form of a round at once; nobody else may."""

import pytest
from django.urls import reverse

from chiso.rounds import workflow
from chiso.rounds.models import Submission, SubmissionEvent

from .conftest import BEFORE

S = Submission.State


@pytest.fixture
def accepted(submitted, people):
    return workflow.accept(submitted, people["reviewer"], now=BEFORE)


def test_only_accepted_forms_are_locked_each_with_its_log(accepted, people, round):
    locked = workflow.lock_accepted(round, people["admin"], now=BEFORE)
    assert [s.unit.code for s in locked] == ["C1"]
    states = dict(round.submissions.values_list("unit__code", "state"))
    assert states == {"C1": S.LOCKED, "C2": S.DRAFT}
    event = SubmissionEvent.objects.filter(action=SubmissionEvent.Action.LOCK).get()
    assert (event.from_state, event.to_state, event.actor) == (S.ACCEPTED, S.LOCKED,
                                                              people["admin"])


def test_the_button_locks_and_says_how_many(client, accepted, people, round):
    client.force_login(people["admin"])
    page = client.get(reverse("round_detail", args=[round.pk])).content.decode()
    assert 'id="btn-lock"' in page and "Khóa 1 biểu mẫu đã chấp nhận" in page
    response = client.post(reverse("round_lock", args=[round.pk]), follow=True)
    assert "Đã khóa 1 biểu mẫu đã chấp nhận." in response.content.decode()
    assert round.submissions.get(unit__code="C1").state == S.LOCKED


@pytest.mark.parametrize("role", ["leader", "reviewer", "head", "reporter"])
def test_no_one_but_the_secretariat_locks(client, accepted, people, round, role):
    client.force_login(people[role])
    assert client.post(reverse("round_lock", args=[round.pk])).status_code == 403
    assert round.submissions.get(unit__code="C1").state == S.ACCEPTED
    page = client.get(reverse("round_detail", args=[round.pk]))
    assert 'id="btn-lock"' not in page.content.decode()
