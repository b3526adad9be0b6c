"""Transitions that must be refused: wrong role, wrong unit, wrong state, after the
deadline, before opening, incomplete forms; each with a Vietnamese message."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from chiso.conftest import make_user
from chiso.orgs.models import Role
from chiso.rounds import workflow
from chiso.rounds.models import ReviewerAssignment, Submission, SubmissionEvent
from chiso.rounds.workflow import WorkflowError, WorkflowForbidden

from .conftest import AFTER, BEFORE, at

S = Submission.State


@pytest.mark.parametrize("role", ["leader", "reviewer", "head"])
def test_only_the_reporter_side_submits(filled, people, role):
    with pytest.raises(WorkflowForbidden, match="Chỉ cán bộ đầu mối"):
        workflow.submit(filled, people[role], now=BEFORE)
    assert not SubmissionEvent.objects.exists()


def test_a_reporter_of_another_commune_cannot_submit(filled, other_reporter):
    with pytest.raises(PermissionDenied):
        workflow.submit(filled, other_reporter, now=BEFORE)


def test_a_reviewer_of_another_province_cannot_review(submitted, tree):
    stranger = make_user("reviewer_p2", Role.REVIEWER, tree["P2"])
    with pytest.raises(WorkflowForbidden):
        workflow.accept(submitted, stranger, now=BEFORE)


@pytest.mark.parametrize("role", ["reporter", "head", "leader"])
def test_only_reviewers_accept_or_return(submitted, people, role):
    with pytest.raises(WorkflowForbidden):
        workflow.accept(submitted, people[role], now=BEFORE)
    with pytest.raises(WorkflowForbidden):
        workflow.return_(submitted, people[role], "lý do", now=BEFORE)


def test_an_incomplete_form_cannot_be_sent(sub, people):
    with pytest.raises(WorkflowError, match="Chưa nhập “Số dịch vụ công trực tuyến”"):
        workflow.submit(sub, people["reporter"], now=BEFORE)


def test_a_form_cannot_be_sent_after_the_deadline(filled, people):
    with pytest.raises(WorkflowError, match="Đã quá hạn nộp \\(15/10/2026\\)"):
        workflow.submit(filled, people["reporter"], now=AFTER)
    assert workflow.editable_sections(people["reporter"], filled, now=AFTER) == []


def test_the_deadline_is_the_end_of_its_day(filled, people):
    sub = workflow.submit(filled, people["reporter"], now=at(15, hour=23))
    assert sub.on_time is True


def test_a_form_cannot_be_sent_before_the_round_opens(filled, people):
    with pytest.raises(WorkflowError, match="chưa mở"):
        workflow.submit(filled, people["reporter"], now=at(20, month=9))


def test_withdraw_is_refused_after_the_deadline(submitted, people):
    with pytest.raises(WorkflowError, match="quá hạn"):
        workflow.withdraw(submitted, people["reporter"], now=AFTER)


def test_withdraw_is_refused_once_reviewed(submitted, people, sections):
    workflow.accept(submitted, people["reviewer"], sections=[sections[0]], now=BEFORE)
    with pytest.raises(WorkflowError, match="đã được thẩm định"):
        workflow.withdraw(submitted, people["reporter"], now=BEFORE)


def test_wrong_states_are_named_in_the_message(filled, submitted, people):
    with pytest.raises(WorkflowError, match="đang ở trạng thái “Đã gửi, chờ thẩm định”"):
        workflow.submit(submitted, people["reporter"], now=BEFORE)
    with pytest.raises(WorkflowError, match="không thể khóa|Không thể khóa"):
        workflow.lock(submitted, people["admin"], now=BEFORE)
    with pytest.raises(WorkflowError):
        workflow.approve(submitted, people["head"], now=BEFORE)


def test_draft_cannot_be_reviewed(filled, people):
    with pytest.raises(WorkflowError, match="Đang nhập"):
        workflow.accept(filled, people["reviewer"], now=BEFORE)


def test_return_needs_a_reason(submitted, people):
    with pytest.raises(WorkflowError, match="lý do"):
        workflow.return_(submitted, people["reviewer"], "  ", now=BEFORE)


def test_approval_required_rounds_refuse_direct_submission(filled, people, round):
    round.requires_head_approval = True
    round.save()
    with pytest.raises(WorkflowError, match="phê duyệt trước khi gửi"):
        workflow.submit(filled, people["reporter"], now=BEFORE)


def test_only_the_head_approves(filled, people, round):
    round.requires_head_approval = True
    round.save()
    sub = workflow.request_approval(filled, people["reporter"], now=BEFORE)
    for role in ("reporter", "reviewer", "leader"):
        with pytest.raises(WorkflowForbidden, match="thủ trưởng"):
            workflow.approve(sub, people[role], now=BEFORE)


def test_approval_is_not_requested_when_not_required(filled, people):
    with pytest.raises(WorkflowError, match="không yêu cầu"):
        workflow.request_approval(filled, people["reporter"], now=BEFORE)


@pytest.mark.parametrize("role", ["reviewer", "leader", "reporter", "head"])
def test_only_the_secretariat_reopens_and_locks(filled, people, role):
    with pytest.raises(WorkflowForbidden, match="cơ quan thường trực"):
        workflow.reopen(filled, people[role], dt.date(2026, 10, 30), "lý do", now=AFTER)


def test_reopen_needs_a_reason_and_a_future_deadline(filled, people):
    with pytest.raises(WorkflowError, match="lý do"):
        workflow.reopen(filled, people["admin"], dt.date(2026, 10, 30), "", now=AFTER)
    with pytest.raises(WorkflowError, match="từ hôm nay"):
        workflow.reopen(filled, people["admin"], dt.date(2026, 10, 19), "Mất điện", now=AFTER)


def test_the_reopened_deadline_locks_again(filled, people):
    sub = workflow.reopen(filled, people["admin"], dt.date(2026, 10, 22), "Mất điện", now=AFTER)
    with pytest.raises(WorkflowError, match="22/10/2026"):
        workflow.submit(sub, people["reporter"], now=at(23))


def test_an_assigned_reviewer_reviews_only_their_section(submitted, people, sections, round,
                                                          tree):
    other = make_user("reviewer2_p1", Role.REVIEWER, tree["P1"])
    ReviewerAssignment.objects.create(round=round, reviewer=people["reviewer"],
                                      section=sections[0])
    ReviewerAssignment.objects.create(round=round, reviewer=other, section=sections[1])
    with pytest.raises(WorkflowForbidden, match="Hạ tầng"):
        workflow.accept(submitted, people["reviewer"], sections=[sections[1]], now=BEFORE)
    sub = workflow.accept(submitted, people["reviewer"], now=BEFORE)  # only section 1
    assert sub.state == S.SUBMITTED
    with pytest.raises(WorkflowError, match="Không còn phần nào"):
        workflow.accept(sub, people["reviewer"], now=BEFORE)
    sub = workflow.accept(sub, other, now=BEFORE)
    assert sub.state == S.ACCEPTED


def test_an_unassigned_reviewer_is_refused_once_the_round_has_assignments(submitted, people,
                                                                          round, tree):
    other = make_user("reviewer2_p1", Role.REVIEWER, tree["P1"])
    ReviewerAssignment.objects.create(round=round, reviewer=other, section=None)
    with pytest.raises(WorkflowForbidden, match="không được phân công"):
        workflow.accept(submitted, people["reviewer"], now=BEFORE)
