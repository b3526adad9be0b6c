"""The secretariat edits a round after creation: anything before units send their forms;
afterwards only what keeps sent data meaningful (metrics added, never removed or moved)."""

import datetime as dt

import pytest
from django.urls import reverse

from chiso.rounds import workflow
from chiso.rounds.forms import form_spec_of

FORM = "# Dịch vụ công\nDVC\nHS_TT\n# Hạ tầng\nCONG_TT\nCB_CDS?"


def post(client, round, **changes):
    data = {"name": round.name, "opens_on": "01/10/2026", "deadline": "15/10/2026",
            "form_spec": FORM, "instructions": "", **changes}
    return client.post(reverse("round_edit", args=[round.pk]), data, follow=True)


def test_the_page_starts_from_the_round_as_it_is(client, people, round):
    client.force_login(people["admin"])
    page = client.get(reverse("round_edit", args=[round.pk])).content.decode()
    assert form_spec_of(round) == FORM
    assert "CB_CDS?" in page and round.name in page


def test_before_anything_is_sent_the_whole_form_can_change(client, people, round, tree):
    client.force_login(people["admin"])
    response = post(client, round, name="Quý III (sửa)", opens_on="02/10/2026",
                    deadline="20/10/2026", form_spec="# Một phần\nCONG_TT\nDVC",
                    extra_units=[tree["A1"].pk])
    assert "Đã lưu thay đổi" in response.content.decode()
    round.refresh_from_db()
    assert (round.name, round.opens_on, round.deadline) == (
        "Quý III (sửa)", dt.date(2026, 10, 2), dt.date(2026, 10, 20))
    assert form_spec_of(round) == "# Một phần\nCONG_TT\nDVC"
    assert round.submissions.filter(unit=tree["A1"]).exists()  # a recipient added


def test_after_a_unit_has_sent_metrics_can_be_added_only(client, people, submitted, round):
    client.force_login(people["admin"])
    removed = post(client, round, form_spec="# Dịch vụ công\nDVC\n# Hạ tầng\nCONG_TT\nCB_CDS?")
    assert "không được bỏ hoặc chuyển phần (HS_TT)" in removed.content.decode()
    assert form_spec_of(round) == FORM
    moved_date = post(client, round, opens_on="05/10/2026", deadline="25/10/2026")
    round.refresh_from_db()
    assert round.opens_on == dt.date(2026, 10, 1)  # the field is disabled: kept
    assert round.deadline == dt.date(2026, 10, 25)
    assert "Đã lưu thay đổi" in moved_date.content.decode()
    with pytest.raises(workflow.WorkflowError, match="không thể đổi ngày mở"):
        workflow.update_round(round, people["admin"], name=round.name, instructions="",
                              opens_on=dt.date(2026, 10, 5), deadline=round.deadline,
                              requires_head_approval=False, form=[])


def test_a_deadline_before_the_opening_is_refused(client, people, round):
    client.force_login(people["admin"])
    response = post(client, round, deadline="30/09/2026")
    assert "Hạn nộp phải sau ngày mở." in response.content.decode()
    round.refresh_from_db()
    assert round.deadline == dt.date(2026, 10, 15)


@pytest.mark.parametrize("role", ["leader", "reviewer", "head", "reporter"])
def test_only_the_secretariat_edits_a_round(client, people, round, role):
    client.force_login(people[role])
    assert client.get(reverse("round_edit", args=[round.pk])).status_code == 403
    assert post(client, round, name="x").status_code == 403
    round.refresh_from_db()
    assert round.name != "x"


def test_a_metric_added_after_sending_keeps_sent_forms_as_they_are(client, people, submitted,
                                                                    round):
    from chiso.metrics.models import DataValue, Metric

    Metric.objects.create(code="WIFI", name="Số điểm wifi công cộng", value_type="count",
                          rollup="sum")
    before = set(DataValue.objects.values_list("pk", "version", "state"))
    client.force_login(people["admin"])
    response = post(client, round, form_spec=FORM + "\nWIFI?\n# Mới\n")
    assert "Đã lưu thay đổi" in response.content.decode()
    assert form_spec_of(round) == FORM + "\nWIFI?"
    assert round.submissions.get(unit=submitted.unit).state == "submitted"
    assert set(DataValue.objects.values_list("pk", "version", "state")) == before
