"""`chiso index run` on COINr's ASEM example reproduces COINr's published Index."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chiso.index.cli import main

from .shared_data import ASEM, needs_shared

pytestmark = needs_shared

# COINr build_example_coin(): Index scores (2 decimals) of the top six, and India's rank.
PUBLISHED = {"CHE": 68.38, "NLD": 64.82, "DNK": 64.80, "NOR": 64.47, "BEL": 63.54, "SWE": 63.00}


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("asem")
    assert main(["run", str(ASEM / "pipeline.yaml"), "--out", str(out), "--top", "0"]) == 0
    return out


def _results(out: Path) -> dict[str, dict[str, str]]:
    with (out / "results.csv").open(newline="") as fh:
        return {row["uCode"]: row for row in csv.DictReader(fh)}


def test_it_reproduces_coinr_index_scores_and_ranks(out_dir: Path) -> None:
    res = _results(out_dir)
    for rank, (unit, score) in enumerate(PUBLISHED.items(), start=1):
        assert round(float(res[unit]["Index"]), 2) == score
        assert res[unit]["Index_rank"] == str(rank)
    assert round(float(res["IND"]["Index"]), 2) == 39.79
    assert res["IND"]["Index_rank"] == "45"


def test_it_writes_every_data_set(out_dir: Path) -> None:
    for name in ("Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised",
                 "Aggregated", "results"):
        assert (out_dir / f"{name}.csv").is_file(), name


def test_data_sets_start_with_ucode_and_time_and_keep_full_precision(out_dir: Path) -> None:
    with (out_dir / "Aggregated.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["uCode", "Time", "LPI"]
    assert rows[0][-1] == "Index" and len(rows) == 52
    che = next(r for r in rows if r[0] == "CHE")
    # repr() precision: the written text reads back to the same double.
    assert len(che[-1]) > 10 and float(che[-1]) == pytest.approx(68.38, abs=0.005)


def test_results_hold_a_score_and_rank_for_every_aggregate(out_dir: Path) -> None:
    with (out_dir / "results.csv").open(newline="") as fh:
        header = next(csv.reader(fh))
    aggregates = ["Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social",
                  "SusEcFin", "Conn", "Sust", "Index"]
    assert header == ["uCode", "Time"] + [x for a in aggregates for x in (a, f"{a}_rank")]


def test_denomination_leaves_lao_without_energy_missing_until_imputed(out_dir: Path) -> None:
    with (out_dir / "Denominated.csv").open(newline="") as fh:
        lao = next(r for r in csv.DictReader(fh) if r["uCode"] == "LAO")
    assert lao["Elec"] == "" and lao["Gas"] == ""
    with (out_dir / "Imputed.csv").open(newline="") as fh:
        lao = next(r for r in csv.DictReader(fh) if r["uCode"] == "LAO")
    assert lao["Elec"] != ""
