import pytest
from django.urls import reverse

from chiso.conftest import make_user


@pytest.mark.parametrize("role", ["admin", "leader", "reviewer", "head", "reporter"])
def test_each_role_sees_its_home_in_vietnamese(client, people, role):
    client.force_login(people[role])
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="vi">' in html
    assert "Trang chủ" in html and 'data-nav="units"' in html
    assert f'data-role="{role}"' in html
    assert 'data-nav="admin"' not in html  # only superusers get the system admin link


def test_superuser_sees_the_system_admin_link(client, tree):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    assert 'data-nav="admin"' in client.get(reverse("home")).content.decode()


def test_the_language_switch_turns_pages_english(client, people):
    client.force_login(people["leader"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Units" in html


def test_login_page_is_vietnamese_and_logs_in(client, people):
    html = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in html and "Mật khẩu" in html
    response = client.post(reverse("login"), {"username": "leader_p1",
                                              "password": "mat-khau-thu-nghiem"})
    # The landing page then sends each role on (tested in dashboards/tests/test_landing.py).
    assert response.status_code == 302 and response["Location"] == reverse("landing")


def test_wrong_password_gets_a_vietnamese_message(client, people):
    html = client.post(reverse("login"), {"username": "leader_p1", "password": "sai"}).content.decode()
    assert "mật khẩu" in html.lower() and "errorlist" in html


def test_logout_requires_post_and_ends_the_session(client, people):
    client.force_login(people["leader"])
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change_works(client, people):
    client.force_login(people["reporter"])
    response = client.post(reverse("password_change"), {
        "old_password": "mat-khau-thu-nghiem", "new_password1": "Mot-mat-khau-moi-2026",
        "new_password2": "Mot-mat-khau-moi-2026"})
    assert response.status_code == 302
    people["reporter"].refresh_from_db()
    assert people["reporter"].check_password("Mot-mat-khau-moi-2026")


def test_healthz_answers(client, db):
    assert client.get("/healthz").content == b"ok"


@pytest.mark.parametrize("role,has_my_unit", [
    ("admin", False), ("leader", False), ("reviewer", False), ("head", True), ("reporter", True)])
def test_unit_level_roles_get_a_link_to_their_unit(client, people, role, has_my_unit):
    client.force_login(people[role])
    html = client.get(reverse("home")).content.decode()
    assert ('data-nav="my_unit"' in html) == has_my_unit
    if has_my_unit:
        assert reverse("unit_detail", args=["C1"]) in html


def test_only_the_most_specific_menu_entry_is_current(people):
    from chiso.orgs import navigation
    from chiso.orgs.permissions import roles

    user = people["reporter"]
    items = navigation.items_for(user, roles(user), "/ke-hoach/viec-can-lam/")
    assert [i["key"] for i in items if i["active"]] == ["plans_inbox"]
    items = navigation.items_for(user, roles(user), "/ke-hoach/3/")
    assert [i["key"] for i in items if i["active"]] == ["plans"]
