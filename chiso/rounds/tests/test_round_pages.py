"""The secretariat's pages: create a round, assign reviewers, re-open one unit."""

import datetime as dt

from django.urls import reverse

from chiso.rounds.models import ReportingRound, ReviewerAssignment

from .conftest import AFTER

SPEC = "# Dịch vụ công\nDVC\nhs_tt\n# Hạ tầng\nCONG_TT\nCB_CDS?\n"


def create(client, **extra):
    data = {"name": "Báo cáo quý IV/2026", "owner": "", "period": "2026Q4",
            "opens_on": "01/12/2026", "deadline": "15/12/2026",
            "target_kinds": ["commune", "ward"], "form_spec": SPEC, **extra}
    return client.post(reverse("round_create"), data)


def test_the_secretariat_creates_a_round(client, people, tree, metrics):
    client.force_login(people["admin"])
    page = client.get(reverse("round_create")).content.decode()
    assert "DVC" in page  # the form starts from the catalogue
    response = create(client, owner=tree["P1"].pk, requires_head_approval="on")
    rnd = ReportingRound.objects.get()
    assert response["Location"] == reverse("round_detail", args=[rnd.pk])
    assert (rnd.period.code, rnd.opens_on, rnd.deadline, rnd.requires_head_approval) == (
        "2026Q4", dt.date(2026, 12, 1), dt.date(2026, 12, 15), True)
    assert [s.title for s in rnd.sections.all()] == ["Dịch vụ công", "Hạ tầng"]
    assert [(i.metric.code, i.required) for i in rnd.items.all()] == [
        ("DVC", True), ("HS_TT", True), ("CONG_TT", True), ("CB_CDS", False)]
    assert sorted(s.unit.code for s in rnd.submissions.all()) == ["C1", "C2"]
    assert rnd.created_by == people["admin"]


def test_bad_input_is_named_by_line(client, people, tree, metrics):
    client.force_login(people["admin"])
    html = create(client, owner=tree["P1"].pk, form_spec="# A\nDVC\nKHONG_CO\nDVC\n",
                  deadline="30/11/2026", period="2026Q5").content.decode()
    assert "Dòng 3: không có chỉ tiêu mã “KHONG_CO”" in html
    assert "Dòng 4: chỉ tiêu DVC đã có trong biểu mẫu" in html
    assert "Hạn nộp phải sau ngày mở" in html
    assert "Mã kỳ “2026Q5” không hợp lệ" in html
    assert not ReportingRound.objects.exists()


def test_a_round_cannot_be_owned_by_a_unit_one_does_not_manage(client, people, tree, metrics):
    client.force_login(people["admin"])
    html = create(client, owner=tree["P2"].pk).content.decode()
    assert not ReportingRound.objects.exists() and "errorlist" in html


def test_assigning_a_reviewer_to_a_section(client, people, round, sections):
    client.force_login(people["admin"])
    page = client.get(reverse("round_detail", args=[round.pk])).content.decode()
    assert "reviewer_p1" in page
    client.post(reverse("round_assign", args=[round.pk]),
                {"reviewer": people["reviewer"].pk, "section": sections[1].pk})
    assert ReviewerAssignment.objects.get().section == sections[1]
    # A reporter cannot be made a reviewer.
    response = client.post(reverse("round_assign", args=[round.pk]),
                           {"reviewer": people["reporter"].pk}, follow=True)
    assert "Chưa phân công được" in response.content.decode()


def test_reopening_one_unit_from_its_page(client, people, filled, clock):
    clock.now = AFTER
    client.force_login(people["admin"])
    url = reverse("reopen", args=[filled.round_id, "C1"])
    html = client.post(url, {"new_deadline": "19/10/2026", "reason": "x"}).content.decode()
    assert "từ hôm nay trở đi" in html
    response = client.post(url, {"new_deadline": "27/10/2026", "reason": "Mất điện kéo dài"})
    assert response.status_code == 302
    filled.refresh_from_db()
    assert filled.deadline == dt.date(2026, 10, 27)
    assert "Mất điện kéo dài" in filled.events.get().reason
