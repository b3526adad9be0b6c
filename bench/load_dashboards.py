"""Load for the dashboards benchmark: the demo (Quảng Ninh with 2023–2025) plus two more
years (2021, 2022) of accepted figures, so that the leader dashboard reads five years.

The extra years are illustrative like the demo's own: every metric of the catalogue,
for each unit of the province that reported it at the end of each period, drawn from a
seeded generator. Idempotent: values already present are left alone.

    DATABASE_URL=postgres://… .venv/bin/python bench/load_dashboards.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXTRA_YEARS = (2021, 2022)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    os.environ.setdefault("CHISO_ALLOW_DEFAULT_SECRET", "1")
    import django

    django.setup()


def _data(metric, rng) -> dict | None:
    kind = metric.value_type
    if kind == "percentage":
        den = int(rng.integers(100, 3000))
        return {"numerator": int(den * rng.uniform(0.35, 0.95)), "denominator": den}
    if kind == "yes_no":
        return {"value": int(rng.random() < 0.7)}
    if kind in ("number", "count"):
        low = float(metric.min_value or 0)
        high = float(metric.max_value) if metric.max_value is not None else low + 500
        return {"value": int(rng.uniform(low, high))}
    if kind == "choice" and metric.choices:
        return {"text": str(metric.choices[int(rng.integers(len(metric.choices)))]["code"])}
    return None


def add_years(years=EXTRA_YEARS, stdout=sys.stdout) -> int:
    import numpy as np

    from chiso.metrics import periods as P
    from chiso.metrics.bulk import Entry, write_values
    from chiso.metrics.models import DataValue, Metric, Period, State
    from chiso.orgs.demo import DEMO_PROVINCE
    from chiso.orgs.models import OrgUnit

    province = OrgUnit.objects.get(code=DEMO_PROVINCE)
    rng = np.random.default_rng(2021)
    units = list(province.descendants())
    total = 0
    for metric in Metric.objects.filter(active=True).exclude(reporting_kinds=[]):
        entries = []
        periods = [Period.objects.for_code(p.code)
                   for y in years for p in P.sub_periods(P.parse(str(y)), metric.frequency)]
        have = set(DataValue.objects.filter(metric=metric, period__in=periods)
                   .values_list("unit_id", "period_id"))
        for period in periods:
            active = [u for u in units if u.kind in metric.reporting_kinds
                      and (u.valid_from is None or u.valid_from <= period.end)
                      and (u.valid_to is None or u.valid_to >= period.end)]
            for unit in active:
                data = _data(metric, rng)
                if data is None or (unit.pk, period.pk) in have:
                    continue
                entries.append(Entry(metric, unit, period, data, state=State.ACCEPTED))
        if entries:
            total += write_values(entries, user=None, source="computed",
                                  is_illustrative=True).created
    for y in years:
        Period.objects.for_code(str(y))
    print(f"load_dashboards: {total} values added for {', '.join(map(str, years))}",
          file=stdout)
    return total


def prepare(stdout=sys.stdout) -> None:
    """Migrate, load the demo, add the extra years."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))
    add_years(stdout=stdout)


if __name__ == "__main__":
    setup_django()
    prepare()
