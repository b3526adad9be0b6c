"""The event bus: delivered after commit, never on rollback, replayed after a reconnection.

The delivery tests commit for real (transactional_db) and wait for the event in an asyncio
loop, as the SSE stream does: on SQLite through this process's hub, on PostgreSQL through
NOTIFY and the LISTEN connection.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections, transaction

from chiso.dashboards.models import Event as EventRow
from chiso.lib import events
from chiso.lib.testing import run_async as run
from chiso.orgs.models import OrgUnit


def test_publish_waits_for_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        events.publish("value.accepted", ["000001."], metric="M1")
        assert EventRow.objects.count() == 0  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    row = EventRow.objects.get()
    assert (row.kind, row.paths, row.data, row.public) == ("value.accepted", ["000001."],
                                                           {"metric": "M1"}, False)


def test_a_rolled_back_publish_is_never_stored(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                events.publish("value.accepted", ["000001."])
                raise RuntimeError("rollback")
        events.publish("task.updated", ["000002."])
    assert len(callbacks) == 1
    assert list(EventRow.objects.values_list("kind", flat=True)) == ["task.updated"]


def test_publishing_about_no_unit_announces_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.publish("value.accepted", set())
    assert callbacks == [] and EventRow.objects.count() == 0


def test_units_are_given_as_paths():
    vn = OrgUnit(pk=1, code="VN", name="VN", kind=OrgUnit.Kind.NATION, path="000001.")
    assert events._paths(vn) == ["000001."]
    assert events._paths(["000002.", "000001.", "000001."]) == ["000001.", "000002."]


def test_an_event_concerns_its_units_and_their_ancestors():
    ev = events.Event(id=1, kind="k", paths=("000001.000002.000005.",))
    assert ev.concerns("000001.000002.")  # the province above the commune
    assert ev.concerns("000001.000002.000005.", subtree=False)
    assert not ev.concerns("000001.000002.", subtree=False)
    assert not ev.concerns("000001.000003.")


def _commit(kind: str, path: str, rollback: bool = False) -> None:
    try:
        with transaction.atomic():
            events.publish(kind, [path])
            if rollback:
                raise RuntimeError
    except RuntimeError:
        pass


async def _receive(n: int, actions, last_id=None, timeout: float = 10) -> list[events.Event]:
    got: list[events.Event] = []
    stream = events.hub.subscribe(last_id)

    async def collect():
        async for ev in stream:
            got.append(ev)
            if len(got) == n:
                return

    task = asyncio.ensure_future(collect())
    await asyncio.sleep(0)  # let the subscription (and LISTEN) start
    await events.hub.ensure_started()
    for action in actions:
        await sync_to_async(action)()
    try:
        await asyncio.wait_for(task, timeout)
    except TimeoutError:
        pass
    await stream.aclose()
    await sync_to_async(connections.close_all)()  # the worker thread's connection
    await events.hub.stop()
    return got


@pytest.mark.django_db(transaction=True)
def test_committed_events_reach_a_subscriber_and_rolled_back_ones_do_not():
    got = run(_receive(2, [
        lambda: _commit("value.accepted", "000001.", rollback=True),
        lambda: _commit("value.accepted", "000002."),
        lambda: _commit("submission.accepted", "000003."),
    ]))
    assert [(e.kind, e.paths) for e in got] == [("value.accepted", ("000002.",)),
                                                ("submission.accepted", ("000003.",))]
    assert got[0].id < got[1].id
    assert [e.id for e in got] == list(EventRow.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_reconnecting_subscriber_gets_what_it_missed_from_the_table():
    for i in range(4):
        _commit("value.accepted", f"00000{i}.")
    ids = list(EventRow.objects.values_list("pk", flat=True))
    events.hub.ring.clear()  # another process, or this one restarted: nothing in memory
    got = run(_receive(3, [], last_id=ids[0], timeout=3))
    assert [e.id for e in got] == ids[1:]
    assert [e.paths for e in got] == [("000001.",), ("000002.",), ("000003.",)]


@pytest.mark.django_db(transaction=True)
def test_a_reconnecting_subscriber_gets_missed_and_live_events_once_each_in_order():
    _commit("value.accepted", "000001.")
    _commit("value.accepted", "000002.")
    first = EventRow.objects.order_by("pk").first().pk
    got = run(_receive(2, [lambda: _commit("value.accepted", "000003.")],
                               last_id=first))
    assert [e.paths[0] for e in got] == ["000002.", "000003."]
    assert got[0].id < got[1].id


@pytest.mark.django_db(transaction=True)
def test_too_many_missed_events_ask_the_browser_to_reload(monkeypatch):
    monkeypatch.setattr(events, "REPLAY_LIMIT", 2)
    for i in range(4):
        _commit("value.accepted", f"00000{i}.")
    events.hub.ring.clear()
    got = run(_receive(1, [], last_id=0, timeout=3))
    assert got == [None]
