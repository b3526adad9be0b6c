"""The secretariat manages memberships of the units it manages, and nobody else does."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chiso.orgs.models import Membership, Role


@pytest.mark.parametrize("role,status", [
    ("admin", 200), ("leader", 403), ("reviewer", 403), ("head", 403), ("reporter", 403)])
def test_only_the_secretariat_opens_the_member_page(client, people, role, status):
    client.force_login(people[role])
    assert client.get(reverse("members")).status_code == status


def test_admin_sees_members_of_its_subtree_only(client, people, tree):
    from chiso.conftest import make_user

    make_user("reporter_c3", Role.REPORTER, tree["C3"])
    client.force_login(people["admin"])
    html = client.get(reverse("members")).content.decode()
    assert "reporter_c1" in html and "reporter_c3" not in html


def test_admin_gives_a_role_and_creates_the_account(client, people, tree):
    client.force_login(people["admin"])
    response = client.post(reverse("members"), {
        "unit": tree["C2"].pk, "role": Role.REPORTER, "username": "moi.c2",
        "full_name": "Người Mới", "title": "Đầu mối"}, follow=True)
    assert response.status_code == 200
    user = get_user_model().objects.get(username="moi.c2")
    assert Membership.objects.filter(user=user, unit=tree["C2"], role=Role.REPORTER).exists()
    assert "mật khẩu tạm thời" in response.content.decode()


def test_admin_cannot_give_roles_outside_its_subtree(client, people, tree):
    client.force_login(people["admin"])
    response = client.post(reverse("members"), {
        "unit": tree["C3"].pk, "role": Role.REPORTER, "username": "reporter_c1"})
    assert response.status_code == 200  # the form comes back with an error on "unit"
    assert not Membership.objects.filter(unit=tree["C3"]).exists()
    assert "errorlist" in response.content.decode()


def test_a_new_account_needs_a_name(client, people, tree):
    client.force_login(people["admin"])
    html = client.post(reverse("members"), {
        "unit": tree["C2"].pk, "role": Role.REPORTER, "username": "khongten"}).content.decode()
    assert "hãy nhập họ và tên" in html
    assert not get_user_model().objects.filter(username="khongten").exists()


@pytest.mark.parametrize("role,allowed", [
    ("admin", True), ("leader", False), ("reviewer", False), ("head", False), ("reporter", False)])
def test_only_the_secretariat_revokes_roles(client, people, role, allowed):
    target = Membership.objects.get(user=people["reporter"])
    client.force_login(people[role])
    response = client.post(reverse("member_remove", args=[target.pk]))
    assert response.status_code == (302 if allowed else 403)
    assert Membership.objects.filter(pk=target.pk).exists() != allowed


def test_revoking_needs_post(client, people):
    target = Membership.objects.get(user=people["reporter"])
    client.force_login(people["admin"])
    assert client.get(reverse("member_remove", args=[target.pk])).status_code == 405


def test_secretariat_nav_has_the_member_page(client, people):
    client.force_login(people["admin"])
    assert 'data-nav="members"' in client.get(reverse("home")).content.decode()
    client.force_login(people["reporter"])
    assert 'data-nav="members"' not in client.get(reverse("home")).content.decode()
