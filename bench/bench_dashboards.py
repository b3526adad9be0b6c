"""Benchmark of the live dashboards, on PostgreSQL and uvicorn (as `make demo` serves).

1. Page: the leader dashboard of the demo province (Quảng Ninh, five years of figures:
   the demo's 2023–2025 and two more years from bench/load_dashboards.py), USERS users
   at once, two ways: leaders reading it (each waits 1–3 s between pages, for SECONDS),
   and a stress test where each asks again as soon as it has its answer.
   Figures: p50/p95 of the server time (the view's own `Server-Timing`: wall time of the
   view, panels taken from the cache or computed, and rendered) — target p95 ≤ 150 ms —,
   of its CPU time, and of the time the client waited (which adds queueing: one uvicorn
   worker, 2 cores shared with PostgreSQL and the clients). Panels are cached until the
   next event, so the page is also measured computed from scratch (an event committed
   before each request). Reference: /healthz (one trivial query) under the stress load.
2. Live update: CLIENTS open event streams on the leader's feed; the benchmark accepts
   ACCEPTS figures one after another (chiso.metrics.services.set_state, in this process,
   like a reviewer's request in another app server) and measures, for every client,
   the time from the start of the acceptance to the event's arrival. Target p95 ≤ 1 s.
   Reference: the time the acceptance itself takes to commit, in the same run.

The client is plain asyncio sockets (no HTTP library is installed). Run:
    .venv/bin/python bench/bench_dashboards.py [--users 50] [--requests 600] [--clients 200]
Without DATABASE_URL it re-runs itself under scripts/with-postgres.sh (a throw-away
database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "chiso-demo-2026"
LEADER = "lanhdao.qn"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# --- a tiny HTTP/1.1 client ------------------------------------------------------------
async def request(port: int, method: str, path: str, headers: dict | None = None,
                  body: bytes = b"") -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    out_headers: dict[str, list[str]] = {}
    for line in header_lines:
        k, _, v = line.partition(":")
        out_headers.setdefault(k.strip().lower(), []).append(v.strip())
    if "chunked" in ",".join(out_headers.get("transfer-encoding", [])):
        content = _unchunk(content)
    return int(status_line.split()[1]), out_headers, content


def _unchunk(data: bytes) -> bytes:
    out, i = b"", 0
    while True:
        j = data.index(b"\r\n", i)
        size = int(data[i:j], 16)
        if size == 0:
            return out
        out += data[j + 2:j + 2 + size]
        i = j + 4 + size


def cookies_of(headers: dict) -> dict[str, str]:
    jar = {}
    for line in headers.get("set-cookie", []):
        name, _, rest = line.partition("=")
        jar[name] = rest.split(";")[0]
    return jar


async def login(port: int) -> str:
    status, headers, body = await request(port, "GET", "/tai-khoan/dang-nhap/")
    jar = cookies_of(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = f"csrfmiddlewaretoken={token}&username={LEADER}&password={PASSWORD}".encode()
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _ = await request(port, "POST", "/tai-khoan/dang-nhap/", {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://127.0.0.1:{port}/tai-khoan/dang-nhap/"}, form)
    assert status == 302, f"login failed ({status})"
    jar.update(cookies_of(headers))
    return "; ".join(f"{k}={v}" for k, v in jar.items())


# --- 1. the page under load -------------------------------------------------------------
async def load(port: int, cookie: str, path: str, users: int, total: int = 0,
               think: tuple[float, float] = (0.0, 0.0), seconds: float = 0.0) -> dict:
    """`users` concurrent clients on `path`; each waits a random think time between
    answers (a leader reading the page) — none for a stress test. Stops after `total`
    requests, or after `seconds`."""
    import random

    rng = random.Random(7)
    out = {"waited": [], "wall": [], "cpu": []}
    remaining = [total or 10**9]
    deadline = time.perf_counter() + seconds if seconds else float("inf")

    async def user():
        await asyncio.sleep(rng.uniform(*think))  # users do not all arrive at once
        while remaining[0] > 0 and time.perf_counter() < deadline:
            remaining[0] -= 1
            start = time.perf_counter()
            status, headers, _ = await request(port, "GET", path, {"Cookie": cookie})
            out["waited"].append(1000 * (time.perf_counter() - start))
            assert status == 200, status
            timing = headers.get("server-timing", [""])[0]
            for name in ("wall", "cpu"):
                m = re.search(("app" if name == "wall" else "cpu") + r";dur=([\d.]+)", timing)
                if m:
                    out[name].append(float(m.group(1)))
            if think[1]:
                await asyncio.sleep(rng.uniform(*think))

    await asyncio.gather(*(user() for _ in range(users)))
    return out


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.0f} ms, p95 {pct(values, 95):.0f} ms"


# --- 2. live updates -----------------------------------------------------------------------
async def sse_client(port: int, cookie: str, path: str, ready: asyncio.Event, counter: list,
                     arrivals: list[tuple[int, float]], stop: asyncio.Event) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                  f"Cookie: {cookie}\r\n\r\n").encode())
    await writer.drain()
    event_kind = None
    try:
        while not stop.is_set():
            line = await reader.readline()
            if not line:
                break
            text = line.decode().rstrip("\r\n")
            if text.startswith("event: "):
                event_kind = text[7:]
                if event_kind == "hello":
                    counter[0] += 1
                    if counter[0] == counter[1]:
                        ready.set()
            elif text.startswith("data: ") and event_kind == "change":
                data = json.loads(text[6:])
                if data["kind"] == "value.accepted":
                    arrivals.append((data["data"].get("period", ""), time.time()))
    finally:
        writer.close()


def prepare_values(n: int) -> list:
    """n accepted values of the province moved back to 'submitted', to accept again."""
    from chiso.metrics.models import DataValue, State
    from chiso.metrics.services import set_state
    from chiso.orgs.demo import DEMO_PROVINCE
    from chiso.orgs.models import OrgUnit

    province = OrgUnit.objects.get(code=DEMO_PROVINCE)
    picked = list(DataValue.objects.filter(unit__path__startswith=province.path,
                                           state=State.ACCEPTED)
                  .select_related("unit", "metric", "period").order_by("-pk")[:n])
    for dv in picked:
        set_state(dv, State.SUBMITTED, user=None)
    return picked


async def live(port: int, cookie: str, clients: int, accepts: int, gap: float
               ) -> tuple[list[float], int, list[float]]:
    from asgiref.sync import sync_to_async

    from chiso.metrics.models import State
    from chiso.metrics.services import set_state
    from chiso.orgs.demo import DEMO_PROVINCE

    values = await sync_to_async(prepare_values)(accepts)
    log(f"{len(values)} values moved back to 'submitted'")
    await asyncio.sleep(1.0)  # let the 'submitted' events pass before clients connect
    ready, stop = asyncio.Event(), asyncio.Event()
    counter = [0, clients]
    per_client: list[list[tuple[str, float]]] = [[] for _ in range(clients)]
    path = f"/bang-dieu-khien/su-kien/?don_vi={DEMO_PROVINCE}"
    tasks = [asyncio.ensure_future(sse_client(port, cookie, path, ready, counter,
                                              per_client[i], stop)) for i in range(clients)]
    await asyncio.wait_for(ready.wait(), 180)
    log(f"{clients} streams open")
    starts: list[float] = []
    commits: list[float] = []
    for dv in values:
        starts.append(time.time())
        await sync_to_async(set_state)(dv, State.ACCEPTED, user=None)
        commits.append(1000 * (time.time() - starts[-1]))
        await asyncio.sleep(gap)
    await asyncio.sleep(1.5)
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies, missing = [], 0
    for arrivals in per_client:
        if len(arrivals) < len(starts):
            missing += len(starts) - len(arrivals)
        for (_, at), start in zip(arrivals, starts, strict=False):
            latencies.append(1000 * (at - start))
    return latencies, missing, commits


# --- running it -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=300,
                        help="pages requested in the stress test (no pause)")
    parser.add_argument("--seconds", type=float, default=60,
                        help="duration of the test with users pausing between pages")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--accepts", type=int, default=20)
    parser.add_argument("--gap", type=float, default=0.25, help="seconds between acceptances")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.execvp("bash", ["bash", str(ROOT / "scripts" / "with-postgres.sh"), sys.executable,
                           *sys.argv])
    sys.path.insert(0, str(ROOT / "bench"))
    import load_dashboards

    load_dashboards.setup_django()
    t0 = time.perf_counter()
    load_dashboards.prepare()
    from chiso.metrics.models import DataValue

    print(f"data: {DataValue.objects.count()} values (5 years), loaded in "
          f"{time.perf_counter() - t0:.0f} s")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the server on the way out
    port = free_port()
    # CONN_MAX_AGE=0: under ASGI every request runs in its own context, so persistent
    # connections are never reused and pile up until PostgreSQL refuses new clients.
    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(40), "DEBUG": "0",
           "CHISO_SECURE_COOKIES": "0", "LOG_LEVEL": "ERROR", "CONN_MAX_AGE": "0"}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "uvicorn"), "chiso.asgi:application",
                               "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                               "--log-level", "warning", "--no-access-log"],
                              cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        asyncio.run(run(port, args))
    finally:
        server.terminate()
        server.wait(10)


def _invalidate() -> None:
    """A committed event: every cached panel is stale, the next page computes them all."""
    from django.db import transaction

    from chiso.lib import events

    with transaction.atomic():
        events.publish("bench.tick", None)


async def cold(port: int, cookie: str, path: str, n: int) -> list[float]:
    """Server time of pages computed from scratch (an event before each request)."""
    from asgiref.sync import sync_to_async

    out = []
    for _ in range(n):
        await sync_to_async(_invalidate)()
        await asyncio.sleep(0.05)
        _, headers, _ = await request(port, "GET", path, {"Cookie": cookie})
        out.append(float(re.search(r"app;dur=([\d.]+)", headers["server-timing"][0]).group(1)))
    return out


async def run(port: int, args) -> None:
    cookie = await login(port)
    page = "/tong-quan/?nam=2025"
    await load(port, cookie, page, 5, 20)  # warm up (imports, caches, connections)
    uncached = await cold(port, cookie, page, 20)
    users = await load(port, cookie, page, args.users, think=(1.0, 3.0), seconds=args.seconds)
    stress = await load(port, cookie, page, args.users, args.requests)
    reference = await load(port, cookie, "/healthz", args.users, args.requests)
    print(f"leader dashboard {page}, PostgreSQL + uvicorn (1 worker), 5 years of figures:",
          flush=True)
    print(f"  {args.users} users reading it (1–3 s between pages, {args.seconds:.0f} s, "
          f"{len(users['wall'])} pages): server time {summary(users['wall'])} "
          f"(target p95 ≤ 150 ms); CPU {summary(users['cpu'])}; client wait "
          f"{summary(users['waited'])}")
    print(f"  {args.users} users without pause ({len(stress['wall'])} pages): server time "
          f"{summary(stress['wall'])}; CPU {summary(stress['cpu'])}; client wait "
          f"{summary(stress['waited'])}")
    print(f"  computed from scratch (an event before each of {len(uncached)} sequential "
          f"pages): server time {summary(uncached)}")
    print(f"  reference /healthz, {args.users} users without pause: client wait "
          f"{summary(reference['waited'])}", flush=True)
    latencies, missing, commits = await live(port, cookie, args.clients, args.accepts, args.gap)
    print(f"live update, {args.clients} connected clients, {args.accepts} acceptances: "
          f"{len(latencies)} deliveries, {missing} missing")
    print(f"  acceptance → event at client p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {pct(latencies, 95):.0f} ms, max {max(latencies):.0f} ms (target p95 ≤ 1000 ms)",
          flush=True)
    print(f"  reference: the acceptance itself (set_state, committed) p50 "
          f"{statistics.median(commits):.0f} ms, p95 {pct(commits, 95):.0f} ms")


if __name__ == "__main__":
    main()
