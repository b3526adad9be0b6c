"""Every endpoint × every role × own unit / another unit."""

import pytest

from chiso.metrics import services
from chiso.metrics.models import DataValue

from .conftest import bearer

ROLES = ["admin", "leader", "reviewer", "head", "reporter"]
# the roles of `people` sit at P1 (admin, leader, reviewer) or C1 (head, reporter)
VIEW = {"admin": {"P1", "C1", "C2", "A1"}, "leader": {"P1", "C1", "C2", "A1"},
        "reviewer": {"P1", "C1", "C2", "A1"}, "head": {"C1"}, "reporter": {"C1"}}
EDIT = {"admin": {"P1", "C1", "C2", "A1"}, "reporter": {"C1"}}


@pytest.fixture
def stored(metrics, tree):
    for code in ("C1", "C2", "C3"):
        services.save_value(metrics["number"], tree[code], "2024", {"value": 5}, user=None)


@pytest.mark.parametrize("role", ROLES)
def test_units_lists_exactly_the_viewable_units(client, tokens, role):
    data = client.get("/api/v1/units?limit=100", **bearer(tokens[role])).json()
    assert {u["code"] for u in data["items"]} == VIEW[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("unit", ["C1", "C2", "C3"])
def test_values_of_a_unit(client, tokens, stored, role, unit):
    response = client.get(f"/api/v1/values?unit={unit}", **bearer(tokens[role]))
    if unit in VIEW[role]:
        assert response.status_code == 200 and response.json()["count"] == 1
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_values_without_a_unit_are_only_the_viewable_ones(client, tokens, stored, role):
    data = client.get("/api/v1/values", **bearer(tokens[role])).json()
    assert {v["unit"] for v in data["items"]} == VIEW[role] & {"C1", "C2", "C3"}


def test_an_unknown_unit_is_404(client, tokens):
    assert client.get("/api/v1/values?unit=KHONG", **bearer(tokens["admin"])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("unit", ["C1", "C2", "C3"])
def test_post_a_value(client, tokens, metrics, role, unit):
    response = client.post("/api/v1/values", {"unit": unit, "metric": "CHI_CDS", "period": "2024",
                                           "value": 7}, content_type="application/json",
                           **bearer(tokens[role]))
    if unit in EDIT.get(role, set()):
        assert response.status_code == 200, response.json()
        assert response.json()["version"] == 1 and response.json()["source"] == "api"
    else:
        assert response.status_code == 403
        assert not DataValue.objects.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("unit", ["C1", "C2"])
def test_post_values_in_bulk(client, tokens, metrics, role, unit):
    body = {"values": [{"unit": unit, "metric": "CHI_CDS", "period": "2024", "value": 7}]}
    response = client.post("/api/v1/values/bulk", body, content_type="application/json",
                           **bearer(tokens[role]))
    if unit in EDIT.get(role, set()):
        assert response.status_code == 200 and response.json()["created"] == 1
    else:
        assert response.status_code == 403
        assert not DataValue.objects.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("unit", ["P1", "P2"])
def test_rollup(client, tokens, stored, metrics, role, unit):
    response = client.get(f"/api/v1/rollup?unit={unit}&metric=CHI_CDS&period=2024",
                          **bearer(tokens[role]))
    assert response.status_code == (200 if unit in VIEW[role] else 403)


@pytest.mark.parametrize("role", ROLES)
def test_metrics_are_a_public_catalogue_for_any_token(client, tokens, metrics, role):
    data = client.get("/api/v1/metrics", **bearer(tokens[role])).json()
    assert data["count"] == len(metrics)
