"""A panel (ASEM_iData_p.csv, a Time column) runs every step per period."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index import Coin, run_pipeline
from chiso.index.io import read_table

from .shared_data import ASEM, needs_shared

pytestmark = needs_shared

STEPS = [
    {"denominate": {}},
    {"impute": {"method": "group_mean", "group": "EurAsia_group"}},
    {"screen": {"min_availability": 0.9}},
    {"treat": {"method": "winsorise", "max_points": 5, "skew": 2, "kurtosis": 3.5,
               "fallback": "log"}},
    {"normalise": {"method": "minmax", "range": [0, 100]}},
    {"aggregate": {"method": "arithmetic"}},
]


@pytest.fixture(scope="module")
def panel() -> Coin:
    spec = {"data": str(ASEM / "ASEM_iData_p.csv"), "meta": str(ASEM / "ASEM_iMeta.csv"),
            "steps": STEPS}
    return run_pipeline(spec)


def test_panel_has_five_periods_of_51_units(panel: Coin) -> None:
    assert panel.times == [2018, 2019, 2020, 2021, 2022]
    assert panel.get("Aggregated").values.shape == (5, 51, 60)


def test_each_period_equals_running_that_year_alone(panel: Coin) -> None:
    data = read_table(ASEM / "ASEM_iData_p.csv")
    meta = read_table(ASEM / "ASEM_iMeta.csv")
    agg = panel.get("Aggregated")
    for t, year in enumerate(panel.times):
        alone = Coin.from_tables([r for r in data if r["Time"] == year], meta)
        for step in STEPS:
            (name, params), = step.items()
            getattr(alone, name)(**params)
        other = alone.get("Aggregated")
        idx = [panel.units.index(u) for u in alone.units]
        np.testing.assert_allclose(agg.values[t, idx], other.values[0], rtol=1e-12,
                                   equal_nan=True)


def test_panel_results_rank_units_within_each_period(panel: Coin) -> None:
    res = panel.results()
    rows = res.rows()
    assert res.header()[:2] == ["uCode", "Time"]
    assert len(rows) == 255
    index_ranks = res.ranks[:, :, res.codes.index("Index")]
    for t in range(5):
        assert sorted(index_ranks[t].tolist())[:3] == [1.0, 2.0, 3.0]
