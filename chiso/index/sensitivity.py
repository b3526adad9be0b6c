"""Monte-Carlo sensitivity (uncertainty) analysis of ranks.

Each replication perturbs every weight by uniform noise (``w * U(1 - x, 1 + x)``) and picks,
uniformly, one alternative for each uncertain method choice (e.g. minmax vs zscore,
arithmetic vs geometric). The result gives, per unit, the nominal rank, the median rank and
the 5-95 % interval of the target aggregate's rank.

Speed: every distinct combination of non-aggregation choices is computed once (via
:meth:`Coin.regenerate`); the aggregation of all replications sharing it runs as one batched
matrix product per framework layer (weights shaped (replications, children, aggregates)).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .aggregate import aggregate_layer
from .coin import Coin
from .errors import PipelineError
from .ranking import rank_min

__all__ = ["SensitivityResult", "sensitivity"]


@dataclass
class SensitivityResult:
    """Ranks of ``target`` over the replications; arrays are (periods, units)."""

    target: str
    units: list[str]
    times: list[Any] | None
    nominal: np.ndarray
    median: np.ndarray
    q05: np.ndarray
    q95: np.ndarray
    ranks: np.ndarray  # (replications, periods, units)
    choices: list[dict[str, dict[str, Any]]]

    def table(self, period: int = 0) -> list[dict[str, Any]]:
        """Rows sorted by nominal rank: unit, nominal, median, q05, q95."""
        rows = [
            {"unit": u, "nominal": self.nominal[period, n], "median": self.median[period, n],
             "q05": self.q05[period, n], "q95": self.q95[period, n]}
            for n, u in enumerate(self.units) if not np.isnan(self.nominal[period, n])
        ]
        return sorted(rows, key=lambda r: r["nominal"])


def sensitivity(
    coin: Coin,
    n: int = 200,
    weight_noise: float = 0.25,
    methods: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    target: str | None = None,
    seed: int | None = 0,
    chunk_cells: int = 20_000_000,
) -> SensitivityResult:
    """Run ``n`` replications on an aggregated ``coin``.

    ``methods`` maps a logged step name to its alternatives, each a parameter mapping, e.g.
    ``{"normalise": [{"method": "minmax", "range": [1, 100]}, {"method": "zscore", "mean":
    10, "sd": 2}], "aggregate": [{"method": "arithmetic"}, {"method": "geometric"}]}``.
    ``weight_noise`` 0.25 means +-25 %. ``seed`` makes the run reproducible.
    """
    if "Aggregated" not in coin.data:
        raise PipelineError("sensitivity: the coin has not been aggregated yet")
    if not 0 <= weight_noise < 1:
        raise PipelineError("sensitivity: weight_noise must be in [0, 1)")
    fw = coin.framework
    target = target or fw.aggregates[-1]
    if target not in fw.aggregates:
        raise PipelineError(f"sensitivity: '{target}' is not an aggregate")
    methods = dict(methods or {})
    logged = {r.step: r for r in coin.log}
    for step in methods:
        if step not in logged:
            raise PipelineError(f"sensitivity: step '{step}' is not in the coin's log")
        if not methods[step]:
            raise PipelineError(f"sensitivity: no alternatives given for '{step}'")
    agg_opts = [dict(o) for o in methods.pop("aggregate", [logged["aggregate"].params])]
    for o in agg_opts:
        o.setdefault("p", 1.0)
        o.setdefault("min_availability", logged["aggregate"].params["min_availability"])
    other_steps = list(methods)
    combos = list(itertools.product(*[range(len(methods[s])) for s in other_steps]))

    rng = np.random.default_rng(seed)
    combo_pick = rng.integers(len(combos), size=n)
    agg_pick = rng.integers(len(agg_opts), size=n)
    noise = [
        rng.uniform(1 - weight_noise, 1 + weight_noise, size=(n, *layer.weights.shape))
        for layer in fw.layers
    ]

    t_count, u_count = coin.raw.shape[:2]
    ranks = np.full((n, t_count, u_count), np.nan)
    tgt = fw.index[target]
    n_ind = len(fw.indicators)
    for ci, combo in enumerate(combos):
        if other_steps:
            variant = coin.regenerate(**{s: methods[s][k] for s, k in zip(other_steps, combo,
                                                                           strict=True)})
        else:
            variant = coin
        agg_in = variant.get(logged["aggregate"].input)
        base = agg_in.values[:, :, :n_ind].reshape(-1, n_ind)
        present = agg_in.present
        for ai, opt in enumerate(agg_opts):
            reps = np.flatnonzero((combo_pick == ci) & (agg_pick == ai))
            step = max(1, chunk_cells // max(1, base.shape[0] * len(fw.columns)))
            for start in range(0, len(reps), step):
                rr = reps[start:start + step]
                vals = np.full((len(rr), base.shape[0], len(fw.columns)), np.nan)
                vals[:, :, :n_ind] = base
                for li, layer in enumerate(fw.layers):
                    w = layer.weights[None] * noise[li][rr]
                    try:
                        vals[:, :, layer.out_idx] = aggregate_layer(
                            vals[:, :, layer.child_idx], w, layer.member, opt["method"],
                            float(opt["p"]), float(opt["min_availability"]), layer.codes)
                    except ValueError as exc:
                        raise PipelineError(f"sensitivity: {exc}") from None
                score = vals[:, :, tgt].reshape(len(rr), t_count, u_count)
                score = np.where(present[None], score, np.nan)
                ranks[rr] = rank_min(score, axis=2, descending=True)
    nominal = coin.results().ranks[:, :, fw.aggregates.index(target)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # units absent in some period
        median = np.nanmedian(ranks, axis=0)
        q05, q95 = np.nanpercentile(ranks, [5, 95], axis=0)
    choices = [
        {**{s: dict(methods[s][combos[combo_pick[r]][i]]) for i, s in enumerate(other_steps)},
         "aggregate": agg_opts[agg_pick[r]]}
        for r in range(n)
    ]
    return SensitivityResult(target, list(coin.units), coin.times, nominal, median, q05, q95,
                             ranks, choices)
