"""The permission matrix of every rounds view: each role × own unit / other unit."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.conftest import make_user
from chiso.metrics.models import DataValue
from chiso.orgs.models import Role
from chiso.rounds import entry
from chiso.rounds.models import ReviewerAssignment, RoundItem

ROLES = ["admin", "leader", "reviewer", "head", "reporter"]


def form_url(round, code):
    return reverse("submission_form", args=[round.pk, code])


@pytest.mark.parametrize("role,own_ok,other_ok", [
    ("admin", True, True), ("leader", True, True), ("reviewer", True, True),
    ("head", True, False), ("reporter", True, False)])
def test_form_page_follows_the_matrix(client, people, round, role, own_ok, other_ok):
    client.force_login(people[role])
    assert client.get(form_url(round, "C1")).status_code == (200 if own_ok else 403)
    assert client.get(form_url(round, "C2")).status_code == (200 if other_ok else 403)


def test_a_reporter_of_commune_a_gets_403_on_commune_b(client, round, other_reporter):
    client.force_login(other_reporter)
    assert client.get(form_url(round, "C1")).status_code == 403
    assert client.get(form_url(round, "C2")).status_code == 200


def test_a_unit_outside_the_round_is_404_and_another_province_403(client, people, round, tree):
    client.force_login(people["admin"])
    assert client.get(form_url(round, "A1")).status_code == 404  # agency, not in the round
    assert client.get(form_url(round, "C3")).status_code == 403  # province P2


@pytest.mark.parametrize("role,allowed", [
    ("admin", True), ("reporter", True), ("leader", False), ("reviewer", False), ("head", False)])
def test_only_those_who_enter_data_save_fields(client, people, round, metrics, role, allowed):
    item = RoundItem.objects.get(round=round, metric=metrics["services"])
    client.force_login(people[role])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 10, 5, 3, 0,
                                                                    tzinfo=dt.UTC))
        response = client.post(reverse("save_field", args=[round.pk, "C1", item.pk]),
                               {"value": "12", "version": "0"})
    assert response.status_code == (200 if allowed else 403)
    assert DataValue.objects.filter(metric=metrics["services"]).exists() == allowed


def test_another_communes_reporter_cannot_save_into_mine(client, round, metrics,
                                                         other_reporter):
    item = RoundItem.objects.get(round=round, metric=metrics["services"])
    client.force_login(other_reporter)
    response = client.post(reverse("save_field", args=[round.pk, "C1", item.pk]),
                           {"value": "12", "version": "0"})
    assert response.status_code == 403


@pytest.mark.parametrize("role,allowed", [
    ("admin", True), ("leader", True), ("reviewer", True), ("head", False), ("reporter", False)])
def test_round_page_is_for_the_province(client, people, round, role, allowed):
    client.force_login(people[role])
    assert client.get(reverse("round_detail", args=[round.pk])).status_code == (
        200 if allowed else 403)


@pytest.mark.parametrize("role", ROLES)
def test_round_management_is_for_the_secretariat(client, people, round, role):
    client.force_login(people[role])
    expected = 200 if role == "admin" else 403
    assert client.get(reverse("round_list")).status_code == expected
    assert client.get(reverse("round_create")).status_code == expected
    assert client.get(reverse("reopen", args=[round.pk, "C1"])).status_code == expected
    response = client.post(reverse("round_remind", args=[round.pk]))
    assert response.status_code == (302 if role == "admin" else 403)
    response = client.post(reverse("round_assign", args=[round.pk]), {})
    assert response.status_code == (302 if role == "admin" else 403)


def test_the_secretariat_of_another_province_cannot_manage_the_round(client, round, tree):
    other = make_user("admin_p2", Role.ADMIN, tree["P2"])
    client.force_login(other)
    assert client.get(reverse("round_detail", args=[round.pk])).status_code == 403
    assert client.get(reverse("reopen", args=[round.pk, "C1"])).status_code == 403
    assert client.post(reverse("round_remind", args=[round.pk])).status_code == 403


@pytest.mark.parametrize("role", ["leader", "reviewer", "head"])
def test_transitions_by_the_wrong_role_are_403(client, people, filled, role):
    client.force_login(people[role])
    url = reverse("transition", args=[filled.round_id, "C1", "gui"])
    assert client.post(url).status_code == 403


def test_unknown_transition_is_404(client, people, filled):
    client.force_login(people["reporter"])
    assert client.post(reverse("transition", args=[filled.round_id, "C1", "xoa"])).status_code == 404


def test_a_reviewer_sees_only_assigned_sections(client, people, round, sections, tree):
    other = make_user("reviewer2_p1", Role.REVIEWER, tree["P1"])
    ReviewerAssignment.objects.create(round=round, reviewer=people["reviewer"],
                                      section=sections[1])
    ReviewerAssignment.objects.create(round=round, reviewer=other, section=sections[0])
    client.force_login(people["reviewer"])
    html = client.get(form_url(round, "C1")).content.decode()
    assert "Hạ tầng" in html and "Dịch vụ công" not in html
    # A reviewer with no assignment in a round that has them sees nothing.
    client.force_login(make_user("reviewer3_p1", Role.REVIEWER, tree["P1"]))
    assert client.get(form_url(round, "C1")).status_code == 403
    # The secretariat and the unit see the whole form.
    for role in ("admin", "reporter"):
        client.force_login(people[role])
        html = client.get(form_url(round, "C1")).content.decode()
        assert "Hạ tầng" in html and "Dịch vụ công" in html


def test_evidence_is_served_only_to_those_who_see_the_unit(client, people, filled, metrics,
                                                           other_reporter, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    value = DataValue.objects.get(metric=metrics["services"], unit=filled.unit)
    ev = entry.add_evidence(value, SimpleUploadedFile("qd.pdf", b"%PDF-1.4 x",
                                                      content_type="application/pdf"),
                            people["reporter"])
    url = reverse("evidence_download", args=[ev.pk])
    client.force_login(people["reporter"])
    assert client.get(url).status_code == 200
    client.force_login(other_reporter)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name,args", [("inbox", []), ("round_list", []), ("round_create", [])])
def test_anonymous_users_go_to_login(client, round, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_users_cannot_open_a_form(client, round):
    response = client.get(form_url(round, "C1"))
    assert response.status_code == 302
