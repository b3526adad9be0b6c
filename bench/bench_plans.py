"""Benchmark of plan statuses and counts (`chiso.plans.counts.count`) for a whole province:
300 targets (a quarter of them per administrative level), 600 tasks with about 1,400
progress updates, 150 units (100 communes, 50 agencies), 40 metrics (10 of them stocks read
unit by unit) with about 25,500 accepted values, read from the database. Target: ≤ 200 ms for every target's and task's
status plus the counts.

Reference measured in the same run: the same statuses asked one target and one task at a
time (a query loop per object), checked to give the same answer.

Data are built with bulk_create in a throw-away SQLite database and, when DATABASE_URL
points at PostgreSQL, in a throw-away database on that server (created and dropped here).

Run: ``.venv/bin/python bench/bench_plans.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _databases import run_on_each_database  # noqa: E402  (bench/ is on the path)

REPEAT = 9
AS_OF = dt.date(2025, 8, 15)  # mid-plan: most targets need a trend, the costly path
N_COMMUNES, N_AGENCIES, N_TARGETS, N_TASKS = 100, 50, 300, 600


def build() -> None:
    import numpy as np
    from django.utils import timezone

    from chiso.metrics.models import DataValue, Metric, Period
    from chiso.orgs.models import Level, OrgUnit
    from chiso.plans.models import Plan, Target, TargetValue, Task, TaskUpdate

    rng = np.random.default_rng(11)
    K = OrgUnit.Kind
    nation = OrgUnit.objects.create(code="VN", name="Việt Nam", kind=K.NATION)
    province = OrgUnit.objects.create(code="P", name="Tỉnh", kind=K.PROVINCE, parent=nation)
    units = []
    for i in range(N_COMMUNES):
        units.append(OrgUnit.objects.create(code=f"X{i:03d}", name=f"Xã {i}", kind=K.COMMUNE,
                                            parent=province))
    for i in range(N_AGENCIES):
        units.append(OrgUnit.objects.create(code=f"S{i:03d}", name=f"Sở {i}", kind=K.DEPARTMENT,
                                            parent=province))
    halves = [Period.objects.for_code(f"{y}S{h}") for y in (2023, 2024, 2025) for h in (1, 2)]
    years = [Period.objects.for_code(str(y)) for y in (2023, 2024, 2025)]
    metrics = []
    for i in range(30):  # a third are stocks ("latest"): read unit by unit, as rollup() does
        metrics.append(Metric.objects.create(
            code=f"TL{i:02d}", name=f"Tỷ lệ {i}", value_type="percentage", frequency="half",
            reporting_kinds=[K.COMMUNE, K.DEPARTMENT], rollup="ratio",
            time_rollup="latest" if i % 3 == 0 else "ratio", decimals=1, min_value=0,
            max_value=100))
    for i in range(10):
        metrics.append(Metric.objects.create(
            code=f"SL{i:02d}", name=f"Số lượng {i}", value_type="count", frequency="year",
            reporting_kinds=[K.COMMUNE, K.DEPARTMENT], rollup="sum", time_rollup="sum"))
    rows = []
    for m in metrics:
        periods = halves if m.value_type == "percentage" else years
        level = rng.uniform(0.4, 0.8, len(units))
        for j, period in enumerate(periods):
            if period.end > AS_OF:
                continue
            for u, unit in enumerate(units):
                if m.value_type == "percentage":
                    d = int(rng.integers(50, 2000))
                    n = int(min(d, round(d * min(1.0, level[u] + 0.03 * j + rng.normal(0, 0.02)))))
                    rows.append(DataValue(metric=m, unit=unit, period=period, numerator=n,
                                          denominator=d, value=round(100 * n / d, 6),
                                          state="accepted", source="computed"))
                else:
                    rows.append(DataValue(metric=m, unit=unit, period=period,
                                          value=int(rng.integers(0, 50)), state="accepted",
                                          source="computed"))
    DataValue.objects.bulk_create(rows, batch_size=5000)

    plans = [Plan.objects.create(number=f"{i}/KH-UBND", title=f"Kế hoạch {i}", issuer=province,
                                 owner=province, start_year=2023, end_year=2025 + i % 2,
                                 status="in_force") for i in range(4)]
    agencies = units[N_COMMUNES:]
    plans += [Plan.objects.create(number=f"{i}/KH-S", title=f"Kế hoạch sở {i}", issuer=a,
                                  owner=a, start_year=2024, end_year=2025, status="in_force")
              for i, a in enumerate(agencies[:10])]
    targets, values = [], []
    for i in range(N_TARGETS):
        plan = plans[i % 4] if i < 200 else plans[4 + i % 10]
        metric = metrics[i % len(metrics)]
        targets.append(Target(plan=plan, code=str(i), order=i, statement=f"Chỉ tiêu {i}",
                              pillar=["Chính quyền số", "Kinh tế số", "Xã hội số"][i % 3],
                              metric=metric, lead_unit=units[i % len(units)],
                              comparison="gte"))
    Target.objects.bulk_create(targets)
    for i, t in enumerate(Target.objects.order_by("order")):
        goal = 55 + (i * 7) % 40 if t.metric.value_type == "percentage" else 1000 + i
        if i < 75:  # per level: provincial agencies and communes
            values += [TargetValue(target=t, year=2025, level=Level.PROVINCIAL, value=goal),
                       TargetValue(target=t, year=2025, level=Level.COMMUNE, value=goal - 10)]
        else:
            values += [TargetValue(target=t, year=2024, value=goal - 5),
                       TargetValue(target=t, year=t.plan.end_year, value=goal)]
    TargetValue.objects.bulk_create(values)
    tasks = []
    for i in range(N_TASKS):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=int(rng.integers(0, 700)))
        due = start + dt.timedelta(days=int(rng.integers(60, 500)))
        done = due + dt.timedelta(days=int(rng.integers(-60, 40))) if i % 3 == 0 else None
        tasks.append(Task(plan=plans[i % len(plans)], code=str(i), order=i,
                          description=f"Nhiệm vụ {i}", lead_unit=units[i % len(units)],
                          start_date=start, due_date=due,
                          completed_at=done if done and done <= AS_OF else None,
                          cancelled=i % 50 == 0, cancel_reason="Gộp" if i % 50 == 0 else ""))
    Task.objects.bulk_create(tasks)
    updates = []
    for t in Task.objects.all():
        for k in range(int(rng.integers(0, 6))):
            at = dt.datetime.combine(t.start_date, dt.time(9)) + dt.timedelta(days=30 * (k + 1))
            updates.append(TaskUpdate(task=t, unit=t.lead_unit, kind="progress",
                                      percent=min(100, 20 * (k + 1)), text="Cập nhật",
                                      created_at=timezone.make_aware(at)))
    TaskUpdate.objects.bulk_create(updates, batch_size=5000)


def timed(fn, repeat: int = REPEAT) -> tuple[float, object, float]:
    """(median wall ms, result, median CPU ms of this process). On a shared machine the
    wall time includes waiting for a core; the CPU time does not (with SQLite it is the
    whole work, with PostgreSQL the server's part is not in it)."""
    fn()  # warm-up: connection, query plans, caches
    times, cpu = [], []
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times) * 1000, result, statistics.median(cpu) * 1000


def measure(label: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from chiso.metrics.models import DataValue
    from chiso.orgs.models import OrgUnit
    from chiso.plans.counts import Scope, count
    from chiso.plans.models import Plan, Target, Task, TaskUpdate
    from chiso.plans.status import target_statuses, task_statuses

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    build()
    built = time.perf_counter() - start
    province = OrgUnit.objects.get(code="P")
    scope = Scope(plans=Plan.objects.filter(owner__path__startswith=province.path))

    def fast():
        return count(scope, AS_OF)

    def naive():
        """One target, then one task, at a time: each asks the database for itself."""
        targets = {t.pk: target_statuses(Target.objects.filter(pk=t.pk), AS_OF)[t.pk].status
                   for t in scope.targets()}
        tasks = {k.pk: task_statuses(Task.objects.filter(pk=k.pk), AS_OF)[k.pk].status
                 for k in scope.tasks()}
        return targets, tasks

    load = os.getloadavg()[0]
    ms_fast, counts, cpu_fast = timed(fast)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        fast()
    ms_ref, (ref_targets, ref_tasks), cpu_ref = timed(naive, 3)
    assert {k: r.status for k, r in counts.target_results.items()} == ref_targets
    assert {k: r.status for k, r in counts.task_results.items()} == ref_tasks
    print(f"[{label}] data: {OrgUnit.objects.count() - 2} units, {counts.n_targets} targets, "
          f"{counts.n_tasks} tasks, {TaskUpdate.objects.count():,} updates, "
          f"{DataValue.objects.count():,} values; built in {built:.1f} s")
    print(f"[{label}] targets: " + ", ".join(f"{s} {n}" for s, n in sorted(counts.targets.items())))
    print(f"[{label}] tasks: " + ", ".join(f"{s} {n}" for s, n in sorted(counts.tasks.items())))
    print(f"[{label}] machine load average at start: {load:.1f} (cores: {os.cpu_count()})")
    print(f"[{label}] statuses + counts for the province: {ms_fast:.1f} ms wall, {cpu_fast:.1f} ms "
          f"CPU, median of {REPEAT}, {len(queries)} queries (target ≤ 200 ms) "
          f"{'OK' if ms_fast <= 200 else 'SLOW'}")
    print(f"[{label}] reference (one target, one task at a time): {ms_ref:.1f} ms wall, "
          f"{cpu_ref:.1f} ms CPU; same statuses; speed-up ×{ms_ref / ms_fast:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        measure(args.child)
        return
    run_on_each_database(__file__, "plans")


if __name__ == "__main__":
    main()
