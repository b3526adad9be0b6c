"""Sending, returning and accepting a form move all its values' states with history, in a
number of queries that does not grow with the size of the form."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chiso.metrics import services
from chiso.metrics.models import DataValue, State
from chiso.rounds import workflow

from .conftest import BEFORE, fill


def test_every_value_moves_with_its_history(filled, people, sections):
    workflow.submit(filled, people["reporter"], now=BEFORE)
    values = DataValue.objects.filter(unit=filled.unit, period=filled.round.period)
    assert {v.state for v in values} == {State.SUBMITTED}
    for value in values:
        change = value.changes.first()
        assert (change.old_state, change.new_state, change.changed_by) == (
            State.DRAFT, State.SUBMITTED, people["reporter"])
        assert change.new["state"] == State.SUBMITTED and change.version == value.version


def test_the_queries_do_not_grow_with_the_number_of_values(round, people, metrics, tree):
    small = round.submissions.get(unit=tree["C1"])
    services.save_value(metrics["services"], small.unit, round.period, {"value": 3},
                        user=people["reporter"])
    services.save_value(metrics["portal"], small.unit, round.period, {"value": "1"},
                        user=people["reporter"])
    values = list(DataValue.objects.filter(unit=small.unit))
    with CaptureQueriesContext(connection) as two:
        services.set_states(values, State.SUBMITTED, user=people["reporter"])
    fill(small, people["reporter"], metrics)  # a third value, the others back to draft
    values = list(DataValue.objects.filter(unit=small.unit))
    services.set_states(values, State.DRAFT, user=people["reporter"])
    with CaptureQueriesContext(connection) as three:
        assert services.set_states(values, State.SUBMITTED, user=people["reporter"]) == 3
    assert len(three.captured_queries) == len(two.captured_queries)


def test_returning_many_values_needs_a_reason(filled, people):
    values = list(DataValue.objects.filter(unit=filled.unit))
    with pytest.raises(services.ValidationFailed, match="Lý do trả lại: chưa nhập."):
        services.set_states(values, State.RETURNED, user=people["reviewer"])
    assert not DataValue.objects.filter(state=State.RETURNED).exists()


def test_a_reporter_cannot_accept_values(filled, people):
    values = list(DataValue.objects.filter(unit=filled.unit))
    with pytest.raises(PermissionDenied):
        services.set_states(values, State.ACCEPTED, user=people["reporter"])
    assert not DataValue.objects.filter(state=State.ACCEPTED).exists()
