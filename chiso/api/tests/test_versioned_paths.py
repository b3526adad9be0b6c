"""The API is served under /api/v1/; the unversioned /api/… of the first clients answers
with a 308 to the same path under /api/v1/ (method, body and query kept)."""

import json

from .conftest import bearer


def test_the_openapi_document_is_under_v1(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/values" in response.json()["paths"]


def test_an_unversioned_path_redirects_permanently_keeping_the_query(client, db):
    response = client.get("/api/values?unit=C1&period=2024")
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/values?unit=C1&period=2024"


def test_a_post_to_the_old_path_is_replayed_as_a_post(client, tokens, metrics):
    body = {"unit": "C1", "metric": "CHI_CDS", "period": "2024", "value": 5}
    response = client.post("/api/values", json.dumps(body), content_type="application/json",
                           follow=True, **bearer(tokens["reporter"]))
    assert response.redirect_chain == [("/api/v1/values", 308)]
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "5"


def test_the_redirect_reveals_nothing_without_a_token(client, db):
    response = client.get("/api/units", follow=True)
    assert response.status_code == 401
