"""Every dashboard view × role: who may open what, and that a unit's page shows only it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LEADER_OK = {"admin", "leader", "reviewer"}
ROLES = ["admin", "leader", "reviewer", "head", "reporter"]


def client_for(client, people, role):
    client.force_login(people[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/tong-quan/", "/tong-quan/o/completeness/",
                                 "/tong-quan/o/metric_heatmap/?nam=2025"])
def test_leader_views_by_role(client, people, values, rounds, role, url):
    response = client_for(client, people, role).get(url)
    assert response.status_code == (200 if role in LEADER_OK else 403)


def test_leader_views_send_anonymous_visitors_to_the_login_page(client, tree):
    for url in ["/tong-quan/", "/tong-quan/o/overdue/", "/don-vi/C1/bang-dieu-khien/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_a_leader_may_not_open_another_provinces_overview(client, people, tree):
    response = client_for(client, people, "leader").get("/tong-quan/?don_vi=P2")
    assert response.status_code == 403
    assert client.get("/tong-quan/?don_vi=C1").status_code == 200  # below P1: allowed


def test_the_overview_is_the_leaders_own_province(client, people, values, rounds):
    response = client_for(client, people, "leader").get("/tong-quan/")
    assert response.context["unit"].code == "P1"
    body = response.content.decode()
    assert "Kỳ đã hết hạn" in body and "Phường Hai" in body


def test_an_unknown_panel_is_not_found(client, people, tree):
    assert client_for(client, people, "leader").get("/tong-quan/o/nope/").status_code == 404
    assert client.get("/don-vi/C1/bang-dieu-khien/o/nope/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("code,allowed", [("C1", set(ROLES)), ("C2", LEADER_OK),
                                          ("P2", set())])
def test_unit_dashboard_by_role_and_unit(client, people, values, rounds, role, code, allowed):
    c = client_for(client, people, role)
    for url in [f"/don-vi/{code}/bang-dieu-khien/",
                f"/don-vi/{code}/bang-dieu-khien/o/unit_inbox/",
                f"/don-vi/{code}/bang-dieu-khien/o/unit_metrics/?nam=2025"]:
        assert c.get(url).status_code == (200 if role in allowed else 403), url


def test_a_unit_dashboard_names_no_other_unit(client, people, values, rounds, tree):
    body = client_for(client, people, "reporter").get(
        "/don-vi/C1/bang-dieu-khien/?nam=2025").content.decode()
    assert "Xã Một" in body
    for other in ("Phường Hai", "Sở Y tế", "Xã Ba", "Tỉnh Hai"):
        assert other not in body
    assert "Kỳ đang mở" in body  # its inbox


def test_superuser_gets_the_national_overview(client, tree):
    admin = get_user_model().objects.create_superuser("root", "r@example.org", "mat-khau-12345")
    client.force_login(admin)
    response = client.get("/tong-quan/")
    assert response.status_code == 200 and response.context["unit"].code == "VN"


def test_the_menu_offers_the_overview_to_leaders_only(client, people, tree):
    body = client_for(client, people, "leader").get("/").content.decode()
    assert 'data-nav="dashboard"' in body
    client.logout()
    body = client_for(client, people, "reporter").get("/").content.decode()
    assert 'data-nav="dashboard"' not in body


def test_the_unit_page_links_to_its_dashboard(client, people, tree):
    body = client_for(client, people, "reporter").get("/don-vi/C1/").content.decode()
    assert "/don-vi/C1/bang-dieu-khien/" in body
