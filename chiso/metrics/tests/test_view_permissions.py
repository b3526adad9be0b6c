"""The permission matrix for every metrics page: each role × own unit / unit below /
another unit, through the real URLs. A reporter of commune C1 gets 403 on C2's values,
history and evidence."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.conftest import make_user
from chiso.metrics import evidence, services
from chiso.metrics.models import State

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# role -> (own unit, a unit below or a sibling, an unrelated unit, may see each)
MATRIX = {
    "admin": ("P1", "C1", "C3", (True, True, False)),
    "leader": ("P1", "C1", "C3", (True, True, False)),
    "reviewer": ("P1", "C1", "C3", (True, True, False)),
    "head": ("C1", "C2", "C3", (True, False, False)),
    "reporter": ("C1", "C2", "C3", (True, False, False)),
}


@pytest.fixture
def filled(metrics, tree, settings, tmp_path):
    """One value with a file for each of P1, C1, C2, C3."""
    settings.MEDIA_ROOT = tmp_path
    out = {}
    for code in ("P1", "C1", "C2", "C3"):
        dv = services.save_value(metrics["count"], tree[code], "2024-01", {"value": 7}, user=None,
                                 state=State.ACCEPTED)
        ev = evidence.attach_file(SimpleUploadedFile(f"bien-ban-{code}.pdf", PDF), user=None,
                                  data_value=dv)
        out[code] = (dv, ev)
    return out


@pytest.mark.parametrize("role", list(MATRIX))
def test_values_history_and_evidence_follow_the_matrix(client, people, filled, role):
    *codes, allowed = MATRIX[role]
    client.force_login(people[role])
    for code, ok in zip(codes, allowed, strict=True):
        dv, ev = filled[code]
        expected = 200 if ok else 403
        assert client.get(reverse("unit_values", args=[code])).status_code == expected, (role, code)
        assert client.get(reverse("value_history", args=[dv.pk])).status_code == expected, (role, code)
        response = client.get(reverse("evidence_download", args=[ev.pk]))
        assert response.status_code == expected, (role, code)
        if ok:
            assert response["Content-Disposition"] == f'attachment; filename="bien-ban-{code}.pdf"'
            assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("role,may_add", [("admin", True), ("reporter", True), ("head", False),
                                          ("leader", False), ("reviewer", False)])
def test_only_editors_of_the_unit_add_evidence(client, people, filled, role, may_add):
    client.force_login(people[role])
    dv, _ = filled["C1"]
    response = client.post(reverse("evidence_add", args=[dv.pk]),
                           {"tieu_de": "Quyết định", "so_van_ban": "311/QĐ-UBND",
                            "ngay_van_ban": "08/02/2023"})
    assert response.status_code == (302 if may_add else 403)
    assert dv.evidence.filter(kind="link").exists() == may_add
    other, _ = filled["C2"]
    if role == "reporter":
        assert client.post(reverse("evidence_add", args=[other.pk]),
                           {"so_van_ban": "1/QĐ"}).status_code == 403


def test_the_catalogue_is_for_every_signed_in_user_and_import_for_the_secretariat(
        client, people, metrics):
    for role in MATRIX:
        client.force_login(people[role])
        assert client.get(reverse("metric_list")).status_code == 200
        assert client.get(reverse("metric_detail", args=["TTHC_TT"])).status_code == 200
        assert client.get(reverse("catalogue_export", args=["csv"])).status_code == 200
        expected = 200 if role == "admin" else 403
        assert client.get(reverse("catalogue_import")).status_code == expected, role
    client.force_login(make_user("khong-vai-tro"))
    assert client.get(reverse("catalogue_import")).status_code == 403


@pytest.mark.parametrize("name,args", [
    ("metric_list", []), ("metric_detail", ["TTHC_TT"]), ("unit_values", ["C1"]),
    ("catalogue_import", []), ("catalogue_export", ["xlsx"])])
def test_anonymous_users_are_sent_to_login(client, metrics, tree, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_users_never_get_evidence(client, filled):
    _, ev = filled["C1"]
    response = client.get(reverse("evidence_download", args=[ev.pk]))
    assert response.status_code == 302


def test_unknown_things_are_404(client, people, filled):
    client.force_login(people["admin"])
    assert client.get(reverse("unit_values", args=["KHONG-CO"])).status_code == 404
    assert client.get(reverse("value_history", args=[999999])).status_code == 404
    assert client.get(reverse("evidence_download", args=[999999])).status_code == 404
    assert client.get(reverse("metric_detail", args=["KHONG-CO"])).status_code == 404


def test_the_values_page_shows_values_and_links_to_history(client, people, filled):
    client.force_login(people["reporter"])
    dv, _ = filled["C1"]
    html = client.get(reverse("unit_values", args=["C1"]) + "?nam=2024").content.decode()
    assert reverse("value_history", args=[dv.pk]) in html and "state-accepted" in html
    html = client.get(reverse("value_history", args=[dv.pk])).content.decode()
    assert "bien-ban-C1.pdf" in html and 'id="history"' in html


def test_the_metrics_menu_item_is_there_for_everyone(client, people):
    client.force_login(people["reporter"])
    assert 'data-nav="metrics"' in client.get(reverse("home")).content.decode()
