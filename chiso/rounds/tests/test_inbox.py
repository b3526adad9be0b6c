"""What each role finds in the inbox, sorted by urgency."""

import datetime as dt

from django.urls import reverse

from chiso.metrics.models import Period
from chiso.rounds import workflow
from chiso.rounds.inbox import inbox_for
from chiso.rounds.models import ReportingRound, ReviewerAssignment, RoundTarget

from .conftest import AFTER, BEFORE, fill


def kinds(user, now):
    return [(e.kind, e.submission.unit.code) for e in inbox_for(user, now)]


def test_a_reporter_sees_what_is_due_then_overdue(people, round):
    assert kinds(people["reporter"], BEFORE) == [("due", "C1")]
    assert kinds(people["reporter"], AFTER) == [("overdue", "C1")]


def test_a_reporter_sees_a_returned_form_with_its_reason(people, submitted):
    assert kinds(people["reporter"], BEFORE) == []
    workflow.return_(submitted, people["reviewer"], "Thiếu minh chứng", now=BEFORE)
    entries = inbox_for(people["reporter"], AFTER)
    assert [(e.kind, e.note) for e in entries] == [("returned", "Thiếu minh chứng")]


def test_a_reporter_never_sees_another_communes_form(round, other_reporter):
    assert kinds(other_reporter, BEFORE) == [("due", "C2")]


def test_a_head_sees_what_waits_for_approval(people, filled, round):
    round.requires_head_approval = True
    round.save()
    assert kinds(people["head"], BEFORE) == []
    workflow.request_approval(filled, people["reporter"], now=BEFORE)
    assert kinds(people["head"], BEFORE) == [("approval", "C1")]
    workflow.approve(filled, people["head"], now=BEFORE)
    assert kinds(people["head"], BEFORE) == []
    assert kinds(people["reporter"], BEFORE) == [("due", "C1")]  # now to be sent


def test_a_reviewer_sees_submitted_forms_until_their_sections_are_done(people, submitted,
                                                                         round, sections):
    assert kinds(people["reviewer"], BEFORE) == [("review", "C1")]
    ReviewerAssignment.objects.create(round=round, reviewer=people["reviewer"],
                                      section=sections[0])
    workflow.accept(submitted, people["reviewer"], now=BEFORE)
    assert kinds(people["reviewer"], BEFORE) == []


def test_the_secretariat_sees_completeness_instead_of_units(client, people, round, clock):
    assert kinds(people["admin"], BEFORE) == []
    client.force_login(people["admin"])
    html = client.get(reverse("inbox")).content.decode()
    assert 'id="completeness"' in html and round.name in html


def test_entries_are_sorted_by_urgency(people, round, tree, metrics):
    # A second round, due later, for C1 only; the first one has been returned.
    later = ReportingRound.objects.create(
        name="Báo cáo tháng 10", owner=tree["P1"], period=Period.objects.for_code("2026-10"),
        opens_on=dt.date(2026, 10, 1), deadline=dt.date(2026, 11, 5))
    RoundTarget.objects.create(round=later, unit=tree["C1"])
    workflow.sync_submissions(later)
    early = round.submissions.get(unit=tree["C1"])
    fill(early, people["reporter"], metrics)
    workflow.submit(early, people["reporter"], now=BEFORE)
    workflow.return_(early, people["reviewer"], "Sai số liệu", now=BEFORE)
    entries = inbox_for(people["reporter"], AFTER)
    assert [(e.kind, e.submission.round.name) for e in entries] == [
        ("returned", round.name), ("due", "Báo cáo tháng 10")]


def test_the_inbox_page_lists_entries_for_each_role(client, people, submitted, clock):
    client.force_login(people["reviewer"])
    html = client.get(reverse("inbox")).content.decode()
    assert "Chờ bạn thẩm định" in html and "Xã Một" in html
    assert "Chấp nhận hàng loạt" in html
    client.force_login(people["leader"])
    html = client.get(reverse("inbox")).content.decode()
    assert "Không có việc nào đang chờ bạn" in html


def test_bulk_accept_from_the_inbox(client, people, submitted, clock):
    client.force_login(people["reviewer"])
    response = client.post(reverse("bulk_accept"), {"submission": [submitted.pk]}, follow=True)
    assert "Đã chấp nhận 1 biểu mẫu" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "accepted"


def test_bulk_accept_refuses_units_outside_the_reviewers_reach(client, submitted, tree):
    from chiso.conftest import make_user
    from chiso.orgs.models import Role

    client.force_login(make_user("reviewer_p2", Role.REVIEWER, tree["P2"]))
    assert client.post(reverse("bulk_accept"), {"submission": [submitted.pk]}).status_code == 403


def test_inbox_nav_item_for_every_role_and_rounds_for_the_secretariat(client, people, clock):
    for role in ("admin", "leader", "reviewer", "head", "reporter"):
        client.force_login(people[role])
        html = client.get(reverse("inbox")).content.decode()
        assert 'data-nav="inbox"' in html
        assert ('data-nav="rounds"' in html) == (role == "admin")


def test_the_inbox_reads_in_english(client, people, round, clock):
    client.force_login(people["reporter"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("inbox")).content.decode()
    assert "<h1>Inbox</h1>" in html and ">Due<" in html
