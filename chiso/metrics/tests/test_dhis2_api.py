"""/api/v1/dataValueSets: DHIS2's shape both ways, an import summary in DHIS2's shape, and
the permission matrix (a reporter of C1 neither reads nor writes C3)."""

import json

import pytest

from chiso.api.models import ApiToken
from chiso.metrics import services
from chiso.metrics.models import DataValue, Period
from chiso.orgs.models import OrgUnit

URL = "/api/v1/dataValueSets"


@pytest.fixture
def tokens(people):
    return {role: ApiToken.issue(user, f"khóa {role}")[1] for role, user in people.items()}


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, token, **params):
    response = client.get(URL, params, **auth(token))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, json.loads(body)


def post(client, token, document, query=""):
    response = client.post(URL + query, json.dumps(document), content_type="application/json",
                           **auth(token))
    return response.status_code, response.json()


@pytest.fixture
def values(metrics, people):
    for unit in ("C1", "C2", "C3"):
        services.save_value(metrics["count"], OrgUnit.objects.get(code=unit),
                            Period.objects.for_code("2024-07"), {"value": 7}, user=None)
    services.save_value(metrics["rate"], OrgUnit.objects.get(code="C1"),
                        Period.objects.for_code("2024Q1"), {"numerator": 1, "denominator": 4},
                        user=people["reporter"])


def units_in(document):
    return sorted({v["orgUnit"] for v in document["dataValues"]})


@pytest.mark.parametrize("role,expected", [
    ("admin", ["C1", "C2"]), ("leader", ["C1", "C2"]), ("reviewer", ["C1", "C2"]),
    ("head", ["C1"]), ("reporter", ["C1"])])
def test_reading_shows_only_the_units_a_role_may_view(client, tokens, values, role, expected):
    status, document = get(client, tokens[role])
    assert status == 200 and units_in(document) == expected


def test_reading_filters_and_dhis2_periods(client, tokens, values):
    status, document = get(client, tokens["admin"], orgUnit="P1", children="true",
                           period="202407", dataElement="HS_TT")
    assert status == 200 and units_in(document) == ["C1", "C2"]
    assert {v["period"] for v in document["dataValues"]} == {"202407"}
    status, document = get(client, tokens["reporter"], orgUnit="C1", period="2024Q1")
    assert [(v["categoryOptionCombo"], v["value"], v["storedBy"])
            for v in document["dataValues"]] == [("TU_SO", "1", "reporter_c1"),
                                                 ("MAU_SO", "4", "reporter_c1")]
    assert get(client, tokens["admin"], period="2024W1")[0] == 422


def test_a_reporter_cannot_read_another_unit(client, tokens, values):
    assert get(client, tokens["reporter"], orgUnit="C3")[0] == 403
    assert get(client, tokens["reporter"], orgUnit="P1")[0] == 403
    assert get(client, tokens["reporter"], orgUnit="NOPE")[0] == 404
    assert client.get(URL).status_code == 401


DOCUMENT = {"period": "2024Q1", "orgUnit": "C1", "dataValues": [
    {"dataElement": "TTHC_TT", "categoryOptionCombo": "TU_SO", "value": "45"},
    {"dataElement": "TTHC_TT", "categoryOptionCombo": "MAU_SO", "value": "50"},
    {"dataElement": "CO_CONG", "period": "2024", "value": "true"}]}


def test_writing_answers_with_a_dhis2_import_summary(client, tokens, metrics):
    status, summary = post(client, tokens["reporter"], DOCUMENT, "?dryRun=true")
    assert status == 200 and summary["dryRun"] is True
    assert summary["importCount"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
    assert not DataValue.objects.exists()
    status, summary = post(client, tokens["reporter"], DOCUMENT)
    assert (status, summary["status"], summary["conflicts"]) == (200, "SUCCESS", [])
    assert DataValue.objects.get(metric__code="TTHC_TT").value == 90
    status, summary = post(client, tokens["reporter"], DOCUMENT)
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}


def test_conflicts_name_the_data_value_and_field(client, tokens, metrics):
    document = {"orgUnit": "C1", "dataValues": [
        {"dataElement": "HS_TT", "period": "202401", "value": "3"},
        {"dataElement": "HS_TT", "period": "2024W2", "value": "3"},
        {"dataElement": "NOPE", "period": "2024", "value": "3"}]}
    status, summary = post(client, tokens["reporter"], document)
    assert (status, summary["status"]) == (409, "ERROR")
    assert [c["object"] for c in summary["conflicts"]] == [
        "dataValues[1].period", "dataValues[2].dataElement"]
    assert summary["conflicts"][1]["value"].startswith(
        "Giá trị thứ 3 (dataValues[2]), trường “dataElement”: Không có chỉ tiêu mã “NOPE”")
    assert summary["importCount"]["imported"] == 0 and not DataValue.objects.exists()


def test_invalid_json_is_a_conflict_with_line_and_column(client, tokens, metrics):
    response = client.post(URL, b'{"dataValues": [}', content_type="application/json",
                           **auth(tokens["reporter"]))
    assert response.status_code == 409
    assert "dòng 1, cột 17" in response.json()["description"]


def test_a_dhis2_csv_body_is_accepted(client, tokens, metrics):
    body = "dataelement,period,orgunit,catoptcombo,attroptcombo,value\nHS_TT,202403,C1,,,9\n"
    response = client.post(URL, body, content_type="application/csv", **auth(tokens["reporter"]))
    assert response.status_code == 200 and response.json()["importCount"]["imported"] == 1


@pytest.mark.parametrize("role,status", [
    ("admin", 200), ("reporter", 403), ("head", 403), ("leader", 403), ("reviewer", 403)])
def test_writing_another_units_values_is_forbidden(client, tokens, metrics, role, status):
    """C2 lies under P1: the admin of P1 may write it; C1's people and read-only roles not."""
    document = {"orgUnit": "C2", "period": "2024", "dataValues": [
        {"dataElement": "CHI_CDS", "value": "5"}]}
    got, summary = post(client, tokens[role], document)
    assert got == status
    assert DataValue.objects.filter(unit__code="C2").exists() == (status == 200)
    if status == 403:
        assert summary["conflicts"][0]["object"] == "dataValues[0]"
        assert "không có quyền" in summary["conflicts"][0]["value"]


def test_a_reporter_of_c1_cannot_write_c3_even_beside_its_own(client, tokens, metrics):
    document = {"period": "2024", "dataValues": [
        {"dataElement": "CHI_CDS", "orgUnit": "C1", "value": "5"},
        {"dataElement": "CHI_CDS", "orgUnit": "C3", "value": "5"}]}
    status, summary = post(client, tokens["reporter"], document)
    assert status == 403 and not DataValue.objects.exists()


def test_the_openapi_document_describes_both_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/dataValueSets"])


def test_a_body_above_djangos_form_limit_is_read_and_above_ours_refused(client, tokens, metrics,
                                                                        monkeypatch):
    document = {"dataSet": "x" * 3_000_000, "orgUnit": "C1",  # over Django's 2,5 MB
                "dataValues": [{"dataElement": "HS_TT", "period": "202405", "value": "2"}]}
    assert post(client, tokens["reporter"], document)[0] == 200
    monkeypatch.setattr("chiso.metrics.tabular.MAX_BYTES", 1000)
    status, summary = post(client, tokens["reporter"], document)
    assert status == 413 and "quá lớn" in summary["description"]
