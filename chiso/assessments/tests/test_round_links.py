"""Links to a unit's form in a reporting round (the inbox, the round's page, dashboards)
lead an assessment round's unit to its self-assessment page (plain rounds' forms are
covered by chiso/rounds/tests)."""

from __future__ import annotations

from django.urls import reverse

from .test_entry_support import *  # noqa: F403  (the fixtures)
from .test_entry_support import sub_of


def test_the_round_form_of_an_assessment_sends_the_unit_to_its_self_assessment(
        live, people, client):
    sub = sub_of(live, "C1")
    client.force_login(people["reporter"])
    response = client.get(reverse("submission_form", args=[sub.round_id, "C1"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:selfassess_form", args=[live.pk, "C1"])

