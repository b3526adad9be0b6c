"""A reviewer corrects a value the unit sent, with a reason kept in the value's history;
the unit's own people, and anyone once the form is locked, cannot."""

import pytest
from django.urls import reverse

from chiso.metrics.models import DataValue
from chiso.orgs import permissions
from chiso.rounds import workflow

from .conftest import BEFORE


def url(sub, item):
    return reverse("correct_value", args=[sub.round_id, sub.unit.code, item.pk])


@pytest.fixture
def services_item(round, metrics):
    return round.items.get(metric=metrics["services"])


def services_value(sub, metrics):
    return DataValue.objects.get(unit=sub.unit, metric=metrics["services"])


def test_a_reviewer_corrects_with_a_reason_kept_in_history(client, submitted, people, metrics,
                                                           services_item):
    client.force_login(people["reviewer"])
    form = client.get(reverse("submission_form", args=[submitted.round_id, "C1"]))
    assert url(submitted, services_item) in form.content.decode()  # the link on the row
    before = services_value(submitted, metrics)
    response = client.post(url(submitted, services_item),
                           {"value": "14", "version": before.version,
                            "reason": "Đối chiếu sổ theo dõi một cửa"}, follow=True)
    assert "Đã hiệu chỉnh" in response.content.decode()
    value = services_value(submitted, metrics)
    assert value.value == 14 and value.version == before.version + 1
    change = value.changes.first()
    assert change.changed_by == people["reviewer"]
    assert change.reason == "Hiệu chỉnh khi thẩm định: Đối chiếu sổ theo dõi một cửa"
    assert (change.old["value"], change.new["value"]) == ("12", "14")


def test_without_a_reason_nothing_changes(client, submitted, people, metrics, services_item):
    client.force_login(people["reviewer"])
    before = services_value(submitted, metrics)
    response = client.post(url(submitted, services_item),
                           {"value": "14", "version": before.version, "reason": " "})
    assert "Lý do hiệu chỉnh: chưa nhập." in response.content.decode()
    assert services_value(submitted, metrics).version == before.version


def test_a_stale_version_is_a_conflict_not_a_lost_update(client, submitted, people, metrics,
                                                         services_item):
    client.force_login(people["reviewer"])
    before = services_value(submitted, metrics)
    response = client.post(url(submitted, services_item),
                           {"value": "14", "version": before.version - 1, "reason": "x"})
    assert "đã được" in response.content.decode()
    assert services_value(submitted, metrics).value == 12


@pytest.mark.parametrize("role", ["reporter", "head"])
def test_the_units_own_people_cannot_correct_a_sent_value(client, submitted, people, role,
                                                          services_item, metrics):
    client.force_login(people[role])
    assert client.get(url(submitted, services_item)).status_code == 403
    before = services_value(submitted, metrics)
    response = client.post(url(submitted, services_item),
                           {"value": "99", "version": before.version, "reason": "x"})
    assert response.status_code == 403
    assert services_value(submitted, metrics).value == 12


def test_the_matrix_follows_the_review_permission(client, submitted, people, services_item):
    for role in ("admin", "leader", "reviewer", "head", "reporter"):
        client.force_login(people[role])
        allowed = permissions.can(people[role], "review", submitted.unit)
        assert client.get(url(submitted, services_item)).status_code == (200 if allowed else 403)


def test_a_locked_form_cannot_be_corrected(client, submitted, people, services_item):
    sub = workflow.accept(submitted, people["reviewer"], now=BEFORE)
    client.force_login(people["reviewer"])
    assert client.get(url(sub, services_item)).status_code == 200  # accepted: still
    workflow.lock(sub, people["admin"], now=BEFORE)
    assert client.get(url(sub, services_item)).status_code == 403
