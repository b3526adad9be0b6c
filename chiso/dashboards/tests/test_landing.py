"""After signing in, leaders, the secretariat and reviewers land on the dashboard;
reporters and heads on their workspace; a `next` page asked for still wins."""

from __future__ import annotations

import pytest
from django.urls import reverse

PASSWORD = "mat-khau-thu-nghiem"  # chiso/conftest.py make_user


@pytest.mark.parametrize("role, page", [
    ("leader", "dashboard"), ("admin", "dashboard"), ("reviewer", "dashboard"),
    ("head", "home"), ("reporter", "home"),
])
def test_sign_in_lands_on_the_page_for_the_role(client, people, role, page):
    response = client.post(reverse("login"), {"username": people[role].username,
                                              "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(page)
    assert response.status_code == 200


def test_a_page_asked_for_before_sign_in_wins(client, people):
    response = client.post(reverse("login") + "?next=" + reverse("unit_list"),
                           {"username": people["leader"].username, "password": PASSWORD})
    assert response["Location"] == reverse("unit_list")
