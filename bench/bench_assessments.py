"""Benchmark of DTI assessments: publishing (score and rank, end to end from the database)
an assessment of 3,400 units × 100 components (340,000 component entries), target ≤ 2 s,
and the ranking page's server time for 3,400 units, target ≤ 150 ms (Django test client,
median of several requests).

Each figure is printed beside a simple reference measured in the same run:
- publishing: every entry loaded as a model instance and summed per unit and main index
  in Python dictionaries, then pillars and total by hand; it must give the same totals;
- the ranking page: the same rows read as model instances and rendered as plain text.

Data are built in a throw-away SQLite database and, when DATABASE_URL points at
PostgreSQL, in a throw-away database on that server (created and dropped here).

Run: ``.venv/bin/python bench/bench_assessments.py`` (``--units 500`` for a quick check);
``bash scripts/with-postgres.sh .venv/bin/python bench/bench_assessments.py`` for both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _databases import run_on_each_database  # noqa: E402  (bench/ is on the path)

N_COMPONENTS = 100
# The eight scored main indices of 922/QĐ-BTTTT with their max points and components
# (about 100 in all); foundation ones count in every pillar.
MAINS = [("NT", 100, 12, None), ("TC", 100, 12, None), ("HT", 100, 10, None),
         ("NL", 100, 13, None), ("ATTT", 100, 12, None), ("HD_CQS", 200, 19, "CQS"),
         ("HD_KTS", 150, 12, "KTS"), ("HD_XHS", 150, 10, "XHS")]
PILLARS = ["CQS", "KTS", "XHS"]
REPEAT_PUBLISH = 5
REPEAT_PAGE = 9


def build(n_units: int) -> None:
    import numpy as np
    from django.contrib.auth import get_user_model

    from chiso.assessments.models import Assessment, ComponentEntry, Framework, FrameworkNode
    from chiso.metrics.models import Period
    from chiso.orgs.models import Membership, OrgUnit, Role
    from chiso.rounds.models import ReportingRound, RoundTarget

    assert sum(m[2] for m in MAINS) == N_COMPONENTS
    K = OrgUnit.Kind
    nation = OrgUnit.objects.create(code="VN", name="Việt Nam", kind=K.NATION)
    province = OrgUnit.objects.create(code="P", name="Tỉnh", kind=K.PROVINCE, parent=nation)
    first = province.pk + 1
    OrgUnit.objects.bulk_create([
        OrgUnit(pk=first + i, code=f"X{i:05d}", name=f"Xã {i}", kind=K.COMMUNE, level=3,
                parent=province, path=f"{province.path}{first + i:06d}.")
        for i in range(n_units)], batch_size=2000)
    fw = Framework.objects.create(code="BENCH", name="DTI", year=2026, scope="commune_index")
    N = FrameworkNode.Kind
    total = FrameworkNode.objects.create(framework=fw, code="DTI", name="DTI", kind=N.TOTAL,
                                         max_points=1000)
    pillars = {p: FrameworkNode.objects.create(framework=fw, code=p, name=p, kind=N.PILLAR,
                                               max_points=500 + 200) for p in PILLARS}
    components = []
    order = 0
    for code, max_points, n_comp, pillar in MAINS:
        main = FrameworkNode.objects.create(framework=fw, code=code, name=code, kind=N.MAIN,
                                            max_points=max_points)
        main.parents.set([total, *([pillars[pillar]] if pillar else pillars.values())])
        per = max_points / n_comp
        for j in range(n_comp):
            order += 1
            c = FrameworkNode.objects.create(
                framework=fw, code=f"{code}.{j + 1}", name=f"Thành phần {code}.{j + 1}",
                kind=N.COMPONENT, max_points=per, order=order,
                rule={"kind": "direct", "max": per})
            c.parents.set([main])
            components.append(c)
    period = Period.objects.for_code("2026")
    rnd = ReportingRound.objects.create(name="Đánh giá 2026", owner=province, period=period,
                                        opens_on=dt.date(2026, 10, 1),
                                        deadline=dt.date(2026, 10, 15))
    RoundTarget.objects.create(round=rnd, unit=province, kinds=[K.COMMUNE])
    assessment = Assessment.objects.create(name="Bench", framework=fw, year=2026,
                                           owner=province, round=rnd)
    rng = np.random.default_rng(11)
    maxes = np.array([c.max_points for c in components])
    # Points on a 0,25 grid so that ties happen, as they do in real tables.
    pts = np.round(rng.uniform(0.2, 1.0, size=(n_units, N_COMPONENTS)) * maxes * 4) / 4
    pts = np.minimum(pts, maxes)
    na = rng.random((n_units, N_COMPONENTS)) < 0.02
    batch = []
    for i in range(n_units):
        for j, c in enumerate(components):
            p = float(pts[i, j])
            batch.append(ComponentEntry(assessment=assessment, unit_id=first + i, node=c,
                                        self_points=p, final_points=p,
                                        not_applicable=bool(na[i, j])))
        if len(batch) >= 20000:
            ComponentEntry.objects.bulk_create(batch, batch_size=5000)
            batch = []
    ComponentEntry.objects.bulk_create(batch, batch_size=5000)
    user = get_user_model().objects.create_user("lanh_dao", password="bench-pass-1")
    Membership.objects.create(user=user, unit=province, role=Role.LEADER)


def reference_publish(assessment) -> dict[int, float]:
    """Entries as model instances, summed per unit and main index in dictionaries."""
    from chiso.assessments.models import ComponentEntry

    main_of = {}
    main_max = {code: m for code, m, _, _ in MAINS}
    for node in assessment.framework.nodes.filter(kind="component").prefetch_related("parents"):
        main_of[node.pk] = (node.parents.all()[0].code, node.max_points)
    earned: dict[int, dict[str, float]] = {}
    applicable: dict[int, dict[str, float]] = {}
    for e in ComponentEntry.objects.filter(assessment=assessment):
        main, mx = main_of[e.node_id]
        if e.not_applicable:
            continue
        earned.setdefault(e.unit_id, {}).setdefault(main, 0.0)
        earned[e.unit_id][main] += e.final_points or 0.0
        applicable.setdefault(e.unit_id, {}).setdefault(main, 0.0)
        applicable[e.unit_id][main] += mx
    totals = {}
    for unit, per_main in earned.items():
        converted = sum(per_main[m] / applicable[unit][m] * main_max[m] for m in per_main)
        totals[unit] = converted / 1000
    return totals


def timed(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm-up
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def measure(label: str, n_units: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    build(n_units)
    built = time.perf_counter() - start

    from chiso.assessments import scoring
    from chiso.assessments.models import Assessment, Result

    assessment = Assessment.objects.get(name="Bench")
    ms_publish, _ = timed(lambda: scoring.publish(Assessment.objects.get(pk=assessment.pk),
                                                  None), REPEAT_PUBLISH)
    ms_ref, ref = timed(lambda: reference_publish(assessment), 2)
    dti = dict(Result.objects.filter(assessment=assessment, node__code="DTI")
               .values_list("unit_id", "score"))
    worst = max(abs(dti[u] - v) for u, v in ref.items())
    assert len(dti) == n_units and worst < 1e-9, worst
    print(f"[{label}] data: {n_units:,} units × {N_COMPONENTS} components = "
          f"{n_units * N_COMPONENTS:,} entries, built in {built:.1f} s")
    print(f"[{label}] publish (read entries, score, rank, write {Result.objects.filter(assessment=assessment).count():,} results): "
          f"{ms_publish:.0f} ms median of {REPEAT_PUBLISH} (target ≤ 2000 ms) "
          f"{'OK' if ms_publish <= 2000 else 'SLOW'}")
    print(f"[{label}] reference (entries as model instances, summed in dicts, no ranks, "
          f"nothing written): {ms_ref:.0f} ms; same DTI for every unit (max diff {worst:.1e})")
    page(label, assessment, n_units)


def page(label: str, assessment, n_units: int) -> None:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from chiso.assessments.models import Result

    try:
        url = reverse("assessments:ranking", args=[assessment.pk])
    except NoReverseMatch:
        print(f"[{label}] ranking page: not available")
        return
    client = Client(HTTP_HOST="localhost")
    client.login(username="lanh_dao", password="bench-pass-1")

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    ms_page, response = timed(get, REPEAT_PAGE)
    assert response.content.count(b"<tr") >= n_units

    def reference_page():
        lines = [f"{r.rank}\t{r.unit.name}\t{r.score:.4f}" for r in
                 Result.objects.filter(assessment=assessment, node__code="DTI")
                 .select_related("unit").order_by("rank")]
        return "\n".join(lines)

    ms_ref, _ = timed(reference_page, REPEAT_PAGE)
    print(f"[{label}] ranking page, {n_units:,} units: {ms_page:.0f} ms server time, median "
          f"of {REPEAT_PAGE} (target ≤ 150 ms) {'OK' if ms_page <= 150 else 'SLOW'}")
    print(f"[{label}] reference (DTI rows as model instances, joined as plain text): "
          f"{ms_ref:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3400)
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        measure(args.child, args.units)
        return
    run_on_each_database(__file__, "assessments", ["--units", str(args.units)])


if __name__ == "__main__":
    main()
