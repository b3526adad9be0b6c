"""Writing values through the API: conflicts (409), validation (422 naming the field), bulk
all-or-nothing, and the OpenAPI document."""

from chiso.metrics.models import DataValue

from .conftest import bearer


def post(client, token, path, body):
    return client.post(path, body, content_type="application/json", **bearer(token))


def test_a_stale_version_is_a_conflict(client, tokens, metrics):
    body = {"unit": "C1", "metric": "TTHC_TT", "period": "2024Q1", "numerator": 4,
            "denominator": 5, "expected_version": 0}
    first = post(client, tokens["reporter"], "/api/v1/values", body)
    assert first.status_code == 200 and first.json()["value"] == "80"
    again = post(client, tokens["admin"], "/api/v1/values", {**body, "numerator": 3})
    assert again.status_code == 409
    assert "phiên bản 1" in again.json()["detail"]
    assert post(client, tokens["admin"], "/api/v1/values",
                {**body, "numerator": 3, "expected_version": 1}).status_code == 200


def test_numerator_over_denominator_is_422_naming_the_field(client, tokens, metrics):
    response = post(client, tokens["reporter"], "/api/v1/values",
                    {"unit": "C1", "metric": "TTHC_TT", "period": "2024Q1", "numerator": 45,
                     "denominator": 40})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == "numerator" and "lớn hơn mẫu số" in errors[0]["message"]


def test_a_wrong_type_is_422_in_vietnamese(client, tokens, metrics):
    response = post(client, tokens["reporter"], "/api/v1/values",
                    {"unit": "C1", "metric": "TTHC_TT", "period": "2024Q1", "numerator": "bốn"})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "index": None, "field": "numerator", "message": "Trường “numerator”: không phải là số."}


def test_a_missing_field_and_unknown_codes(client, tokens, metrics):
    response = post(client, tokens["reporter"], "/api/v1/values", {"unit": "C1", "metric": "X"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "period"
    response = post(client, tokens["reporter"], "/api/v1/values",
                    {"unit": "C1", "metric": "X", "period": "2024"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "metric"
    response = post(client, tokens["reporter"], "/api/v1/values",
                    {"unit": "C1", "metric": "CHI_CDS", "period": "2024Q9", "value": 1})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "period"


def test_bulk_is_all_or_nothing_and_names_every_item(client, tokens, metrics):
    body = {"values": [
        {"unit": "C1", "metric": "CHI_CDS", "period": "2024", "value": 7},
        {"unit": "C1", "metric": "TTHC_TT", "period": "2024Q1", "numerator": 5, "denominator": 4},
        {"unit": "C1", "metric": "NOPE", "period": "2024", "value": 1},
    ]}
    response = post(client, tokens["reporter"], "/api/v1/values/bulk", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [(1, "numerator"), (2, "metric")]
    assert not DataValue.objects.exists()
    body["values"] = body["values"][:1]
    assert post(client, tokens["reporter"], "/api/v1/values/bulk", body).json()["created"] == 1


def test_bulk_conflicts_are_409(client, tokens, metrics):
    item = {"unit": "C1", "metric": "CHI_CDS", "period": "2024", "value": 7}
    assert post(client, tokens["reporter"], "/api/v1/values/bulk", {"values": [item]}).status_code == 200
    stale = {**item, "value": 8, "expected_version": 0}
    response = post(client, tokens["reporter"], "/api/v1/values/bulk", {"values": [stale]})
    assert response.status_code == 409
    assert DataValue.objects.get().value == 7


def test_bulk_dry_run(client, tokens, metrics):
    body = {"values": [{"unit": "C1", "metric": "CHI_CDS", "period": "2024", "value": 7}],
            "dry_run": True}
    assert post(client, tokens["reporter"], "/api/v1/values/bulk", body).json()["created"] == 1
    assert not DataValue.objects.exists()


def test_the_openapi_document_lists_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/units", "/api/v1/metrics", "/api/v1/values", "/api/v1/values/bulk", "/api/v1/rollup"} \
        <= set(doc["paths"])
    assert "BearerToken" in doc["components"]["securitySchemes"]


def test_the_docs_page_loads_nothing_from_a_cdn(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
