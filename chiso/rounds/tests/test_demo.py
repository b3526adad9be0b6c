"""The demo rounds: idempotent, and with something to do for the demo reporter and
reviewer."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from chiso.rounds.inbox import completeness, inbox_for
from chiso.rounds.models import ReportingRound, SubmissionEvent


def rounds():
    """The rounds this app's demo creates (other apps' demos add rounds of their own)."""
    return ReportingRound.objects.filter(name__endswith="– cấp xã")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", stdout=open("/dev/null", "w"))
        counts = (rounds().count(), SubmissionEvent.objects.count())
        call_command("demo", stdout=open("/dev/null", "w"))
        yield counts
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_running_the_demo_twice_changes_nothing(demo):
    assert demo == (rounds().count(), SubmissionEvent.objects.count())
    assert demo[0] == 2


@pytest.mark.django_db
def test_the_demo_reporter_has_something_due_and_something_returned(demo):
    user = get_user_model().objects.get(username="baocao.baichay")
    kinds = [e.kind for e in inbox_for(user)]
    assert "due" in kinds and "returned" in kinds
    assert all(e.submission.unit.code == "X06673" for e in inbox_for(user))


@pytest.mark.django_db
def test_the_demo_reviewer_has_forms_waiting(demo):
    user = get_user_model().objects.get(username="thamdinh.qn")
    assert sum(e.kind == "review" for e in inbox_for(user)) >= 5


@pytest.mark.django_db
def test_the_past_round_has_a_realistic_mix(demo):
    past = rounds().order_by("deadline").first()
    c = completeness(past)
    assert c.total == 54
    assert c.on_time > 20 and c.late > 0 and c.missing > 0
    assert c.by_state.get("returned", 0) >= 3 and c.by_state.get("accepted", 0) > 20


@pytest.mark.django_db
def test_demo_users_have_addresses_that_reach_no_real_inbox(demo):
    users = get_user_model().objects.filter(username__in=["baocao.baichay", "truong.baichay",
                                                          "thuongtruc.qn"])
    assert sorted(u.email for u in users) == [
        "baocao.baichay@demo.chiso.invalid", "thuongtruc.qn@demo.chiso.invalid",
        "truong.baichay@demo.chiso.invalid"]


@pytest.mark.django_db
def test_the_open_round_shows_one_unit_taken_off_it(demo):
    from chiso.rounds import workflow

    open_round = rounds().order_by("deadline").last()
    exclusion = open_round.exclusions.get()
    assert exclusion.is_active and "(minh họa)" in exclusion.reason
    assert not open_round.submissions.filter(unit=exclusion.unit).exists()
    assert workflow.sync_submissions(open_round) == 0
