"""The recipients page, the removal confirmation and re-adding, through the web: who may
use them, what they show, and that they do what they say."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chiso.conftest import make_user
from chiso.orgs.models import Role
from chiso.rounds import workflow
from chiso.rounds.models import RoundExclusion

from .conftest import BEFORE


def page(client, round):
    return client.get(reverse("round_recipients", args=[round.pk])).content.decode()


def confirm_url(round, *codes):
    return reverse("round_recipients_remove", args=[round.pk]) + "?" + "&".join(
        f"don-vi={c}" for c in codes)


def post_removal(client, round, reason, *codes):
    return client.post(reverse("round_recipients_remove", args=[round.pk]),
                       {"don-vi": list(codes), "reason": reason}, follow=True)


# --- who may use the pages ---------------------------------------------------------------
def endpoints(round, tree):
    return [("get", reverse("round_recipients", args=[round.pk]), {}),
            ("get", confirm_url(round, "C1"), {}),
            ("post", reverse("round_recipients_remove", args=[round.pk]),
             {"don-vi": "C1", "reason": "Gửi nhầm"}),
            ("post", reverse("round_recipients_restore", args=[round.pk, "C2"]), {})]


@pytest.mark.parametrize("who", ["reviewer", "leader", "head", "reporter", "admin_p2"])
def test_only_the_secretariat_reaches_the_recipients_pages(client, round, sub, people, tree,
                                                           who):
    workflow.remove_recipient(round, tree["C2"], people["admin"], "Nhầm", now=BEFORE)
    user = make_user("admin_p2", Role.ADMIN, tree["P2"]) if who == "admin_p2" else people[who]
    client.force_login(user)
    for method, url, data in endpoints(round, tree):
        assert getattr(client, method)(url, data).status_code == 403, (who, url)
    assert round.submissions.filter(unit=tree["C1"]).exists()
    assert RoundExclusion.objects.get().is_active  # C2 still removed


def test_anonymous_visitors_are_sent_to_sign_in(client, round, sub, tree):
    for method, url, data in endpoints(round, tree):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]
    assert round.submissions.count() == 2


def test_the_secretariat_finds_the_page_from_the_round_and_its_edit_page(client, round,
                                                                         people):
    client.force_login(people["admin"])
    url = reverse("round_recipients", args=[round.pk])
    assert url in client.get(reverse("round_detail", args=[round.pk])).content.decode()
    edit = client.get(reverse("round_edit", args=[round.pk])).content.decode()
    assert url in edit and "Kỳ báo cáo đang gửi tới 2 đơn vị." in edit
    client.force_login(people["leader"])  # a reader of the round sees no such link
    assert url not in client.get(reverse("round_detail", args=[round.pk])).content.decode()


# --- what the pages show and do ------------------------------------------------------------
def test_each_unit_shows_whether_and_why_it_can_be_removed(client, round, submitted, people):
    client.force_login(people["admin"])
    html = page(client, round)
    c1 = html[html.index('id="recipient-C1"'):html.index('id="recipient-C2"')]
    c2 = html[html.index('id="recipient-C2"'):html.index("</tbody>")]
    assert 'data-removable="no"' in c1 and "Không thể bỏ “Xã Một”" in c1
    assert 'type="checkbox"' not in c1 and "remove-one" not in c1
    assert 'data-removable="yes"' in c2 and confirm_url(round, "C2") in c2.replace("&amp;", "&")
    assert '<td data-label="Số liệu đã nhập" class="num">3</td>' in c1  # values entered


def test_the_confirmation_asks_for_a_reason_and_removes_nothing_without_one(client, round,
                                                                             filled, people,
                                                                             tree):
    client.force_login(people["admin"])
    confirm = client.get(confirm_url(round, "C1")).content.decode()
    assert "Bỏ 1 đơn vị khỏi kỳ báo cáo" in confirm and 'name="reason"' in confirm
    assert "số liệu đơn vị đã nhập vẫn được giữ nguyên" in confirm
    response = post_removal(client, round, "  ", "C1")
    assert "Cần ghi lý do bỏ “Xã Một” khỏi kỳ báo cáo." in response.content.decode()
    assert round.submissions.filter(unit=tree["C1"]).exists()


def test_removing_and_adding_back_through_the_pages(client, round, filled, people, tree):
    client.force_login(people["admin"])
    done = post_removal(client, round, "Xã đã sáp nhập vào Phường Hai", "C1")
    html = done.content.decode()
    assert done.redirect_chain[-1][0] == reverse("round_recipients", args=[round.pk])
    assert "Đã bỏ 1 đơn vị khỏi kỳ báo cáo: Xã Một." in html
    assert 'id="recipient-C1"' not in html
    exclusions = html[html.index('id="exclusions"'):]
    assert "Xã đã sáp nhập vào Phường Hai" in exclusions and "khi bỏ: Đang nhập" in exclusions
    # The round's own page counts one unit now.
    detail = client.get(reverse("round_detail", args=[round.pk])).content.decode()
    assert '<strong id="k-missing">1</strong>' in detail and "Xã Một" not in detail
    back = client.post(reverse("round_recipients_restore", args=[round.pk, "C1"]), follow=True)
    html = back.content.decode()
    assert "Đã thêm lại Xã Một vào kỳ báo cáo" in html and 'id="recipient-C1"' in html
    assert "đã thêm lại" in html[html.index('id="exclusions"'):]


def test_several_units_chosen_at_once(client, round, sub, people):
    client.force_login(people["admin"])
    confirm = client.get(confirm_url(round, "C1", "C2")).content.decode()
    assert "Bỏ 2 đơn vị khỏi kỳ báo cáo" in confirm
    html = post_removal(client, round, "Gửi nhầm kỳ", "C1", "C2").content.decode()
    assert "Đã bỏ 2 đơn vị khỏi kỳ báo cáo: Xã Một, Phường Hai." in html
    assert not round.submissions.exists()


def test_a_refused_unit_is_named_on_the_confirmation_and_nothing_is_removed(client, round,
                                                                           submitted, people):
    client.force_login(people["admin"])
    confirm = client.get(confirm_url(round, "C1", "C2")).content.decode()
    assert "Không thể bỏ “Xã Một” khỏi kỳ báo cáo" in confirm
    assert 'id="remove-form"' not in confirm
    html = post_removal(client, round, "Gửi nhầm", "C1", "C2").content.decode()
    assert 'id="remove-error"' in html and round.submissions.count() == 2


def test_choosing_no_unit_leads_back_to_the_list(client, round, people):
    client.force_login(people["admin"])
    response = client.get(confirm_url(round, "C3"), follow=True)  # not a recipient
    assert "Chưa chọn đơn vị nào" in response.content.decode()


def test_the_admin_shows_removed_recipients_read_only(client, round, sub, people, tree):
    exclusion = workflow.remove_recipient(round, tree["C1"], people["admin"], "Nhầm",
                                          now=BEFORE)
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:rounds_roundexclusion_changelist")).status_code == 200
    change = client.get(reverse("admin:rounds_roundexclusion_change", args=[exclusion.pk]))
    assert change.status_code == 200 and "Nhầm" in change.content.decode()
    assert client.get(reverse("admin:rounds_roundexclusion_add")).status_code == 403
    assert client.get(reverse("admin:rounds_roundexclusion_delete",
                              args=[exclusion.pk])).status_code == 403


def test_the_removed_forms_log_is_shown_with_the_removal(client, round, submitted, people,
                                                         tree):
    workflow.return_(submitted, people["reviewer"], "Thiếu minh chứng", now=BEFORE)
    workflow.remove_recipient(round, tree["C1"], people["admin"], "Gửi nhầm", now=BEFORE)
    client.force_login(people["admin"])
    html = page(client, round)
    removed = html[html.index('id="exclusions"'):]
    assert "khi bỏ: Bị trả lại" in removed and "2 thao tác" in removed
    assert "– Gửi (reporter_c1)" in removed
    assert "– Trả lại (reviewer_p1): Thiếu minh chứng" in removed


def test_the_removed_units_form_is_gone_for_its_reporter(client, round, filled, people, tree):
    workflow.remove_recipient(round, tree["C1"], people["admin"], "Gửi nhầm", now=BEFORE)
    client.force_login(people["reporter"])
    assert client.get(reverse("submission_form", args=[round.pk, "C1"])).status_code == 404
    assert round.name not in client.get(reverse("inbox")).content.decode()
