"""Explain a score: each child's contribution to a parent, and a node's trace through the
data sets (Raw -> Denominated -> ... -> Aggregated), so every figure can be traced back.

Contributions:

* ``arithmetic``: weight share (over the children present) x child value; they sum to the
  parent's score.
* ``points`` (DTI): the child's earned points (value x maximum points) over the applicable
  maximum points of the parent; they also sum to the parent, and ``points_earned`` /
  ``points_max`` give the figures in points.
* ``geometric``, ``harmonic``, ``generalised``: there is no additive split, so the parent's
  score is shared out in proportion to weight x value (``w_i x_i / sum w_j x_j``); they sum to
  the parent and rank children by how much they carry it. ``weight_share`` still says how
  much each child counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .coin import Coin
from .errors import PipelineError

__all__ = ["Contribution", "Explanation", "explain", "what_if"]


@dataclass(frozen=True)
class Contribution:
    """One child's part in its parent's score."""

    code: str
    name: str
    weight: float
    weight_share: float  # NaN when the child is missing
    value: float
    contribution: float
    points_earned: float | None = None
    points_max: float | None = None


@dataclass
class Explanation:
    """A node's score for one unit, its children's contributions and its trace."""

    unit: str
    node: str
    time: Any
    value: float
    method: str | None
    children: list[Contribution] = field(default_factory=list)
    trace: dict[str, float] = field(default_factory=dict)

    def total(self) -> float:
        """Sum of the contributions (equals ``value`` up to rounding)."""
        return math.fsum(c.contribution for c in self.children if not math.isnan(c.contribution))


def explain(coin: Coin, unit: str, node: str, time: Any = None) -> Explanation:
    """Explain ``node``'s score for ``unit`` (and ``time`` in a panel)."""
    fw = coin.framework
    if node not in fw.nodes:
        raise PipelineError(f"explain: unknown node '{node}'")
    if unit not in coin.units:
        raise PipelineError(f"explain: unknown unit '{unit}'")
    trace = {}
    for name, ds in coin.data.items():
        if node in ds.codes:
            trace[name] = coin.value(node, unit, time, dset=name)
    agg_rec = next((r for r in coin.log if r.step == "aggregate"), None)
    method = agg_rec.params["method"] if agg_rec else None
    value = trace.get("Aggregated", trace.get(coin.latest, math.nan))
    out = Explanation(unit, node, time, value, method, trace=trace)
    if fw.nodes[node].is_indicator or agg_rec is None:
        return out
    kids = fw.children[node]
    values = [coin.value(c, unit, time, dset="Aggregated") for c, _ in kids]
    present_w = math.fsum(w for (_, w), v in zip(kids, values, strict=True) if not math.isnan(v))
    wx = math.fsum(w * v for (_, w), v in zip(kids, values, strict=True) if not math.isnan(v))
    for (code, w), v in zip(kids, values, strict=True):
        missing = math.isnan(v) or math.isnan(value)
        share = math.nan if math.isnan(v) or present_w == 0 else w / present_w
        if missing:
            contrib = math.nan
        elif method in ("arithmetic", "points"):
            contrib = share * v
        else:
            contrib = value * (w * v / wx) if wx != 0 else 0.0
        earned = maxp = None
        if method == "points":
            maxp = w
            earned = math.nan if math.isnan(v) else v * w
        out.children.append(
            Contribution(code, fw.nodes[code].name, w, share, v, contrib, earned, maxp)
        )
    return out


def what_if(coin: Coin, changes: Any, time: Any = None) -> Coin:
    """A copy of ``coin`` rescored after changing raw values (see :meth:`Coin.update`);
    the original is left as it was."""
    return coin.copy().update(changes, time=time)
