"""Gap to a rank: what must change for a unit to reach a given rank.

Seed 004 states the question: Tây Ninh, rank 44 of 63 with DTI 0,3426 in 2021, wants its
pillars in the top 25 by 2025. With every other unit held fixed, which component points must
it gain, and how many?

:func:`gap_to_rank` works on component points (units × components) and assumes the score
is *linear* in the unit's points, ``score_u = Σ_c w_uc · p_uc``, which holds for the DTI,
its pillars and main indices (sums of points over fixed denominators, once it is known
which components apply: see :func:`linear_weights`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from chiso.lib.formatting import format_number

from .aggregate import aggregate
from .framework import Framework
from .ranking import rank_min

__all__ = [
    "GapPlan",
    "Improvement",
    "gap_to_rank",
    "linear_scores",
    "linear_weights",
]


# ------------------------------------------------------------------------------------------
# linear scores


def linear_scores(points: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``Σ_c w_uc · p_uc`` per unit; NaN points (not applicable) count as 0."""
    p = np.nan_to_num(np.asarray(points, dtype=float), nan=0.0)
    w = np.broadcast_to(np.asarray(weights, dtype=float), p.shape)
    return np.einsum("uc,uc->u", p, w)


def linear_weights(
    framework: Framework,
    node: str,
    max_points: np.ndarray,
    applicable: np.ndarray,
    method: str = "points",
) -> np.ndarray:
    """Score of ``node`` per point of each indicator, per unit: (units × indicators).

    With the ``points`` (or ``arithmetic``) aggregation a node is linear in its indicators
    once the set of present indicators is fixed: the denominators depend only on which
    components apply. The weight of indicator c for a unit is found by aggregating the unit's
    presence pattern with c at 1 and everything else at 0, divided by c's max points (the
    indicator value is points / max). Units sharing a presence pattern share weights, so
    the work is one aggregation per distinct pattern (usually one or a few).
    """
    if method not in ("points", "arithmetic"):
        raise ValueError(f"chỉ hỗ trợ tổng hợp tuyến tính, không phải {method!r} / linear only")
    app = np.asarray(applicable, dtype=bool)
    n_ind = len(framework.indicators)
    if app.ndim != 2 or app.shape[1] != n_ind:
        raise ValueError(f"applicable cần (đơn vị × {n_ind}) / must be (units × {n_ind})")
    maxes = np.asarray(max_points, dtype=float)
    patterns, inverse = np.unique(app, axis=0, return_inverse=True)
    out_col = framework.index[node]
    per_pattern = np.zeros((len(patterns), n_ind))
    for i, pattern in enumerate(patterns):  # one batch per distinct pattern, not per unit
        rows = np.where(pattern, 0.0, np.nan)[None, :].repeat(n_ind, axis=0)
        rows[np.arange(n_ind), np.arange(n_ind)] = np.where(pattern, 1.0, np.nan)
        data = np.full((n_ind, len(framework.columns)), np.nan)
        data[:, :n_ind] = rows
        aggregate(data, framework, method=method)
        gain = np.nan_to_num(data[:, out_col], nan=0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_pattern[i] = np.where(
                pattern & (maxes > 0), gain / np.where(maxes > 0, maxes, 1), 0
            )
    return per_pattern[inverse.ravel()]


# ------------------------------------------------------------------------------------------
# gap to a rank


@dataclass(frozen=True)
class Improvement:
    """Raise ``component`` from ``before`` to ``after`` points (``added`` = after − before)."""

    component: int
    code: str
    before: float
    after: float

    @property
    def added(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class GapPlan:
    """The answer of :func:`gap_to_rank`.

    ``feasible`` is False when even full points on every applicable component cannot reach
    the rank (``reason`` says why, in Vietnamese; ``reason_en`` in English). ``required`` is
    the score to reach; ``score_after`` / ``rank_after`` are recomputed from the planned
    points, never assumed.
    """

    unit: int
    k: int
    feasible: bool
    improvements: tuple[Improvement, ...]
    score_before: float
    score_after: float
    rank_before: float
    rank_after: float
    required: float
    reason: str
    reason_en: str

    @property
    def total_points(self) -> float:
        return float(sum(i.added for i in self.improvements))

    def apply(self, points: np.ndarray) -> np.ndarray:
        out = np.array(points, dtype=float, copy=True)
        for imp in self.improvements:
            out[self.unit, imp.component] = imp.after
        return out


def gap_to_rank(
    points: np.ndarray,
    max_points: np.ndarray,
    weights: np.ndarray,
    unit: int,
    k: int,
    codes: Sequence[str] | None = None,
    strict: bool = False,
    step: float = 1e-4,
    point_step: float | None = 0.01,
) -> GapPlan:
    """The smallest set of component improvements that lifts ``unit`` to rank ≤ ``k``.

    Model: ``score_u = Σ_c w_uc · p_uc`` (:func:`linear_scores`), the other units fixed,
    component c of the unit raised by at most its headroom ``h_c = max_c − p_c`` (NaN
    points: not applicable, cannot be raised). Ranks are "min" ranks on these unrounded
    scores; reaching a score ≥ the k-th best other unit then also holds for figures rounded
    half up (rounding is monotone), so the plan is safe for the published 4-decimal ranks.

    Target: let T be the k-th highest score among the *other* units. The unit's rank is
    1 + (number of others strictly above it), so rank ≤ k ⇔ score ≥ T: with ``strict=False``
    (default) a tie with T is accepted, the unit shares a rank ≤ k (as 15, 15 in 2022). With
    ``strict=True`` it must beat T by ``step`` (default 0,0001, one unit of the published
    fourth decimal), i.e. not share the rank with it. The gap is ``D = T (+ step) − score``.

    "Smallest" means, in this order: (1) fewest components changed; (2) fewest points added.

    (1) is solved exactly by greedy on potential gain ``g_c = w_c · h_c``: with j components
    the most score one can add is the sum G_j of the j largest gains (any j components add at
    most their own gains, and the j largest add the most), and that sum is attainable because
    each component moves independently up to its headroom. So j components suffice iff
    G_j ≥ D, and the minimum is the first j with G_j ≥ D; if G_n < D it is impossible.

    (2) Within the chosen components, points are spent on the highest weight per point first
    (an exchange argument: moving a point from a lower- to a higher-weight component never
    lowers the score), the last one partially. When all the unit's components carry the same
    weight per point — the DTI with no not-applicable components, where each point is worth
    1/1000 — every feasible plan adds exactly D / w points, so the plan is also points-minimal
    over all minimum-count sets. When weights differ (not-applicable rescaling), choosing
    among equal-count sets for fewest points is a cardinality-constrained knapsack; the plan
    takes the largest gains (ties: higher weight per point, then column order) and is
    points-minimal for that set. ``point_step`` rounds each partial amount up to a multiple
    (0,01 point by default; ``None`` for exact amounts), never beyond the headroom.

    Vectorised: one sort of the unit's gains and one of the other units' scores; instant on
    63 provinces × 100 components.
    """
    p = np.asarray(points, dtype=float)
    n_units, n_comp = p.shape
    if not 0 <= unit < n_units:
        raise ValueError(f"đơn vị {unit} không tồn tại / no unit {unit}")
    if k < 1:
        raise ValueError("k phải ≥ 1 / k must be ≥ 1")
    maxes = np.broadcast_to(np.asarray(max_points, dtype=float), p.shape)
    w_all = np.broadcast_to(np.asarray(weights, dtype=float), p.shape)
    names = list(codes) if codes is not None else [str(c) for c in range(n_comp)]
    scores = linear_scores(p, w_all)
    ranks = rank_min(scores)
    s_u = float(scores[unit])
    others = np.delete(scores, unit)
    others = np.sort(others[~np.isnan(others)])[::-1]
    base = {
        "unit": unit,
        "k": k,
        "score_before": s_u,
        "rank_before": float(ranks[unit]),
    }
    if len(others) < k:
        required = -math.inf
    else:
        required = float(others[k - 1]) + (step if strict else 0.0)
    if s_u >= required:
        return GapPlan(
            **base, feasible=True, improvements=(), score_after=s_u,
            rank_after=float(ranks[unit]), required=required,
            reason=f"đã đạt hạng {int(ranks[unit])} ≤ {k}",
            reason_en=f"already at rank {int(ranks[unit])} ≤ {k}",
        )  # fmt: skip
    gap = required - s_u
    w = w_all[unit]
    head = np.where(np.isnan(p[unit]) | (w <= 0), 0.0, np.clip(maxes[unit] - p[unit], 0, None))
    gain = w * head
    order = np.lexsort((np.arange(n_comp), -w, -gain))
    cum = np.cumsum(gain[order])
    m = int(np.searchsorted(cum, gap, side="left")) + 1
    if m > n_comp or cum[-1] <= 0:
        best = s_u + float(cum[-1]) if n_comp else s_u
        return GapPlan(
            **base, feasible=False, improvements=(), score_after=s_u,
            rank_after=float(ranks[unit]), required=required,
            reason=(
                f"không thể: kể cả đạt tối đa mọi thành phần còn dư địa, điểm chỉ lên "
                f"{format_number(best, 4, 'vi')} < {format_number(required, 4, 'vi')} cần cho hạng {k}"
            ),
            reason_en=(
                f"impossible: even full points on every component with headroom give "
                f"{format_number(best, 4, 'en')} < {format_number(required, 4, 'en')} "
                f"needed for rank {k}"
            ),
        )  # fmt: skip
    chosen = order[:m]
    added = _fill(chosen, w, head, gap, point_step)
    new_points = p[unit].copy()
    new_points[chosen] = p[unit, chosen] + added
    new_score = float(linear_scores(new_points[None, :], w[None, :])[0])
    # Round-off guard: the plan is verified by recomputing the score the same way the
    # ranking does; if a last-bit error left it a hair short, top up the highest-weight
    # chosen component that still has headroom (by the shortfall, rounded up).
    for c in chosen[np.argsort(-w[chosen], kind="stable")]:
        if new_score >= required:
            break
        room = p[unit, c] + head[c] - new_points[c]
        if room <= 0:
            continue
        extra = _round_up((required - new_score) / w[c] * (1 + 1e-9) + 1e-12, point_step)
        new_points[c] += min(extra, room)
        new_score = float(linear_scores(new_points[None, :], w[None, :])[0])
    added = new_points[chosen] - p[unit, chosen]
    after = scores.copy()
    after[unit] = new_score
    rank_after = float(rank_min(after)[unit])
    improvements = tuple(
        Improvement(int(c), names[c], float(p[unit, c]), float(new_points[c]))
        for c, a in zip(chosen, added, strict=True)
        if a > 0
    )
    total = sum(i.added for i in improvements)
    return GapPlan(
        **base, feasible=True, improvements=improvements, score_after=new_score,
        rank_after=rank_after, required=required,
        reason=(
            f"cần thêm {format_number(total, 2, 'vi')} điểm ở {len(improvements)} thành phần để đạt "
            f"{format_number(new_score, 4, 'vi')} ≥ {format_number(required, 4, 'vi')}, hạng {int(rank_after)}"
        ),
        reason_en=(
            f"needs {format_number(total, 2, 'en')} more points in {len(improvements)} "
            f"components to reach {format_number(new_score, 4, 'en')} ≥ "
            f"{format_number(required, 4, 'en')}, rank {int(rank_after)}"
        ),
    )  # fmt: skip


def _fill(
    chosen: np.ndarray, w: np.ndarray, head: np.ndarray, gap: float, point_step: float | None
) -> np.ndarray:
    """Points added to each chosen component: highest weight per point first, the last one
    partially (rounded up to ``point_step``, capped at its headroom)."""
    by_weight = np.argsort(-w[chosen], kind="stable")
    h = head[chosen][by_weight]
    gains = w[chosen][by_weight] * h
    before = np.concatenate([[0.0], np.cumsum(gains)[:-1]])
    remaining = np.clip(gap - before, 0.0, None)
    need = np.where(gains <= remaining, h, remaining / w[chosen][by_weight])
    need = np.minimum(_round_up(need, point_step), h)
    out = np.empty(len(chosen))
    out[by_weight] = need
    return out


def _round_up(x: np.ndarray | float, step: float | None) -> np.ndarray:
    """Round up to a multiple of ``step`` (values already on the grid stay put)."""
    arr = np.asarray(x, dtype=float)
    if not step:
        return arr
    return np.round(np.ceil(arr / step - 1e-9) * step, 12)
