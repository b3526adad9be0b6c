"""Server-sent events: the live feed of a dashboard (served by uvicorn, an async view).

    GET /bang-dieu-khien/su-kien/?don_vi=T22           a leader's feed: the unit's subtree
    GET /bang-dieu-khien/su-kien/?don_vi=C1&chi_don_vi=1  a unit dashboard: that unit only
    GET /cong-khai/<code>/su-kien/                      the public feed: published events only

Permission is checked once, before streaming (the same `can(user, "view", unit)` as the
pages); each event is then filtered by the unit paths it concerns. The feed starts with
`retry:` (how long the browser waits before reconnecting), sends a comment line as a
heartbeat every `HEARTBEAT` seconds (proxies close silent connections), and honours
`Last-Event-ID`: a reconnecting browser first gets what it missed. When more was missed
than can be replayed, the feed sends `event: reload` and the page reloads itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, StreamingHttpResponse

from chiso.lib import events
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

HEARTBEAT = 15.0  # seconds
RETRY_MS = 3000
SETUP_SLOTS = 16  # streams starting at once (each needs a database connection meanwhile)
_slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


def _setup_slots() -> asyncio.Semaphore:
    """Opening a stream reads the session and the user's roles: a database connection
    each. When hundreds of dashboards reconnect at once (a server restart), they queue
    here instead of asking PostgreSQL for hundreds of connections at the same moment."""
    loop = asyncio.get_running_loop()
    if loop not in _slots:
        _slots.clear()  # a new loop (tests, a restarted server): forget the old one
        _slots[loop] = asyncio.Semaphore(SETUP_SLOTS)
    return _slots[loop]


def format_event(ev: events.Event) -> str:
    data = json.dumps({"kind": ev.kind, "data": ev.data, "at": ev.at}, ensure_ascii=False)
    return f"id: {ev.id}\nevent: change\ndata: {data}\n\n"


def visible(ev: events.Event, path: str, subtree: bool, public_only: bool) -> bool:
    if public_only and not ev.public:
        return False
    if not ev.paths:  # about everyone (a global event)
        return True
    return ev.concerns(path, subtree)


async def event_lines(path: str, *, subtree: bool = True, public_only: bool = False,
                      last_id: int | None = None, hello: int | None = None,
                      heartbeat: float = HEARTBEAT) -> AsyncIterator[str]:
    """The text of the feed, forever (the server cancels it when the browser leaves).

    A fresh page (no `last_id`) rendered the state as of now: the feed starts from
    `hello` (the latest event id, read by the caller) and tells the browser, so that its
    first reconnection replays from there.
    """
    yield f"retry: {RETRY_MS}\n\n"
    if last_id is None:
        last_id = hello if hello is not None else await sync_to_async(
            events.latest_id_released)()
        yield f"id: {last_id}\nevent: hello\ndata: {{}}\n\n"
    stream = events.hub.subscribe(last_id)
    pending: asyncio.Task | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(stream))
            done, _ = await asyncio.wait({pending}, timeout=heartbeat)
            if not done:
                yield ": ping\n\n"
                continue
            ev = pending.result()
            pending = None
            if ev is None:
                yield "event: reload\ndata: {}\n\n"
                return
            if visible(ev, path, subtree, public_only):
                yield format_event(ev)
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration, Exception):
                await pending  # the generator must stop running before it is closed
        await stream.aclose()


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("lastEventId")
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _response(lines: AsyncIterator[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response


def _unit_for(user, code: str, action: str = "view") -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise Http404
    permissions.require(user, action, unit)
    return unit


async def feed(request: HttpRequest) -> StreamingHttpResponse:
    async with _setup_slots():
        try:
            user = await request.auser()
            if not user.is_authenticated:
                raise PermissionDenied
            unit = await sync_to_async(_unit_for)(user, request.GET.get("don_vi", ""))
            # The whole subtree only for roles that reach it; a unit's own people get
            # exactly their unit's events.
            subtree = (request.GET.get("chi_don_vi") != "1"
                       and await sync_to_async(_reaches_subtree)(user, unit))
            last_id = _last_event_id(request)
            hello = await sync_to_async(events.latest_id)() if last_id is None else None
        finally:
            await sync_to_async(events.release_connections)()  # the stream needs none
    return _response(event_lines(unit.path, subtree=subtree, last_id=last_id, hello=hello))


def _reaches_subtree(user, unit: OrgUnit) -> bool:
    if user.is_superuser:
        return True
    return any(m.role in permissions.SUBTREE_ROLES and unit.path.startswith(m.unit.path)
               for m in permissions.memberships(user))


async def public_feed(request: HttpRequest, code: str) -> StreamingHttpResponse:
    last_id = _last_event_id(request)
    async with _setup_slots():
        try:
            unit = await OrgUnit.objects.filter(code=code).afirst()
            hello = await sync_to_async(events.latest_id)() if last_id is None else None
        finally:
            await sync_to_async(events.release_connections)()
    if unit is None:
        raise Http404
    return _response(event_lines(unit.path, subtree=True, public_only=True, last_id=last_id,
                                 hello=hello))
