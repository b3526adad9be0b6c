"""Only units the user may `edit_data` are written, in files and on the upload page."""

import pytest
from django.urls import reverse

from chiso.conftest import make_user
from chiso.metrics.intake import import_file
from chiso.metrics.models import DataValue
from chiso.orgs.models import Role

from .intake_helpers import csv_file

ROW_C1 = ["C1", "CHI_CDS", "2024", "10"]
ROW_C2 = ["C2", "CHI_CDS", "2024", "10"]


def test_a_reporter_of_commune_a_cannot_import_into_commune_b(metrics, people):
    result = import_file(csv_file([ROW_C1, ROW_C2]), "a.csv", user=people["reporter"])
    assert not result.ok
    assert [str(e) for e in result.errors] == [
        "Dòng 3: Bạn không có quyền nhập số liệu cho Phường Hai (C2)."]
    assert not DataValue.objects.exists()


def test_the_provinces_secretariat_imports_for_its_communes(metrics, people):
    assert import_file(csv_file([ROW_C1, ROW_C2]), "a.csv", user=people["admin"]).ok


@pytest.mark.parametrize("role", ["leader", "reviewer", "head"])
def test_read_only_roles_cannot_import(metrics, people, role):
    assert not import_file(csv_file([ROW_C1]), "a.csv", user=people[role]).ok


@pytest.mark.parametrize("role,unit,status", [
    ("reporter", "C1", 200), ("reporter", "C2", 403), ("admin", "C2", 200), ("admin", "C3", 403),
    ("head", "C1", 403), ("leader", "C1", 403), ("reviewer", "C1", 403)])
def test_the_upload_page(client, metrics, people, role, unit, status):
    client.force_login(people[role])
    assert client.get(reverse("values_upload", args=[unit])).status_code == status
    assert client.get(reverse("values_template", args=[unit, "2024"])).status_code == status


def test_uploading_a_file_shows_the_result(client, metrics, people):
    client.force_login(people["reporter"])
    file = csv_file([ROW_C1])
    file.name = "so-lieu.csv"
    response = client.post(reverse("values_upload", args=["C1"]), {"tep": file})
    assert response.status_code == 200 and "1 số liệu mới" in response.content.decode()


def test_uploading_rows_of_another_commune_under_ones_own(client, metrics, people):
    client.force_login(people["reporter"])
    file = csv_file([ROW_C1, ROW_C2])
    file.name = "so-lieu.csv"
    response = client.post(reverse("values_upload", args=["C1"]), {"tep": file})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Dòng 3, cột “Mã đơn vị”: Đơn vị “C2” không thuộc Xã Một" in html
    assert not DataValue.objects.exists()


@pytest.mark.parametrize("role,unit,status", [
    ("reporter", "C1", 200), ("reporter", "C2", 403), ("head", "C1", 200), ("leader", "C3", 403),
    ("leader", "C2", 200)])
def test_the_export(client, metrics, people, role, unit, status):
    client.force_login(people[role])
    for fmt in ("csv", "xlsx", "dhis2.json", "dhis2.csv"):
        assert client.get(reverse("values_export", args=[unit, fmt])).status_code == status


def test_the_page_offers_dhis2_files_and_exports_them(client, metrics, people):
    import json

    assert import_file(csv_file([ROW_C1]), "a.csv", user=people["admin"]).ok
    client.force_login(people["reporter"])
    page = client.get(reverse("values_upload", args=["C1"])).content.decode()
    assert 'accept=".xlsx,.csv,.json' in page and "dataValueSets" in page
    response = client.get(reverse("values_export", args=["C1", "dhis2.json"]))
    assert response["Content-Type"] == "application/json"
    assert 'filename="so-lieu-C1.dhis2.json"' in response["Content-Disposition"]
    document = json.loads(b"".join(response.streaming_content))
    assert [(v["orgUnit"], v["dataElement"]) for v in document["dataValues"]] == [
        ("C1", ROW_C1[1])]
    assert client.get(reverse("values_export", args=["C1", "pdf"])).status_code == 404


def test_the_subtree_export_holds_only_what_the_user_may_see(client, metrics, people, tree):
    other = make_user("reporter_c3", Role.REPORTER, tree["C3"])
    assert import_file(csv_file([["C3", "CHI_CDS", "2024", "3"]]), "a.csv", user=other).ok
    assert import_file(csv_file([ROW_C1]), "a.csv", user=people["admin"]).ok
    client.force_login(people["admin"])
    response = client.get(reverse("values_export", args=["VN", "csv"]) + "?cap_duoi=1")
    assert response.status_code == 403  # the admin of P1 may not see the nation
    text = b"".join(client.get(reverse("values_export", args=["P1", "csv"]) + "?cap_duoi=1")
                    .streaming_content).decode()
    assert "C1" in text and "C3" not in text
