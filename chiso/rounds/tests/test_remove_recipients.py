"""The secretariat takes a unit off a round's recipients (workflow.remove_recipient): the
obligation goes, the data and the record of what happened stay.

The `round` fixture reaches C1 and C2 through a target by kind (every commune and ward of
P1), the hard case: the kind still covers the removed unit.
"""

from __future__ import annotations

import pytest

from chiso.conftest import make_user
from chiso.metrics.models import DataValue, DataValueChange
from chiso.orgs.models import Role
from chiso.rounds import inbox, reminders, workflow
from chiso.rounds.models import RoundExclusion, Submission, SubmissionEvent

from .conftest import BEFORE, at

S = Submission.State


def remove(round, unit, user, reason="Gửi nhầm đơn vị"):
    return workflow.remove_recipient(round, unit, user, reason, now=BEFORE)


def snapshot(unit):
    """Every value of the unit with its figures and state, and how many changes."""
    return (sorted(DataValue.objects.filter(unit=unit).values_list(
        "metric__code", "value", "numerator", "denominator", "state", "updated_at")),
        DataValueChange.objects.filter(data_value__unit=unit).count())


# --- what may be removed ---------------------------------------------------------------
def test_the_secretariat_takes_a_draft_unit_off_with_a_reason(round, sub, people, tree):
    exclusion = remove(round, tree["C1"], people["admin"], "  Xã đã sáp nhập  ")
    assert not round.submissions.filter(unit=tree["C1"]).exists()
    assert list(round.resolve_units()) == [tree["C2"]]
    assert (exclusion.reason, exclusion.state_at_removal, exclusion.removed_by) == (
        "Xã đã sáp nhập", S.DRAFT, people["admin"])
    assert exclusion.is_active and exclusion.removed_at == BEFORE


def test_a_reason_is_required(round, sub, people, tree):
    with pytest.raises(workflow.WorkflowError, match="Cần ghi lý do bỏ “Xã Một”"):
        remove(round, tree["C1"], people["admin"], "   ")
    assert round.submissions.filter(unit=tree["C1"]).exists()
    assert not RoundExclusion.objects.exists()


def test_a_form_waiting_for_the_unit_head_can_be_removed(round, filled, people, tree):
    round.requires_head_approval = True
    round.save()
    workflow.request_approval(filled, people["reporter"], now=BEFORE)
    assert remove(round, tree["C1"], people["admin"]).state_at_removal == S.PENDING_APPROVAL


def test_a_returned_form_can_be_removed_and_its_record_is_kept(round, submitted, people,
                                                                tree, sections):
    workflow.accept(submitted, people["reviewer"], sections=[sections[1]], now=at(11))
    workflow.return_(submitted, people["reviewer"], "Thiếu hồ sơ gốc", sections=[sections[0]],
                     now=at(11))
    exclusion = remove(round, tree["C1"], people["admin"])
    assert exclusion.state_at_removal == S.RETURNED
    history = exclusion.history
    assert [e["action"] for e in history["events"]] == ["submit", "accept", "return"]
    assert history["events"][2]["reason"] == "Thiếu hồ sơ gốc"
    assert history["events"][2]["sections"] == ["Dịch vụ công"]
    assert "reviewer_p1" in history["events"][2]["by"]
    assert {(r["section"], r["verdict"]) for r in history["reviews"]} == {
        ("Dịch vụ công", "returned"), ("Hạ tầng", "accepted")}
    assert history["first_submitted_at"] == BEFORE.isoformat()
    # The rows went with the submission; only the copy in the exclusion remains.
    assert not SubmissionEvent.objects.filter(submission__unit=tree["C1"]).exists()


@pytest.mark.parametrize("state", [S.SUBMITTED, S.ACCEPTED, S.LOCKED])
def test_a_unit_that_has_sent_its_form_cannot_be_removed(round, submitted, people, tree,
                                                         state):
    if state in (S.ACCEPTED, S.LOCKED):
        workflow.accept(submitted, people["reviewer"], now=at(11))
    if state == S.LOCKED:
        workflow.lock(submitted, people["admin"], now=at(12))
    with pytest.raises(workflow.WorkflowError) as err:
        remove(round, tree["C1"], people["admin"])
    label = str(S(state).label)
    assert f"Không thể bỏ “Xã Một” khỏi kỳ báo cáo: biểu mẫu đang ở trạng thái “{label}”" in (
        err.value.message)
    assert not isinstance(err.value, workflow.WorkflowForbidden)  # refused, not forbidden
    assert round.submissions.get(unit=tree["C1"]).state == state
    assert not RoundExclusion.objects.exists()


def test_a_unit_that_is_not_a_recipient_is_refused_by_name(round, people, tree):
    with pytest.raises(workflow.WorkflowError, match="Không có trong danh sách đơn vị nhận kỳ báo cáo này: “Sở Y tế”"):
        remove(round, tree["A1"], people["admin"])


# --- who may remove ----------------------------------------------------------------------
@pytest.mark.parametrize("who", ["reviewer", "leader", "head", "reporter", "admin_p2"])
def test_only_the_rounds_secretariat_may_remove_a_unit(round, sub, people, tree, who):
    user = (make_user("admin_p2", Role.ADMIN, tree["P2"]) if who == "admin_p2"
            else people[who])
    with pytest.raises(workflow.WorkflowForbidden):
        remove(round, tree["C1"], user)
    assert round.submissions.filter(unit=tree["C1"]).exists()


def test_only_the_rounds_secretariat_may_add_a_unit_back(round, sub, people, tree):
    remove(round, tree["C1"], people["admin"])
    for user in (people["reviewer"], people["reporter"], make_user("a2", Role.ADMIN, tree["P2"])):
        with pytest.raises(workflow.WorkflowForbidden):
            workflow.restore_recipient(round, tree["C1"], user, now=at(12))
    assert not round.submissions.filter(unit=tree["C1"]).exists()


# --- what removal does and does not touch ------------------------------------------------
def test_the_units_values_are_untouched(round, filled, people, tree):
    before = snapshot(tree["C1"])
    assert before[0]  # three values entered
    remove(round, tree["C1"], people["admin"])
    assert snapshot(tree["C1"]) == before


def test_a_unit_reached_by_kind_stays_removed(round, sub, people, tree):
    remove(round, tree["C1"], people["admin"])
    assert workflow.sync_submissions(round) == 0
    # Editing the round, even adding its kinds again, does not bring the unit back.
    workflow.update_round(round, people["admin"], name=round.name, instructions="",
                          opens_on=round.opens_on, deadline=round.deadline,
                          requires_head_approval=False, form=spec(round),
                          add_kinds=["commune", "ward"])
    assert list(round.submissions.values_list("unit__code", flat=True)) == ["C2"]


def spec(round):
    return [(s.title, [(i.metric, i.required) for i in s.items.all()])
            for s in round.sections.all()]


def test_completeness_inbox_and_reminders_no_longer_count_the_unit(round, sub, people,
                                                                   tree):
    assert inbox.completeness(round).total == 2
    assert any(e.submission.round_id == round.pk for e in inbox.inbox_for(people["reporter"],
                                                                         BEFORE))
    remove(round, tree["C1"], people["admin"])
    counts = inbox.completeness(type(round).objects.get(pk=round.pk))
    assert (counts.total, counts.missing) == (1, 1)
    assert inbox.inbox_for(people["reporter"], BEFORE) == []
    sent = reminders.send_reminders(round, people["admin"], now=BEFORE)
    assert [r.unit.code for r in sent] == ["C2"]


# --- adding back ---------------------------------------------------------------------------
def test_adding_the_unit_back_gives_a_fresh_draft_with_its_values(round, submitted, people,
                                                                  tree, sections):
    workflow.return_(submitted, people["reviewer"], "Sai số liệu", now=at(11))
    remove(round, tree["C1"], people["admin"], "Nhầm kỳ")
    values = snapshot(tree["C1"])
    back = workflow.restore_recipient(round, tree["C1"], people["admin"], now=at(13))
    assert (back.state, back.first_submitted_at, back.deadline_override) == (S.DRAFT, None, None)
    assert workflow.values_of(back).count() == 3
    assert snapshot(tree["C1"]) == values
    event = back.events.get()
    assert event.action == SubmissionEvent.Action.RESTORE
    assert "Nhầm kỳ" in event.reason and "10/10/2026" in event.reason
    exclusion = RoundExclusion.objects.get()
    assert (exclusion.restored_at, exclusion.restored_by) == (at(13), people["admin"])
    assert not exclusion.is_active
    assert workflow.sync_submissions(round) == 0


def test_naming_the_unit_when_editing_the_round_adds_it_back(round, sub, people, tree):
    remove(round, tree["C1"], people["admin"])
    workflow.update_round(round, people["admin"], name=round.name, instructions="",
                          opens_on=round.opens_on, deadline=round.deadline,
                          requires_head_approval=False, form=spec(round),
                          add_units=[tree["C1"]])
    assert round.submissions.get(unit=tree["C1"]).state == S.DRAFT
    assert not RoundExclusion.objects.filter(restored_at__isnull=True).exists()


def test_a_unit_can_be_removed_again_after_being_added_back(round, sub, people, tree):
    remove(round, tree["C1"], people["admin"], "Lần một")
    workflow.restore_recipient(round, tree["C1"], people["admin"], now=at(12))
    again = workflow.remove_recipient(round, tree["C1"], people["admin"], "Lần hai", now=at(13))
    assert again.history["events"][0]["action"] == "restore"
    assert list(round.exclusions.values_list("reason", "restored_at")) == [
        ("Lần hai", None), ("Lần một", at(12))]


def test_adding_back_a_unit_that_was_not_removed_is_refused(round, sub, people, tree):
    with pytest.raises(workflow.WorkflowError, match="“Xã Một” không nằm trong danh sách"):
        workflow.restore_recipient(round, tree["C1"], people["admin"], now=at(12))


def test_a_unit_no_target_reaches_any_more_is_named_when_added_back(round, sub, people,
                                                                    tree):
    remove(round, tree["C1"], people["admin"])
    target = round.targets.get()
    target.kinds = ["ward"]
    target.save()
    workflow.restore_recipient(round, tree["C1"], people["admin"], now=at(12))
    assert round.targets.filter(unit=tree["C1"], kinds=[]).exists()
    assert set(round.resolve_units().values_list("code", flat=True)) == {"C1", "C2"}


# --- several at once, and guards of apps built on rounds ---------------------------------
def test_several_units_go_at_once_with_one_reason(round, sub, people, tree):
    done = workflow.remove_recipients(round, [tree["C2"], tree["C1"]], people["admin"],
                                      "Sáp nhập đơn vị hành chính", now=BEFORE)
    assert [x.unit.code for x in done] == ["C1", "C2"]
    assert not round.submissions.exists()
    assert workflow.sync_submissions(round) == 0


def test_one_refusal_and_no_unit_is_removed(round, submitted, people, tree):
    with pytest.raises(workflow.WorkflowError) as err:
        workflow.remove_recipients(round, [tree["C1"], tree["C2"]], people["admin"],
                                   "Sáp nhập", now=BEFORE)
    assert "“Xã Một”" in err.value.message and "Phường Hai" not in err.value.message
    assert round.submissions.count() == 2 and not RoundExclusion.objects.exists()


def test_an_app_built_on_rounds_can_refuse_a_removal(round, sub, people, tree, monkeypatch):
    seen = []

    def guard(rnd, subs):
        seen.append([s.unit.code for s in subs])
        return {s.pk: f"“{s.unit.name}” đã tự đánh giá." for s in subs if s.unit.code == "C2"}

    monkeypatch.setitem(workflow._REMOVAL_GUARDS, "test", guard)
    with pytest.raises(workflow.WorkflowError, match="“Phường Hai” đã tự đánh giá."):
        workflow.remove_recipients(round, [tree["C1"], tree["C2"]], people["admin"], "Nhầm",
                                   now=BEFORE)
    assert seen == [["C1", "C2"]]
    assert remove(round, tree["C1"], people["admin"]).unit == tree["C1"]


def test_removal_announces_itself_to_apps_built_on_rounds(round, sub, people, tree):
    heard = []

    def listener(sender, round, exclusions, **kwargs):
        heard.append((round.pk, [x.unit.code for x in exclusions]))

    workflow.recipients_removed.connect(listener)
    try:
        remove(round, tree["C1"], people["admin"])
    finally:
        workflow.recipients_removed.disconnect(listener)
    assert heard == [(round.pk, ["C1"])]


def test_dashboards_no_longer_show_the_unit_as_late_or_silent(round, sub, people, tree, clock):
    from chiso.dashboards import panels, unit_panels

    clock.now = at(20)  # five days past the deadline: both communes are overdue

    def shown():
        return ({r["unit"].code for r in panels.overdue_data(tree["P1"], None, None)["rows"]},
                {r["unit"].code for r in panels.silent_data(tree["P1"], None, None)["rows"]},
                len(unit_panels.unit_inbox_data(tree["C1"], None, None)["rows"]))

    assert shown() == ({"C1", "C2"}, {"C1", "C2"}, 1)
    remove(round, tree["C1"], people["admin"])
    assert shown() == ({"C2"}, {"C2"}, 0)
