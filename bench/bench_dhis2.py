"""Benchmark of DHIS2 exchange: 100,000 values imported from a dataValueSets JSON and from
DHIS2's CSV, and exported to both, each beside a reference measured in the same run:
the import of the same values from chiso's own CSV (the path the issue's ≤ 3 s target is
for) and the export to chiso's CSV. Half the values are rates, which DHIS2 carries as two
data values (TU_SO, MAU_SO): the DHIS2 files hold 150,000 data values.

Run: ``.venv/bin/python bench/bench_dhis2.py`` (``--rows 20000`` for a quick check); on
PostgreSQL too under ``scripts/with-postgres.sh``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _databases import run_on_each_database  # noqa: E402  (bench/ is on the path)
from bench_import import N_METRICS, setup_data  # noqa: E402


def build(n_rows: int, units: list[str], metrics: list[str], year: str):
    """(chiso CSV, DHIS2 JSON, DHIS2 CSV) with the same `n_rows` values."""
    ours = io.StringIO()
    w = csv.writer(ours)
    w.writerow(["Mã đơn vị", "Mã chỉ tiêu", "Kỳ", "Giá trị", "Tử số", "Mẫu số"])
    theirs = io.StringIO()
    d = csv.writer(theirs)
    d.writerow(["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value"])
    items = []
    for i in range(n_rows):
        unit, m = units[i // len(metrics)], i % len(metrics)
        if m % 2:
            w.writerow([unit, metrics[m], year, "", i % 97, 100])
            for combo, value in (("TU_SO", str(i % 97)), ("MAU_SO", "100")):
                items.append({"dataElement": metrics[m], "period": year, "orgUnit": unit,
                              "categoryOptionCombo": combo, "value": value})
                d.writerow([metrics[m], year, unit, combo, "", value])
        else:
            value = str((i % 1000) / 4)
            w.writerow([unit, metrics[m], year, value.replace(".", ","), "", ""])
            items.append({"dataElement": metrics[m], "period": year, "orgUnit": unit,
                          "value": value})
            d.writerow([metrics[m], year, unit, "", "", value])
    return (ours.getvalue().encode(), json.dumps({"dataValues": items}).encode(),
            theirs.getvalue().encode())


def measure(label: str, n_rows: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chiso.metrics import export
    from chiso.metrics.intake import import_file
    from chiso.orgs.models import OrgUnit

    user, _province, units, metrics = setup_data(n_rows)

    def timed(fn):
        start = time.perf_counter()
        out = fn()
        return time.perf_counter() - start, out

    ours, _j, _c = build(n_rows, units, metrics, "2022")
    _o, as_json, _c = build(n_rows, units, metrics, "2023")
    _o, _j, as_csv = build(n_rows, units, metrics, "2024")
    t_ours, r = timed(lambda: import_file(io.BytesIO(ours), "a.csv", user=user))
    assert r.ok and r.created == n_rows, r.errors[:3]
    t_json, r = timed(lambda: import_file(io.BytesIO(as_json), "a.json", user=user))
    assert r.ok and r.created == n_rows, [str(e) for e in r.errors[:3]]
    t_csv, r = timed(lambda: import_file(io.BytesIO(as_csv), "b.csv", user=user))
    assert r.ok and r.created == n_rows, [str(e) for e in r.errors[:3]]

    values = export.values_for(OrgUnit.objects.all())
    t_out_ours, n = timed(lambda: sum(len(x) for x in export.csv_lines(values)))
    t_out_json, n_json = timed(lambda: sum(len(x) for x in export.dhis2_json_chunks(values)))
    t_out_csv, _n = timed(lambda: sum(len(x) for x in export.dhis2_csv_lines(values)))
    total = 3 * n_rows
    print(f"[{label}] {n_rows:,} values per file ({n_rows * 3 // 2:,} DHIS2 data values), "
          f"{N_METRICS} metrics × {len(units):,} units")
    print(f"[{label}] import DHIS2 JSON                 {t_json:7.2f} s")
    print(f"[{label}] import DHIS2 CSV                  {t_csv:7.2f} s")
    print(f"[{label}] export {total:,} values, DHIS2 JSON {t_out_json:7.2f} s "
          f"({n_json / 1e6:.0f} MB of text)")
    print(f"[{label}] export {total:,} values, DHIS2 CSV  {t_out_csv:7.2f} s")
    print(f"[{label}] reference: export, chiso CSV      {t_out_ours:7.2f} s")
    print(f"[{label}] reference: import, chiso CSV      {t_ours:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        measure(args.child, args.rows)
        return
    run_on_each_database(__file__, "dhis2", ["--rows", str(args.rows)])


if __name__ == "__main__":
    main()
