"""The permission matrix: each role × its own unit / a unit below / another unit × each
view, through the real URLs (so a view that forgets the check fails here)."""

import pytest
from django.urls import reverse

from chiso.conftest import make_user
from chiso.orgs import permissions
from chiso.orgs.models import Role

# role -> (may open own unit's page, may open a unit below it, may open an unrelated unit)
# Province-level roles sit at P1; commune-level roles at C1. "below" for P1 is C1 and for
# C1 there is nothing below, so the sibling C2 stands in (which they must not see).
DETAIL_MATRIX = {
    "admin": ("P1", "C1", "C3", True, True, False),
    "leader": ("P1", "C1", "C3", True, True, False),
    "reviewer": ("P1", "C1", "C3", True, True, False),
    "head": ("C1", "C2", "C3", True, False, False),
    "reporter": ("C1", "C2", "C3", True, False, False),
}


@pytest.mark.parametrize("role", list(DETAIL_MATRIX))
def test_unit_page_follows_the_matrix(client, people, role):
    own, below, other, ok_own, ok_below, ok_other = DETAIL_MATRIX[role]
    client.force_login(people[role])
    for code, allowed in ((own, ok_own), (below, ok_below), (other, ok_other)):
        response = client.get(reverse("unit_detail", args=[code]))
        assert response.status_code == (200 if allowed else 403), (role, code)


@pytest.mark.parametrize("role", list(DETAIL_MATRIX))
def test_unit_list_shows_only_units_in_scope(client, people, role):
    own, below, other, _, ok_below, _ = DETAIL_MATRIX[role]
    client.force_login(people[role])
    html = client.get(reverse("unit_list")).content.decode()
    names = {"P1": "Tỉnh Một", "C1": "Xã Một", "C2": "Phường Hai", "C3": "Xã Ba"}
    assert names[own] in html
    assert (names[below] in html) == ok_below
    assert names[other] not in html


@pytest.mark.parametrize("role,sees_members", [
    ("admin", True), ("leader", False), ("reviewer", False), ("head", True), ("reporter", False)])
def test_only_admins_and_heads_see_the_member_list(client, people, role, sees_members):
    client.force_login(people[role])
    own = DETAIL_MATRIX[role][0]
    html = client.get(reverse("unit_detail", args=[own])).content.decode()
    assert ('id="members"' in html) == sees_members


@pytest.mark.parametrize("name,args", [
    ("home", []), ("unit_list", []), ("unit_detail", ["C1"]), ("password_change", [])])
def test_anonymous_users_are_sent_to_login(client, tree, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_unit_is_404(client, people):
    client.force_login(people["admin"])
    assert client.get(reverse("unit_detail", args=["KHONG-CO"])).status_code == 404


def test_the_admin_site_is_for_superusers_only(client, people, tree):
    client.force_login(people["admin"])  # secretariat role, not a superuser
    assert client.get("/quan-tri/").status_code == 302
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get("/quan-tri/").status_code == 200
    assert client.get(reverse("unit_detail", args=["C3"])).status_code == 200


def test_a_user_without_membership_sees_no_unit(client, tree):
    user = make_user("nobody")
    client.force_login(user)
    assert client.get(reverse("unit_detail", args=["C1"])).status_code == 403
    assert "Xã Một" not in client.get(reverse("unit_list")).content.decode()


@pytest.mark.parametrize("action,role,unit,expected", [
    ("edit_data", "reporter", "C1", True),
    ("edit_data", "reporter", "C2", False),
    ("edit_data", "head", "C1", False),
    ("edit_data", "leader", "C1", False),
    ("edit_data", "admin", "C1", True),
    ("approve", "head", "C1", True),
    ("approve", "reporter", "C1", False),
    ("review", "reviewer", "C2", True),
    ("review", "reviewer", "C3", False),
    ("review", "reporter", "C1", False),
    ("manage", "admin", "A1", True),
    ("manage", "admin", "P2", False),
    ("manage", "leader", "C1", False),
])
def test_actions_follow_roles_and_scope(people, tree, action, role, unit, expected):
    assert permissions.can(people[role], action, tree[unit]) is expected


def test_units_for_matches_can_for_every_unit(people, tree):
    for user in people.values():
        for action in permissions.ACTIONS:
            listed = set(permissions.units_for(user, action).values_list("code", flat=True))
            expected = {code for code, unit in tree.items() if permissions.can(user, action, unit)}
            assert listed == expected, (user.username, action)


def test_inactive_users_can_do_nothing(people, tree):
    user = people["admin"]
    user.is_active = False
    assert not permissions.can(user, "view", tree["P1"])


def test_switching_membership_only_accepts_ones_own(client, people, tree):
    reporter = people["reporter"]
    other = make_user("reporter_c3", Role.REPORTER, tree["C3"])
    client.force_login(reporter)
    foreign = other.memberships.get().pk
    client.post(reverse("switch_membership"), {"membership": foreign, "next": "/"})
    assert client.session.get("chiso_current_membership") != foreign
    own = reporter.memberships.get().pk
    client.post(reverse("switch_membership"), {"membership": own, "next": "https://evil.example/"})
    assert client.session.get("chiso_current_membership") == own


@pytest.mark.parametrize("role", list(DETAIL_MATRIX))
def test_a_units_page_links_to_its_figures_for_those_who_may_see_them(client, people, role):
    own = DETAIL_MATRIX[role][0]
    client.force_login(people[role])
    html = client.get(reverse("unit_detail", args=[own])).content.decode()
    assert f'href="{reverse("unit_values", args=[own])}"' in html
