"""Benchmark of the plans' reminder job (`chiso.plans.reminders.run`) on the province of
`bench_plans.py` (150 units, 300 targets, 600 tasks, ~31,500 values), with a reporter and
a head for every unit, the secretariat and three leaders at the province.

Figures: the first run of a day (everything owed is gathered, e-mails composed and sent
to Django's in-memory backend, every line logged) and a quiet re-run the same day (all
already sent: it must find that out and send nothing), median of several runs. No target
is set by the issue; a daily or hourly scheduler needs seconds at most.

Reference measured in the same run: what every unit owes, asked one unit at a time
(`inbox.items_for_unit` in a loop, as a per-unit scheduler would), checked to give the
same items as the bulk reading the job uses.

Run: ``.venv/bin/python bench/bench_plans_reminders.py`` (SQLite; PostgreSQL too when
DATABASE_URL points at it, in a throw-away database).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _databases import run_on_each_database  # noqa: E402  (bench/ is on the path)

sys.path.insert(0, str(ROOT / "bench"))
REPEAT = 5


def people() -> int:
    from django.contrib.auth import get_user_model

    from chiso.orgs.models import Membership, OrgUnit, Role

    User = get_user_model()
    province = OrgUnit.objects.get(code="P")
    units = list(OrgUnit.objects.filter(parent=province))
    users = [User(username=f"{role}_{u.code}", email=f"{role}_{u.code}@example.vn")
             for u in units for role in ("rep", "head")]
    users += [User(username=f"{role}_P{i}", email=f"{role}_P{i}@example.vn")
              for role in ("admin", "leader") for i in range(3)]
    User.objects.bulk_create(users)
    by_name = {u.username: u for u in User.objects.all()}
    members = [Membership(user=by_name[f"{r}_{u.code}"], unit=u, role=role)
               for u in units for r, role in (("rep", Role.REPORTER), ("head", Role.HEAD))]
    members += [Membership(user=by_name[f"{r}_P{i}"], unit=province, role=role)
                for r, role in (("admin", Role.ADMIN), ("leader", Role.LEADER)) for i in range(3)]
    Membership.objects.bulk_create(members)
    return len(users)


def measure(label: str) -> None:
    import django

    django.setup()
    import bench_plans
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command

    from chiso.orgs.models import OrgUnit
    from chiso.plans import inbox, reminders
    from chiso.plans.models import ReminderLog

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    call_command("migrate", verbosity=0)
    bench_plans.build()
    n_people = people()
    today = bench_plans.AS_OF
    now = dt.datetime.combine(today, dt.time(7), tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))

    start, start_cpu = time.perf_counter(), time.process_time()
    sent = reminders.run(now=now, stdout=io.StringIO())
    first_ms = (time.perf_counter() - start) * 1000
    first_cpu = (time.process_time() - start_cpu) * 1000
    logged = ReminderLog.objects.count()

    def quiet():
        return reminders.run(now=now + dt.timedelta(hours=1), stdout=io.StringIO())

    def bulk():
        return inbox.items_by_unit(today)

    units = list(OrgUnit.objects.all())

    def one_by_one():
        return {u.pk: its for u in units if (its := inbox.items_for_unit(u, today))}

    ms_quiet, again, cpu_quiet = bench_plans.timed(quiet, REPEAT)
    assert again == 0
    ms_bulk, by_unit, _c = bench_plans.timed(bulk, REPEAT)
    ms_ref, ref, _c = bench_plans.timed(one_by_one, 3)
    key = lambda d: {u: sorted((i.kind, i.obj.pk, i.due) for i in its) for u, its in d.items()}  # noqa: E731
    assert key(by_unit) == key(ref)
    n_items = sum(len(v) for v in by_unit.values())
    print(f"[{label}] {len(units) - 2} units, {n_people} people with e-mail; as of "
          f"{today:%d/%m/%Y}: {n_items} items owed by {len(by_unit)} units "
          f"({sum(i.overdue for v in by_unit.values() for i in v)} overdue)")
    print(f"[{label}] machine load average: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
    print(f"[{label}] first run of the day: {first_ms:.0f} ms wall, {first_cpu:.0f} ms CPU; "
          f"{sent} e-mails, {logged} lines logged")
    print(f"[{label}] quiet re-run (all already sent): {ms_quiet:.0f} ms wall, {cpu_quiet:.0f} ms "
          f"CPU, median of {REPEAT}; 0 e-mails")
    print(f"[{label}] what every unit owes, in bulk: {ms_bulk:.1f} ms; reference, one unit at a "
          f"time: {ms_ref:.1f} ms; same items; speed-up ×{ms_ref / ms_bulk:.1f}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        measure(sys.argv[2])
        return
    run_on_each_database(__file__, "remind")


if __name__ == "__main__":
    main()
