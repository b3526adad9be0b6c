"""The SSE feed: who may open which feed, which events each one carries, heartbeats,
retry and Last-Event-ID replay."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.test import RequestFactory

from chiso.dashboards import stream
from chiso.dashboards.models import Event as EventRow
from chiso.lib import events
from chiso.lib.testing import run_async as run

ROLES = ["admin", "leader", "reviewer", "head", "reporter"]




def ev(i, path, public=False, kind="value.accepted"):
    return events.Event(id=i, kind=kind, paths=(path,), public=public)


def test_a_subtree_feed_carries_events_of_units_under_it(tree):
    p1, c1 = tree["P1"].path, tree["C1"].path
    assert stream.visible(ev(1, c1), p1, subtree=True, public_only=False)
    assert not stream.visible(ev(1, tree["C3"].path), p1, subtree=True, public_only=False)


def test_a_unit_feed_carries_only_that_units_events(tree):
    c1 = tree["C1"].path
    assert stream.visible(ev(1, c1), c1, subtree=False, public_only=False)
    assert not stream.visible(ev(1, tree["P1"].path), c1, subtree=False, public_only=False)
    assert not stream.visible(ev(1, tree["C2"].path), c1, subtree=False, public_only=False)


def test_the_public_feed_carries_only_public_events(tree):
    p1 = tree["P1"].path
    assert not stream.visible(ev(1, tree["C1"].path), p1, subtree=True, public_only=True)
    assert stream.visible(ev(1, p1, public=True), p1, subtree=True, public_only=True)


def _request(user, query=""):
    request = RequestFactory().get(f"/bang-dieu-khien/su-kien/{query}")

    async def auser():
        return user
    request.auser = auser
    return request


async def _first_chunks(response, n: int, timeout: float = 5) -> list[str]:
    out = []
    iterator = response.streaming_content.__aiter__()
    try:
        while len(out) < n:
            chunk = await asyncio.wait_for(iterator.__anext__(), timeout)
            out.append(chunk.decode() if isinstance(chunk, bytes) else chunk)
    finally:
        await iterator.aclose()
        await sync_to_async(connections.close_all)()
        await events.hub.stop()
    return out


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_feed_permissions_by_role(tree, people, role):
    async def open_feed(code, only_unit=False):
        query = f"?don_vi={code}" + ("&chi_don_vi=1" if only_unit else "")
        try:
            response = await stream.feed(_request(people[role], query))
        except PermissionDenied:
            return "denied"
        chunks = await _first_chunks(response, 2)
        assert chunks[0] == f"retry: {stream.RETRY_MS}\n\n"
        assert chunks[1].startswith("id: ") and "event: hello" in chunks[1]
        return "ok"

    province = run(open_feed("P1"))
    assert province == ("ok" if role in ("admin", "leader", "reviewer") else "denied")
    assert run(open_feed("C1", only_unit=True)) == "ok"
    assert run(open_feed("P2")) == "denied"


def test_an_anonymous_visitor_gets_no_private_feed(db):
    with pytest.raises(PermissionDenied):
        run(stream.feed(_request(AnonymousUser(), "?don_vi=P1")))


def test_a_reporter_asking_for_its_subtree_gets_its_unit_only(tree, people):
    # The reporter of C1 may view C1; its feed is narrowed to C1 even without chi_don_vi.
    assert not stream._reaches_subtree(people["reporter"], tree["C1"])
    assert stream._reaches_subtree(people["leader"], tree["C1"])


def _commit(kind, unit, public=False):
    with transaction.atomic():
        events.publish(kind, unit, public=public)


@pytest.mark.django_db(transaction=True)
def test_the_feed_replays_missed_events_then_sends_live_ones_filtered(tree):
    _commit("value.accepted", tree["C1"])
    first = EventRow.objects.get().pk
    _commit("value.accepted", tree["C3"])  # another province: never on P1's feed
    _commit("submission.accepted", tree["C2"])
    events.hub.ring.clear()

    async def scenario():
        lines = stream.event_lines(tree["P1"].path, last_id=first - 1, heartbeat=30)
        out = [await anext(lines)]  # retry
        out.append(await asyncio.wait_for(anext(lines), 5))  # C1 (replayed)
        out.append(await asyncio.wait_for(anext(lines), 5))  # C2 (replayed; C3 skipped)
        await sync_to_async(_commit)("task.updated", tree["A1"])
        out.append(await asyncio.wait_for(anext(lines), 5))  # live
        await lines.aclose()
        await sync_to_async(connections.close_all)()
        await events.hub.stop()
        return out

    out = run(scenario())
    ids = list(EventRow.objects.order_by("pk").values_list("pk", flat=True))
    assert out[0].startswith("retry:")
    assert out[1].startswith(f"id: {ids[0]}\nevent: change\n") and "value.accepted" in out[1]
    assert out[2].startswith(f"id: {ids[2]}\n") and "submission.accepted" in out[2]
    assert out[3].startswith(f"id: {ids[3]}\n") and "task.updated" in out[3]


@pytest.mark.django_db(transaction=True)
def test_the_feed_sends_heartbeats_when_nothing_happens(tree):
    async def scenario():
        lines = stream.event_lines(tree["P1"].path, last_id=0, heartbeat=0.05)
        out = [await anext(lines), await asyncio.wait_for(anext(lines), 5)]
        await lines.aclose()
        await sync_to_async(connections.close_all)()
        await events.hub.stop()
        return out

    assert run(scenario())[1] == ": ping\n\n"


@pytest.mark.django_db(transaction=True)
def test_the_public_feed_view_carries_published_events_only(tree):
    _commit("value.accepted", tree["C1"])
    _commit("assessment.published", tree["P1"], public=True)
    first = EventRow.objects.order_by("pk").first().pk
    events.hub.ring.clear()

    async def scenario():
        request = RequestFactory().get("/cong-khai/P1/su-kien/", HTTP_LAST_EVENT_ID=str(first - 1))
        response = await stream.public_feed(request, "P1")
        assert response["Content-Type"].startswith("text/event-stream")
        assert response["Cache-Control"] == "no-cache, no-store"
        return await _first_chunks(response, 2)

    out = run(scenario())
    assert "assessment.published" in out[1] and "value.accepted" not in "".join(out)
