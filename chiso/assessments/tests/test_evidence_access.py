"""Who may fetch a unit's entries and evidence by id, before publication.

The evidence of C1's components 1.1 (main index NT, assigned to the reviewer) and 2.1 (HA,
not assigned) is fetched at the one evidence address (/minh-chung/<id>/tai-ve/, served
first by assessments) and the entries through the explanation page, by: C1's reporter,
another commune's reporter, the assigned appraiser, an appraiser with no assignment, the
secretariat (admin of P1) and the leader of P1. `view` on the unit is not enough: the
reviewer role reaches every unit of the province."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments import selfassess
from chiso.metrics.models import Evidence

from .test_entry_support import *  # noqa: F403  (the fixtures)
from .test_entry_support import PDF, fill_all, sub_of

# who -> may read (1.1 assigned, 2.1 not assigned) once C1 has sent its self-assessment
SENT = {
    "reporter": (200, 200), "reporter_c2": (403, 403), "reviewer": (200, 403),
    "reviewer_free": (403, 403), "admin": (200, 200), "leader": (200, 200),
}
# ... and while C1's self-assessment is still a draft: appraisers see nothing yet
DRAFT = {**SENT, "reviewer": (403, 403)}


@pytest.fixture
def users(people, others, appraiser):
    return {**people, **others}


@pytest.fixture
def files(live, users, nodes, settings, tmp_path):
    """C1's answers, with a PDF on 1.1 and on 2.1 (still a draft)."""
    settings.MEDIA_ROOT = tmp_path
    fill_all(live, "C1", users["reporter"])
    sub = sub_of(live, "C1")
    return {code: selfassess.add_evidence(
        live, sub, nodes[code], users["reporter"],
        upload=SimpleUploadedFile(f"bb-{code}.pdf", PDF, "application/pdf")).pk
        for code in ("1.1", "2.1")}


def get(client, user, url) -> int:
    client.force_login(user)
    return client.get(url).status_code


def send(live, users):
    selfassess.send(live, sub_of(live, "C1"), users["reporter"])


@pytest.mark.parametrize("sent", [False, True], ids=["draft", "sent"])
@pytest.mark.parametrize("who", sorted(SENT))
def test_evidence_by_id(client, live, users, files, who, sent):
    if sent:
        send(live, users)
    expected = (SENT if sent else DRAFT)[who]
    got = tuple(get(client, users[who], reverse("evidence_download", args=[files[c]]))
                for c in ("1.1", "2.1"))
    assert got == expected


@pytest.mark.parametrize("sent", [False, True], ids=["draft", "sent"])
@pytest.mark.parametrize("who", sorted(SENT))
def test_entry_explanation(client, live, users, files, who, sent):
    if sent:
        send(live, users)
    expected = (SENT if sent else DRAFT)[who]
    got = tuple(get(client, users[who],
                    reverse("assessments:explain", args=[live.pk, "C1", c]))
                for c in ("1.1", "2.1"))
    assert got == expected


@pytest.mark.parametrize("who, expected", [
    ("reporter", 200), ("reporter_c2", 403), ("reviewer", 403), ("reviewer_free", 403),
    ("admin", 200), ("leader", 200),
])
def test_whole_unit_details(client, live, users, files, who, expected):
    """A main index's explanation and the gap to the top read every component."""
    send(live, users)
    for url in (reverse("assessments:explain", args=[live.pk, "C1", "HA"]),
                reverse("assessments:gap", args=[live.pk, "C1"])):
        assert get(client, users[who], url) == expected, url


def test_the_assigned_appraiser_sees_no_other_components_on_the_score_card(
        client, live, users, files):
    send(live, users)
    client.force_login(users["reviewer"])
    response = client.get(reverse("assessments:scorecard", args=[live.pk, "C1"]))
    if response.status_code == 200:
        html = response.content.decode()
        assert reverse("assessments:explain", args=[live.pk, "C1", "2.1"]) not in html


@pytest.mark.parametrize("who, expected", [
    ("reporter", 200), ("reporter_c2", 403), ("reviewer", 403), ("reviewer_free", 403),
    ("admin", 200), ("leader", 403),
])
def test_evidence_upload_by_unit_code(client, live, users, nodes, settings, tmp_path, who,
                                      expected):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("assessments:selfassess_evidence", args=[live.pk, "C1", nodes["2.1"].pk])
    client.force_login(users[who])
    code = client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF, "application/pdf")}
                       ).status_code
    assert code == expected
    assert Evidence.objects.filter(unit__code="C1").exists() == (expected == 200)


def test_other_evidence_is_left_to_the_metrics_view(client, live, users, settings, tmp_path):
    """Evidence owned by no entry: the metrics rule (view on the unit) still applies."""
    from chiso.metrics import evidence as evidence_service

    settings.MEDIA_ROOT = tmp_path
    ev = evidence_service.attach_file(SimpleUploadedFile("qd.pdf", PDF, "application/pdf"),
                                      user=users["reporter"], unit=live.round.submissions
                                      .get(unit__code="C1").unit)
    url = reverse("evidence_download", args=[ev.pk])
    assert get(client, users["reviewer"], url) == 200
    assert get(client, users["reporter_c2"], url) == 403
    client.logout()
    assert client.get(url).status_code == 302
