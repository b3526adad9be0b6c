"""Every allowed transition of a submission, with its log and the values' states."""

import datetime as dt

from chiso.metrics.models import DataValue
from chiso.rounds import workflow
from chiso.rounds.models import SectionReview, Submission, SubmissionEvent

from .conftest import AFTER, BEFORE, at

S = Submission.State


def value_states(sub) -> set[str]:
    return set(DataValue.objects.filter(unit=sub.unit, period=sub.round.period)
               .values_list("state", flat=True))


def test_round_reaches_every_commune_and_ward_of_the_province(round, tree):
    assert {s.unit.code for s in round.submissions.all()} == {"C1", "C2"}


def test_submit_moves_values_and_logs_who_and_when(filled, people):
    sub = workflow.submit(filled, people["reporter"], now=BEFORE)
    assert sub.state == S.SUBMITTED
    assert sub.first_submitted_at == BEFORE and sub.on_time is True
    assert value_states(sub) == {"submitted"}
    event = SubmissionEvent.objects.get(submission=sub)
    assert (event.action, event.from_state, event.to_state, event.actor, event.at) == (
        "submit", S.DRAFT, S.SUBMITTED, people["reporter"], BEFORE)


def test_accepting_every_section_accepts_the_submission(submitted, people, sections):
    sub = workflow.accept(submitted, people["reviewer"], sections=[sections[0]], now=BEFORE)
    assert sub.state == S.SUBMITTED  # one section still waits
    sub = workflow.accept(sub, people["reviewer"], now=BEFORE)
    assert sub.state == S.ACCEPTED
    assert value_states(sub) == {"accepted"}


def test_return_records_the_reason_per_section(submitted, people, sections):
    sub = workflow.return_(submitted, people["reviewer"], "Thiếu số liệu tháng 9",
                           sections=[sections[1]], now=BEFORE)
    assert sub.state == S.RETURNED
    review = SectionReview.objects.get(submission=sub)
    assert (review.section, review.verdict, review.reason) == (
        sections[1], "returned", "Thiếu số liệu tháng 9")
    assert sub.events.last().reason == "Thiếu số liệu tháng 9"
    # Only the returned section is editable again; the other one still waits for review.
    assert workflow.editable_sections(people["reporter"], sub, now=BEFORE) == [sections[1]]


def test_resubmission_after_return_keeps_accepted_sections_and_on_time(submitted, people,
                                                                       sections):
    sub = workflow.accept(submitted, people["reviewer"], sections=[sections[0]], now=BEFORE)
    sub = workflow.return_(sub, people["reviewer"], "Sai số cán bộ", now=BEFORE)
    assert sub.state == S.RETURNED
    # Corrections asked for by a reviewer may be sent after the deadline.
    sub = workflow.submit(sub, people["reporter"], now=AFTER)
    assert sub.state == S.SUBMITTED and sub.on_time is True
    assert list(sub.reviews.values_list("verdict", flat=True)) == ["accepted"]
    sub = workflow.accept(sub, people["reviewer"], now=AFTER)
    assert sub.state == S.ACCEPTED


def test_withdraw_before_the_deadline_returns_to_draft(submitted, people):
    sub = workflow.withdraw(submitted, people["reporter"], now=BEFORE)
    assert sub.state == S.DRAFT and sub.first_submitted_at is None
    assert value_states(sub) == {"draft"}


def test_head_approval_path(filled, people, round):
    round.requires_head_approval = True
    round.save()
    sub = workflow.request_approval(filled, people["reporter"], now=BEFORE)
    assert sub.state == S.PENDING_APPROVAL
    sub = workflow.reject_approval(sub, people["head"], "Kiểm tra lại tỷ lệ", now=BEFORE)
    assert sub.state == S.DRAFT
    sub = workflow.request_approval(sub, people["reporter"], now=BEFORE)
    sub = workflow.approve(sub, people["head"], now=BEFORE)
    assert sub.state == S.APPROVED
    sub = workflow.submit(sub, people["reporter"], now=BEFORE)
    assert sub.state == S.SUBMITTED
    assert [e.action for e in sub.events.all()] == [
        "request_approval", "reject_approval", "request_approval", "approve", "submit"]


def test_lock_after_acceptance(submitted, people):
    sub = workflow.accept(submitted, people["reviewer"], now=BEFORE)
    sub = workflow.lock(sub, people["admin"], now=BEFORE)
    assert sub.state == S.LOCKED


def test_reopen_gives_a_late_unit_a_new_deadline(filled, people):
    new_deadline = dt.date(2026, 10, 25)
    sub = workflow.reopen(filled, people["admin"], new_deadline, "Đơn vị mất điện", now=AFTER)
    assert sub.deadline == new_deadline and sub.state == S.DRAFT
    assert "Đơn vị mất điện" in sub.events.last().reason
    sub = workflow.submit(sub, people["reporter"], now=at(22))
    assert sub.state == S.SUBMITTED
    assert sub.on_time is False  # late against the round, even with its own deadline


def test_reopen_of_an_accepted_form_clears_the_reviews(submitted, people):
    sub = workflow.accept(submitted, people["reviewer"], now=BEFORE)
    sub = workflow.reopen(sub, people["admin"], dt.date(2026, 10, 30), "Sửa số liệu", now=AFTER)
    assert sub.state == S.DRAFT and not sub.reviews.exists()
    assert value_states(sub) == {"draft"}
    assert sub.on_time is True  # it had been sent on time


def test_bulk_accept_accepts_each_and_reports_refusals(round, people, metrics, tree,
                                                       other_reporter):
    from .conftest import fill

    c1, c2 = round.submissions.get(unit=tree["C1"]), round.submissions.get(unit=tree["C2"])
    fill(c1, people["reporter"], metrics)
    workflow.submit(c1, people["reporter"], now=BEFORE)
    done, failed = workflow.bulk_accept([c1, c2], people["reviewer"], now=BEFORE)
    assert [s.unit.code for s in done] == ["C1"]
    assert failed[0][0].unit.code == "C2" and "Đang nhập" in failed[0][1]
    assert Submission.objects.get(pk=c1.pk).state == S.ACCEPTED
