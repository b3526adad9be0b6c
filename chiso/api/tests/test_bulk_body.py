"""The bulk endpoint reads its body from the stream: a large batch (well over Django's
2,5 MB form limit) is accepted, a malformed one answers in Vietnamese, an oversized one 413."""

import json

from chiso.metrics.models import DataValue

from .conftest import bearer


def test_a_body_over_django_form_limit_is_accepted(client, tokens, metrics, settings):
    # A small form limit stands for Django's 2,5 MB: a body parameter read through
    # `request.body` would be refused above it.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    months = [f"{y}-{m:02d}" for y in range(1990, 2030) for m in range(1, 13)]
    values = [{"unit": "C1", "metric": "HS_TT", "period": p, "value": i,
               "comment": "Số liệu từ hệ thống một cửa điện tử của tỉnh " * 12}
              for i, p in enumerate(months)]
    body = json.dumps({"values": values})
    assert len(body.encode()) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post("/api/v1/values/bulk", body, content_type="application/json",
                           **bearer(tokens["reporter"]))
    assert response.status_code == 200, response.content[:300]
    assert response.json()["created"] == len(months)
    assert DataValue.objects.filter(unit__code="C1").count() == len(months)


def test_malformed_json_and_wrong_shapes_are_422_in_vietnamese(client, tokens, metrics):
    def post(raw):
        return client.post("/api/v1/values/bulk", raw, content_type="application/json",
                           **bearer(tokens["reporter"]))

    response = post('{"values": [')
    assert response.status_code == 422
    assert "JSON không hợp lệ" in response.json()["errors"][0]["message"]
    response = post(json.dumps({"values": [{"unit": "C1", "metric": "HS_TT"}]}))
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "index": 0, "field": "values.0.period",
        "message": "Trường “values.0.period”: bắt buộc, chưa có."}
    assert not DataValue.objects.exists()


def test_an_oversized_body_is_413_before_it_is_read(client, tokens, metrics):
    response = client.post("/api/v1/values/bulk", "{}", content_type="application/json",
                           CONTENT_LENGTH=str(60 * 1024 * 1024), **bearer(tokens["reporter"]))
    assert response.status_code == 413
    assert "quá lớn" in response.json()["detail"]


def test_the_openapi_document_still_describes_the_bulk_body(client):
    spec = client.get("/api/v1/openapi.json").json()
    body = spec["paths"]["/api/v1/values/bulk"]["post"]["requestBody"]["content"]
    schema = body["application/json"]["schema"]
    assert schema["properties"]["values"]["items"] == {"$ref": "#/components/schemas/ValueIn"}
    assert "ValueIn" in spec["components"]["schemas"]
