"""The menu leads everybody who works for a unit to their to-do list; only those who may
manage a unit (the secretariat) see the way to create a plan."""

import pytest
from django.urls import reverse

from chiso.conftest import make_user


def nav_keys(response) -> list[str]:
    return [item["key"] for item in response.context["nav_items"]]


@pytest.mark.parametrize("role", ["admin", "leader", "reviewer", "head", "reporter"])
def test_everybody_with_a_unit_has_the_to_do_list_in_the_menu(client, people, role):
    client.force_login(people[role])
    response = client.get(reverse("plan_list"))
    assert "plans_inbox" in nav_keys(response)
    link = f'href="{reverse("plans_inbox")}" data-nav="plans_inbox"'
    assert link in response.content.decode()


def test_a_user_without_a_unit_has_no_to_do_list(client, db):
    client.force_login(make_user("khach"))
    assert "plans_inbox" not in nav_keys(client.get(reverse("plan_list")))


def test_only_who_may_manage_a_unit_sees_create_a_plan(client, people):
    create = f'href="{reverse("plans_create")}"'
    for role, visible in (("admin", True), ("leader", False), ("reviewer", False),
                          ("head", False), ("reporter", False)):
        client.force_login(people[role])
        response = client.get(reverse("plan_list"))
        assert response.context["can_create"] is visible, role
        assert (create in response.content.decode()) is visible, role
