"""Benchmark of `chiso.metrics.rollup.rollup()`: one percentage metric (ratio of sums) for a
province of 3,300 communes × 24 months (79,200 values), against a simple reference measured
in the same run (load every row into Python and sum), checking that both give the same
number. Target: ≤ 100 ms for the roll-up of the 24 months.

Data are built with bulk_create in a throw-away SQLite database and, when DATABASE_URL
points at PostgreSQL, in a throw-away database on that server (created and dropped here).

Run: ``.venv/bin/python bench/bench_rollup.py`` (``--communes 500`` for a quick check).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _databases import run_on_each_database  # noqa: E402  (bench/ is on the path)

MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
REPEAT = 15


def build(n_communes: int) -> None:
    import numpy as np

    from chiso.metrics.models import DataValue, Metric, Period
    from chiso.orgs.models import OrgUnit

    K = OrgUnit.Kind
    nation = OrgUnit.objects.create(code="VN", name="Việt Nam", kind=K.NATION)
    province = OrgUnit.objects.create(code="P", name="Tỉnh", kind=K.PROVINCE, parent=nation)
    first = province.pk + 1
    OrgUnit.objects.bulk_create([
        OrgUnit(pk=first + i, code=f"X{i:05d}", name=f"Xã {i}", kind=K.COMMUNE, level=3,
                parent=province, path=f"{province.path}{first + i:06d}.")
        for i in range(n_communes)], batch_size=2000)
    metric = Metric.objects.create(
        code="TTHC_TT", name="Tỷ lệ hồ sơ TTHC xử lý trực tuyến", value_type="percentage",
        rollup="ratio", time_rollup="ratio", frequency="month",
        reporting_kinds=[K.COMMUNE], min_value=0, max_value=100)
    periods = [Period.objects.for_code(c) for c in MONTHS]
    for code in ("2024", "2025"):
        Period.objects.for_code(code)
    rng = np.random.default_rng(7)
    dens = rng.integers(50, 3000, size=(n_communes, len(periods)))
    nums = np.minimum(dens, np.round(dens * rng.uniform(0.4, 1.0, size=dens.shape))).astype(int)
    rows = []
    for i in range(n_communes):
        for j, period in enumerate(periods):
            n, d = int(nums[i, j]), int(dens[i, j])
            rows.append(DataValue(metric=metric, unit_id=first + i, period=period,
                                  numerator=n, denominator=d, value=round(100 * n / d, 6),
                                  state="accepted", source="computed"))
    DataValue.objects.bulk_create(rows, batch_size=5000)


def reference(metric, province, year_codes) -> tuple[float, int, int]:
    """Straightforward: every row into Python, summed in a loop."""
    from chiso.metrics.models import DataValue

    num = den = 0
    for n, d in DataValue.objects.filter(
            metric=metric, period__code__in=year_codes_months(year_codes), state="accepted",
            unit__path__startswith=province.path).exclude(unit=province).values_list(
                "numerator", "denominator"):
        num += n
        den += d
    return 100 * float(num) / float(den), int(num), int(den)


def year_codes_months(year_codes) -> list[str]:
    return [m for m in MONTHS if m[:4] in year_codes]


def timed(fn, repeat: int = REPEAT) -> tuple[float, object]:
    fn()  # warm-up: connection, query plan, caches
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def measure(label: str, n_communes: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from chiso.metrics.models import Metric
    from chiso.metrics.rollup import rollup
    from chiso.orgs.models import OrgUnit

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    build(n_communes)
    built = time.perf_counter() - start
    metric = Metric.objects.get(code="TTHC_TT")
    province = OrgUnit.objects.get(code="P")

    def both_years():
        a, b = rollup(metric, province, "2024"), rollup(metric, province, "2025")
        return 100 * (a.numerator + b.numerator) / (a.denominator + b.denominator), a, b

    ms_one, one = timed(lambda: rollup(metric, province, "2025"))
    ms_two, (value, a, b) = timed(both_years)
    ms_ref, (ref_value, ref_num, ref_den) = timed(lambda: reference(metric, province,
                                                                    {"2024", "2025"}), 5)
    assert a.units_with_data == b.units_with_data == n_communes == a.units_expected
    assert a.numerator + b.numerator == ref_num and a.denominator + b.denominator == ref_den
    assert abs(value - ref_value) < 1e-9, (value, ref_value)
    print(f"[{label}] data: {n_communes} communes × {len(MONTHS)} months = "
          f"{n_communes * len(MONTHS):,} values, built in {built:.1f} s")
    print(f"[{label}] rollup(2025) (12 months): {ms_one:.1f} ms median of {REPEAT}; "
          f"value {one.value:.4f} %")
    print(f"[{label}] rollup 24 months (2024 + 2025): {ms_two:.1f} ms (target ≤ 100 ms) "
          f"{'OK' if ms_two <= 100 else 'SLOW'}")
    print(f"[{label}] reference (rows into Python, summed): {ms_ref:.1f} ms; same result: "
          f"{value:.6f} % = {ref_value:.6f} %; speed-up ×{ms_ref / ms_two:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=3300)
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        measure(args.child, args.communes)
        return
    run_on_each_database(__file__, "rollup", ["--communes", str(args.communes)])


if __name__ == "__main__":
    main()
