"""Who may open or change what, for every self-assessment and appraisal view.

Roles (chiso.conftest `people`, plus `others`): admin, leader, reviewer of province P1;
head and reporter of commune C1; reporter of ward C2; admin of the other province P2.
The reviewer is the appraiser assigned main index NT."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments import selfassess
from chiso.assessments.models import ComponentEntry
from chiso.metrics.models import Evidence

from .test_entry_support import *  # noqa: F403  (the fixtures)
from .test_entry_support import PDF, fill_all, post_of, sub_of


@pytest.fixture
def users(people, others, appraiser):
    return {**people, **others}


def status(client, user, method, url, data=None) -> int:
    client.force_login(user)
    return (client.get(url) if method == "get" else client.post(url, data or {})).status_code


@pytest.mark.parametrize("who, expected", [
    ("reporter", 200), ("head", 200), ("leader", 200), ("admin", 200),
    ("reviewer", 403),          # an appraiser: nothing before the unit sends it
    ("reporter_c2", 403),       # another commune never sees C1's self-assessment
    ("admin_p2", 403),          # another province
    ("reviewer_free", 403),     # a reviewer with no assignment
])
def test_who_opens_a_draft_self_assessment(client, live, users, who, expected):
    url = reverse("assessments:selfassess_form", args=[live.pk, "C1"])
    assert status(client, users[who], "get", url) == expected


@pytest.mark.parametrize("who, expected", [
    ("reporter", 200), ("admin", 200),
    ("head", 403), ("leader", 403), ("reviewer", 403), ("reporter_c2", 403),
    ("admin_p2", 403),
])
def test_who_writes_figures(client, live, users, nodes, who, expected):
    n = nodes["1.2"]
    url = reverse("assessments:selfassess_save", args=[live.pk, "C1", n.pk])
    assert status(client, users[who], "post", url, post_of(n, 1, value="4")) == expected
    declared = ComponentEntry.objects.filter(assessment=live, unit__code="C1", node=n,
                                             declared={"value": 4}).exists()
    assert declared == (expected == 200)


@pytest.mark.parametrize("who, expected", [
    ("reporter", 200), ("leader", 403), ("head", 403), ("reporter_c2", 403),
])
def test_who_attaches_evidence(client, live, users, nodes, who, expected):
    n = nodes["1.2"]
    url = reverse("assessments:selfassess_evidence", args=[live.pk, "C1", n.pk])
    code = status(client, users[who], "post", url,
                  {"file": SimpleUploadedFile("bb.pdf", PDF, "application/pdf")})
    assert code == expected
    assert Evidence.objects.filter(unit__code="C1").exists() == (expected == 200)


def test_another_commune_cannot_download_the_evidence(client, live, users, nodes):
    n = nodes["1.2"]
    client.force_login(users["reporter"])
    client.post(reverse("assessments:selfassess_evidence", args=[live.pk, "C1", n.pk]),
                {"file": SimpleUploadedFile("bb.pdf", PDF, "application/pdf")})
    ev = Evidence.objects.get(unit__code="C1")
    url = reverse("evidence_download", args=[ev.pk])
    assert status(client, users["reporter_c2"], "get", url) == 403
    assert status(client, users["reporter"], "get", url) == 200


@pytest.mark.parametrize("who", ["reporter_c2", "head", "leader", "admin_p2"])
def test_only_the_units_reporter_sends(client, live, users, who):
    fill_all(live, "C1", users["reporter"])
    url = reverse("assessments:selfassess_transition", args=[live.pk, "C1", "gui"])
    assert status(client, users[who], "post", url) == 403
    assert sub_of(live, "C1").state == "draft"
    client.force_login(users["reporter"])
    client.post(url)
    assert sub_of(live, "C1").state == "submitted"


@pytest.mark.parametrize("who, expected", [
    ("admin", 200), ("reporter", 403), ("head", 403), ("leader", 403), ("reviewer", 403),
    ("admin_p2", 403),
])
def test_who_reopens(client, live, users, who, expected):
    url = reverse("assessments:selfassess_reopen", args=[live.pk, "C1"])
    assert status(client, users[who], "get", url) == expected


@pytest.fixture
def sent(live, users):
    fill_all(live, "C1", users["reporter"])
    return selfassess.send(live, sub_of(live, "C1"), users["reporter"])


@pytest.mark.parametrize("who, expected", [
    ("reviewer", 200), ("admin", 200), ("reviewer_free", 403), ("leader", 403),
    ("reporter", 403), ("head", 403), ("admin_p2", 403),
])
def test_who_opens_the_appraisal_of_a_sent_self_assessment(client, live, users, sent, who,
                                                           expected):
    assert status(client, users[who], "get",
                  reverse("assessments:appraisal_unit", args=[live.pk, "C1"])) == expected


@pytest.mark.parametrize("who, expected", [
    ("reviewer", 200), ("admin", 200), ("reviewer_free", 403), ("reporter", 403),
    ("leader", 403),
])
def test_who_opens_the_appraisal_queue(client, live, users, sent, who, expected):
    assert status(client, users[who], "get",
                  reverse("assessments:appraisal_list", args=[live.pk])) == expected


@pytest.mark.parametrize("who, node, expected", [
    ("reviewer", "1.1", 200), ("admin", "2.1", 200),
    ("reviewer", "2.1", 403), ("reporter", "1.1", 403), ("leader", "1.1", 403),
    ("reviewer_free", "1.1", 403), ("admin_p2", "1.1", 403),
])
def test_who_appraises_a_component(client, live, users, nodes, sent, who, node, expected):
    url = reverse("assessments:appraisal_save", args=[live.pk, "C1", nodes[node].pk])
    assert status(client, users[who], "post", url,
                  {"points": "0", "reason": "Không có minh chứng"}) == expected
    appraised = ComponentEntry.objects.get(assessment=live, unit__code="C1",
                                           node=nodes[node]).appraised_points
    assert (appraised == 0) == (expected == 200)


def test_my_list_shows_only_my_units(client, live, users):
    client.force_login(users["reporter_c2"])
    html = client.get(reverse("assessments:my_assessments")).content.decode()
    assert "Phường Hai" in html and "Xã Một" not in html
