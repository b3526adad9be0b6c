"""A tiny event bus for live dashboards: "something changed for these units".

    events.publish("value.accepted", unit, metric="CQS_TTHC", period="2025Q3")

Apps call `publish` where a figure is accepted, a task is updated or an assessment is
published. Nothing is delivered unless the surrounding transaction commits
(`transaction.on_commit`): a rolled-back acceptance never reaches a screen.

After the commit an event is
1. stored as a row of `dashboards.Event`, whose primary key is the event id. The database
   gives ids that grow across every process, so a browser that reconnects to any app
   server sends `Last-Event-ID` and gets what it missed (the table keeps the latest
   `KEEP` events; a per-process ring buffer answers the usual short gaps without a query);
2. delivered to the connected browsers:
   - PostgreSQL: `pg_notify` on the `chiso_events` channel; every ASGI process keeps one
     LISTEN connection (psycopg 3, async) and fans the event out to its streams, so
     several app servers behind a load balancer all see every event;
   - SQLite (the embedded default, one process): straight to this process's hub.

An event carries only what is needed to decide who should refetch what: its kind, the
paths of the units concerned (permission filtering compares them with the viewer's
scope), whether it is public, and a few identifiers. Never figures: each screen refetches
its panels through views that check permissions.

The stored table is `dashboards.Event`, looked up through the app registry so that this
module (used by metrics and rounds, which sit below dashboards) imports nothing upward.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.db import DatabaseError, connection, connections, transaction

log = logging.getLogger(__name__)

CHANNEL = "chiso_events"
RING_SIZE = 2000  # events kept in memory per process for Last-Event-ID replay
KEEP = 20000  # events kept in the table
REPLAY_LIMIT = 1000  # at most this many missed events are replayed; older: reload the page
NOTIFY_MAX = 7000  # PostgreSQL's NOTIFY payload limit is 8000 bytes


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    paths: tuple[str, ...] = ()
    public: bool = False
    data: dict = field(default_factory=dict)
    at: float = 0.0  # time.time() when stored: the benchmark measures latency from it

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "paths": list(self.paths)}, ensure_ascii=False,
                          separators=(",", ":"))

    @classmethod
    def from_dict(cls, d: dict) -> Event:
        return cls(id=int(d["id"]), kind=d["kind"], paths=tuple(d.get("paths") or ()),
                   public=bool(d.get("public")), data=d.get("data") or {},
                   at=float(d.get("at") or 0.0))

    def concerns(self, path: str, subtree: bool = True) -> bool:
        """Is this event about the unit at `path` (or, with subtree, any unit under it)?"""
        if subtree:
            return any(p.startswith(path) for p in self.paths)
        return path in self.paths


def _paths(units) -> list[str]:
    if units is None:
        return []
    if hasattr(units, "path"):
        units = [units]
    return sorted({u.path if hasattr(u, "path") else str(u) for u in units})


def publish(kind: str, units=None, *, public: bool = False, **data) -> None:
    """Announce `kind` for `units` (one OrgUnit, several, or their paths) after commit.
    An empty collection of units announces nothing; `units=None` concerns everyone."""
    if units is not None and not hasattr(units, "path") and not units:
        return
    event = {"kind": kind, "paths": _paths(units), "public": public, "data": data}
    transaction.on_commit(lambda: _deliver(event), robust=True)


def _model():
    return apps.get_model("dashboards", "Event")


def store(event: dict) -> Event:
    """Write the event row (autocommit: we are after the caller's commit) and return it."""
    Row = _model()
    row = Row.objects.create(kind=event["kind"], paths=event["paths"],
                             public=event["public"], data=event["data"])
    if row.pk % 500 == 0:  # now and then, forget events nobody can still be missing
        Row.objects.filter(pk__lte=row.pk - KEEP).delete()
    return Event(id=row.pk, kind=row.kind, paths=tuple(row.paths), public=row.public,
                 data=row.data, at=row.created_at.timestamp())


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _deliver(event: dict) -> None:
    try:
        stored = store(event)
    except DatabaseError:  # the dashboards table is missing (not migrated): no live updates
        log.exception("could not store event %s", event.get("kind"))
        return
    if is_postgres():
        payload = stored.to_json()
        if len(payload.encode()) > NOTIFY_MAX:
            payload = json.dumps({"id": stored.id, "ref": True})  # listeners read the row
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])
    else:
        hub.dispatch_threadsafe(stored)


def release_connections() -> None:
    """Give back this thread's database connections (outside a transaction).

    An event stream lives for hours in its own request context; a connection it opened
    would stay open that long (Django closes them when a response *ends*), and a few
    hundred open dashboards would exhaust PostgreSQL's connections.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def events_after_released(last_id: int, limit: int = REPLAY_LIMIT) -> list[Event]:
    try:
        return events_after(last_id, limit)
    finally:
        release_connections()


def latest_id_released() -> int:
    try:
        return latest_id()
    finally:
        release_connections()


def events_after(last_id: int, limit: int = REPLAY_LIMIT) -> list[Event]:
    """Stored events with an id above `last_id`, oldest first (sync; DB)."""
    rows = _model().objects.filter(pk__gt=last_id).order_by("pk")[:limit]
    return [Event(id=r.pk, kind=r.kind, paths=tuple(r.paths), public=r.public, data=r.data,
                  at=r.created_at.timestamp()) for r in rows]


def latest_id() -> int:
    row = _model().objects.order_by("-pk").values_list("pk", flat=True).first()
    return row or 0


# --- the per-process hub (lives in the ASGI server's event loop) -----------------------
class Hub:
    """Fans events out to the streams open in this process.

    Subscribers are asyncio queues; `dispatch_threadsafe` may be called from any thread
    (Django runs sync views in worker threads), the fan-out itself runs in the loop.
    """

    QUEUE_SIZE = 500  # a stream this far behind is closed; its browser reconnects and replays

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ring: deque[Event] = deque(maxlen=RING_SIZE)
        self.subscribers: set[asyncio.Queue] = set()
        self.last_id = 0
        self._listener: asyncio.Task | None = None
        self._listening: asyncio.Event | None = None
        # The latest stored id when this hub began to receive events: every later event
        # is in the ring or still to come, so a subscriber starting at or after it needs
        # no query to catch up.
        self.since: int | None = None
        self._lock = threading.Lock()

    # -- starting -----------------------------------------------------------------------
    async def ensure_started(self) -> None:
        """Bind to the running loop; on PostgreSQL, start LISTEN and wait until it listens
        (an event committed before that would otherwise be missed)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            fresh = self.loop is not loop
            if fresh:  # first use, or a new loop (tests, a restarted server)
                self.loop = loop
                self.subscribers = set()
                self._listener = None
                self.since = None
            if is_postgres() and (self._listener is None or self._listener.done()):
                self._listening = asyncio.Event()
                self._listener = loop.create_task(self._listen())
        if self._listening is not None and self._listener is not None:
            try:
                await asyncio.wait_for(self._listening.wait(), 10)
            except TimeoutError:
                log.warning("event listener not ready after 10 s")
        if fresh and not is_postgres():
            from asgiref.sync import sync_to_async

            self.since = await sync_to_async(latest_id_released)()

    async def stop(self) -> None:
        """Stop listening (tests; a server shutting down closes its loop anyway)."""
        task, self._listener = self._listener, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def _listen(self) -> None:
        """LISTEN on PostgreSQL, reconnecting with a pause after any failure. After a
        reconnection, events stored meanwhile are read from the table (none is lost)."""
        import psycopg
        from asgiref.sync import sync_to_async

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        pause = 0.5
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(autocommit=True, **params)
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if self.since is None:
                        self.since = await sync_to_async(latest_id_released)()
                    self._listening.set()
                    pause = 0.5
                    if self.last_id:
                        for ev in await sync_to_async(events_after_released)(self.last_id):
                            self._fanout(ev)
                    async for note in conn.notifies():
                        data = json.loads(note.payload)
                        if data.get("ref"):
                            for ev in await sync_to_async(events_after_released)(data["id"] - 1, 1):
                                self._fanout(ev)
                        else:
                            self._fanout(Event.from_dict(data))
            except asyncio.CancelledError:
                raise
            except Exception:  # the database restarted, the network dropped…
                log.exception("event listener: reconnecting in %.1f s", pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10)

    # -- delivering ---------------------------------------------------------------------
    def dispatch_threadsafe(self, event: Event) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return  # no stream was ever opened in this process: nobody to tell
        try:
            loop.call_soon_threadsafe(self._fanout, event)
        except RuntimeError:  # the loop closed meanwhile
            pass

    def _fanout(self, event: Event) -> None:
        if event.id <= self.last_id and any(e.id == event.id for e in self.ring):
            return  # already delivered (replayed after a reconnection)
        self.ring.append(event)
        self.last_id = max(self.last_id, event.id)
        for queue in list(self.subscribers):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # Too far behind: end that stream (None); its browser reconnects and replays.
                self.subscribers.discard(queue)
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(None)

    # -- subscribing --------------------------------------------------------------------
    async def subscribe(self, last_id: int | None = None) -> AsyncIterator[Event]:
        """Every event after `last_id` (missed ones first), then live ones, in id order.

        Yields None when the subscriber fell too far behind or more was missed than can
        be replayed: the stream then ends and the browser reloads the page.
        """
        from asgiref.sync import sync_to_async

        await self.ensure_started()
        queue: asyncio.Queue = asyncio.Queue(self.QUEUE_SIZE)
        self.subscribers.add(queue)
        try:
            seen = last_id or 0
            if last_id is not None:
                missed = [e for e in self.ring if e.id > last_id]
                caught_up = self.since is not None and last_id >= self.since
                if not caught_up and (not self.ring or self.ring[0].id > last_id + 1):
                    # The gap may be older than this process's memory: ask the table.
                    missed = await sync_to_async(events_after_released)(last_id, REPLAY_LIMIT + 1)
                if len(missed) > REPLAY_LIMIT:
                    yield None
                    return
                for event in missed:
                    seen = max(seen, event.id)
                    yield event
            while True:
                event = await queue.get()
                if event is None:
                    yield None
                    return
                if event.id <= seen:
                    continue
                seen = event.id
                yield event
        finally:
            self.subscribers.discard(queue)


hub = Hub()

