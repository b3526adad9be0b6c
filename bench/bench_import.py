"""Benchmark of value intake: 100,000 values from CSV and from XLSX.

Targets (issue 4): CSV ≤ 3 s, XLSX ≤ 10 s for 100,000 values, end to end (read, look up,
validate, permission, version check, write values and history). References measured in
the same run:
- a naive loop of `services.save_value` (one value per transaction, the way a form saves)
  over a 5,000-row sample, extrapolated to 100,000;
- plain parsing of the same CSV with the csv module (the floor: no database at all);
- plain reading of the XLSX with openpyxl in read-only mode and with python-calamine;
- the same XLSX import read by openpyxl instead of python-calamine (what calamine gains).

Runs on a throw-away SQLite file, and on a throw-away PostgreSQL database as well when
DATABASE_URL is set (Django's test-database machinery creates and drops it).

Run: ``.venv/bin/python bench/bench_import.py`` (``--rows 20000`` for a quick check).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
N_METRICS = 40


def build_files(n_rows: int, units: list[str], metrics: list[str], period: str):
    """CSV bytes and XLSX bytes with the same `n_rows` values (half numbers, half rates)."""
    from openpyxl import Workbook

    header = ["Mã đơn vị", "Mã chỉ tiêu", "Kỳ", "Giá trị", "Tử số", "Mẫu số", "Ghi chú"]
    rows = []
    for i in range(n_rows):
        unit = units[i // len(metrics)]
        m = i % len(metrics)
        if m % 2:
            rows.append([unit, metrics[m], period, "", str(i % 97), "100", ""])
        else:
            rows.append([unit, metrics[m], period, f"{(i % 1000) / 4}".replace(".", ","), "", "",
                         ""])
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Số liệu")
    ws.append(header)
    for r in rows:
        ws.append([r[0], r[1], r[2], float(r[3].replace(",", ".")) if r[3] else None,
                   int(r[4]) if r[4] else None, int(r[5]) if r[5] else None, None])
    xbuf = io.BytesIO()
    wb.save(xbuf)
    return ("\ufeff" + text.getvalue()).encode(), xbuf.getvalue(), rows


def setup_data(n_rows: int):
    """A province with enough communes for `n_rows` values over N_METRICS metrics (half
    numbers, half rates) and its admin: (user, province, unit codes, metric codes)."""
    from django.contrib.auth import get_user_model

    from chiso.metrics.models import Metric
    from chiso.orgs.models import Membership, OrgUnit, Role

    K = OrgUnit.Kind
    province = OrgUnit.objects.create(code="BP", name="Tỉnh đo", kind=K.PROVINCE)
    n_units = -(-n_rows // N_METRICS)
    for i in range(n_units):
        OrgUnit.objects.create(code=f"X{i:05d}", name=f"Xã {i}", kind=K.COMMUNE,
                               parent=province)
    for m in range(N_METRICS):
        rate = m % 2 == 1
        Metric.objects.create(
            code=f"M{m:02d}", name=f"Chỉ tiêu {m}",
            value_type=Metric.ValueType.PERCENTAGE if rate else Metric.ValueType.NUMBER,
            rollup=Metric.Rollup.RATIO if rate else Metric.Rollup.SUM, min_value=0,
            max_value=100 if rate else None, reporting_kinds=[K.COMMUNE])
    user = get_user_model().objects.create_user("bench", password="x" * 12)
    Membership.objects.create(user=user, unit=province, role=Role.ADMIN)
    return user, province, [f"X{i:05d}" for i in range(n_units)], \
        [f"M{m:02d}" for m in range(N_METRICS)]


def run(n_rows: int, sample: int) -> list[str]:
    import django

    django.setup()
    from django.db import connection

    from chiso.orgs.models import OrgUnit

    vendor = connection.vendor
    old_name = connection.settings_dict["NAME"]
    if vendor == "postgresql":
        test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        test_name = connection.settings_dict["NAME"]
    try:

        from chiso.metrics import services
        from chiso.metrics.intake import import_file
        from chiso.metrics.models import DataValue, Metric, Period

        user, _province, units, metrics = setup_data(max(n_rows, sample))
        n_units = len(units)

        csv_bytes, _x, _r = build_files(n_rows, units, metrics, "2024")
        _c, xlsx_bytes, _r = build_files(n_rows, units, metrics, "2023")
        _c, xlsx_old_bytes, _r = build_files(n_rows, units, metrics, "2021")
        _c, _x, sample_rows = build_files(sample, units, metrics, "2022")

        cpu: dict[str, float] = {}

        def timed(fn, name=""):
            """Wall-clock seconds; this process's CPU seconds go to cpu[name] as well (on
            SQLite all the work is in-process, so that figure does not grow when other
            jobs share the machine)."""
            start, start_cpu = time.perf_counter(), time.process_time()
            out = fn()
            cpu[name] = time.process_time() - start_cpu
            return time.perf_counter() - start, out

        t_csv_parse, _ = timed(lambda: sum(1 for _ in csv.reader(io.StringIO(
            csv_bytes.decode("utf-8-sig")))))

        def read_xlsx_plain():
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(xlsx_bytes), read_only=True)
            return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))

        t_xlsx_plain, _ = timed(read_xlsx_plain)

        def read_xlsx_calamine():
            from python_calamine import CalamineWorkbook

            wb = CalamineWorkbook.from_filelike(io.BytesIO(xlsx_bytes))
            return len(wb.get_sheet_by_index(0).to_python())

        t_xlsx_calamine, _ = timed(read_xlsx_calamine)
        t_csv, r_csv = timed(lambda: import_file(io.BytesIO(csv_bytes), "b.csv", user=user),
                             "csv")
        t_xlsx, r_xlsx = timed(lambda: import_file(io.BytesIO(xlsx_bytes), "b.xlsx", user=user),
                               "xlsx")
        assert r_csv.ok and r_csv.created == n_rows, r_csv.errors[:3]
        assert r_xlsx.ok and r_xlsx.created == n_rows, r_xlsx.errors[:3]

        from chiso.metrics import tabular

        fast_reader = tabular._calamine_sheets
        tabular._calamine_sheets = tabular._openpyxl_sheets  # the reader before calamine
        try:
            t_xlsx_old, r_old = timed(lambda: import_file(io.BytesIO(xlsx_old_bytes), "o.xlsx",
                                                          user=user))
        finally:
            tabular._calamine_sheets = fast_reader
        assert r_old.ok and r_old.created == n_rows, r_old.errors[:3]

        # The same CSV again: every value exists and is unchanged (version checks, no writes).
        t_again, r_again = timed(lambda: import_file(io.BytesIO(csv_bytes), "b.csv", user=user))
        assert r_again.ok and r_again.unchanged == n_rows

        unit_objs = {u.code: u for u in OrgUnit.objects.filter(code__in=units)}
        metric_objs = {m.code: m for m in Metric.objects.all()}
        period = Period.objects.for_code("2022")

        def naive():
            for r in sample_rows:
                data = ({"numerator": r[4], "denominator": r[5]} if r[4]
                        else {"value": r[3]})
                services.save_value(metric_objs[r[1]], unit_objs[r[0]], period, data, user=user)

        t_naive, _ = timed(naive)
        assert DataValue.objects.filter(period=period).count() == sample
        t_naive_full = t_naive * n_rows / sample
        return [
            f"[{vendor}] {n_rows:,} values, {N_METRICS} metrics × {n_units:,} units",
            f"[{vendor}] reference: csv module parse only       {t_csv_parse:7.2f} s",
            f"[{vendor}] reference: openpyxl read-only only    {t_xlsx_plain:7.2f} s",
            f"[{vendor}] reference: python-calamine read only  {t_xlsx_calamine:7.2f} s",
            f"[{vendor}] reference: XLSX import via openpyxl   {t_xlsx_old:7.2f} s",
            f"[{vendor}] reference: save_value loop, {sample:,} rows {t_naive:7.2f} s "
            f"→ {t_naive_full:7.1f} s extrapolated to {n_rows:,}",
            f"[{vendor}] CSV import  (target ≤ 3 s)           {t_csv:7.2f} s  "
            f"({t_naive_full / t_csv:5.0f}× faster than the loop; CPU of this process "
            f"{cpu['csv']:.2f} s)",
            f"[{vendor}] XLSX import (target ≤ 10 s)          {t_xlsx:7.2f} s  "
            f"({t_naive_full / t_xlsx:5.0f}× faster than the loop; CPU of this process "
            f"{cpu['xlsx']:.2f} s)",
            f"[{vendor}] CSV re-import, all unchanged          {t_again:7.2f} s",
        ]
    finally:
        if vendor == "postgresql":
            connection.creation.destroy_test_db(old_name, verbosity=0)
        del test_name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        for line in run(args.rows, args.sample):
            print(line, flush=True)
        return
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chiso.settings",
           "CHISO_ALLOW_DEFAULT_SECRET": "1", "LOG_LEVEL": "ERROR"}
    cmd = [sys.executable, __file__, "--child", "--rows", str(args.rows), "--sample",
           str(args.sample)]
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_env = {**env, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                      "CHISO_VAR_DIR": tmp}
        out = subprocess.run(cmd, env=sqlite_env, check=True, capture_output=True, text=True)
        lines += out.stdout.splitlines()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        lines += out.stdout.splitlines()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
