"""Aggregation (COINr ``Aggregate`` with ``a_amean``, ``a_gmean``, ``a_hmean``, ``a_genmean``)
plus the official DTI ``points`` rule.

Aggregates are computed layer by layer (see :class:`~chiso.index.framework.Layer`), each
layer with a couple of matrix products over all units and periods at once. Weights are
renormalised over the children present; a unit with less than ``min_availability`` of an
aggregate's children present gets a missing value for that aggregate.

``points``: a node's weight is its maximum points and its value the share of them earned, so
an aggregate = sum of children's earned points / sum of the applicable children's maximum
points. A missing child ("not applicable") leaves the denominator. Numerically this is the
weighted arithmetic mean with maximum points as weights; with multi-parent nodes it gives the
DTI pillars, (foundation points + that pillar's activity points) / (500 + activity max).
"""

from __future__ import annotations

import numpy as np

from .framework import Framework

__all__ = ["AGGREGATE_METHODS", "aggregate", "aggregate_layer"]

AGGREGATE_METHODS = ("arithmetic", "geometric", "harmonic", "generalised", "points")


def aggregate_layer(
    children: np.ndarray,
    weights: np.ndarray,
    member: np.ndarray,
    method: str = "arithmetic",
    p: float = 1.0,
    min_availability: float = 0.0,
    codes: tuple[str, ...] = (),
) -> np.ndarray:
    """Aggregate ``children`` (rows, k) into (rows, m) with ``weights`` (k, m).

    ``weights`` may also be (R, k, m) with ``children`` (R, rows, k) to aggregate R weight
    sets at once (used by the sensitivity analysis).
    """
    # NaN screen without a full-size mask: a column with a NaN sums to NaN (a NaN sum
    # from inf - inf only sends the block down the general path, which is also exact).
    with np.errstate(over="ignore", invalid="ignore"):
        has_nan = bool(np.isnan(np.add.reduce(children, axis=-2)).any())
    if method in ("arithmetic", "points") and not has_nan:
        # Fast path (the usual case after imputation): every child present, so the
        # renormalising denominator is the column sum of the weights.
        den = weights.sum(axis=-2)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = (children @ weights) / (den[..., None, :] if den.ndim == 2 else den)
        return np.where(den[..., None, :] > 0 if den.ndim == 2 else den > 0, out, np.nan)
    nan = np.isnan(children)
    present = ~nan
    pf = present.astype(float)
    x0 = np.where(present, children, 0.0)
    den = pf @ weights
    counts = pf @ member.astype(float)
    n_children = member.sum(axis=-2)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in ("arithmetic", "points"):
            out = (x0 @ weights) / den
        elif method in ("geometric", "harmonic", "generalised"):
            if method == "generalised" and p == 0:
                raise ValueError("generalised mean with p = 0 is the geometric mean: use geometric")
            pos_child = (weights > 0).any(axis=-1)  # (k,) or (R, k)
            used = present & (pos_child[:, None, :] if weights.ndim == 3 else pos_child)
            negative = used & (children < 0)
            power_ok = method == "generalised" and p > 0 and float(p).is_integer()
            if negative.any() and not power_ok:
                bad = _bad_codes(negative, weights, codes)
                raise ValueError(
                    f"{method} mean needs positive values; negative values feed {bad}. "
                    "Normalise onto a positive range (e.g. minmax range [1, 100]) first"
                )
            zero = used & (children == 0)
            safe = np.where(present & (children != 0), children, 1.0)
            if method == "geometric":
                out = np.exp((np.log(np.abs(safe)) @ weights) / den)
                zero_limit = True
            elif method == "harmonic":
                out = den / ((1.0 / safe * pf) @ weights)
                zero_limit = True
            else:
                powered = np.where(present, np.where(children == 0, 0.0, safe) ** p, 0.0)
                out = ((powered @ weights) / den) ** (1.0 / p)
                zero_limit = p < 0
            if zero_limit and zero.any():
                # The limit of these means when a positively weighted child is 0 is 0
                # (COINr stops with an error instead).
                hit = (zero.astype(float) @ (weights > 0).astype(float)) > 0
                out = np.where(hit, 0.0, out)
        else:
            raise ValueError(f"Unknown aggregation method '{method}'")
        share = counts / n_children
    out = np.where((den > 0) & (counts > 0) & (share >= min_availability), out, np.nan)
    return out


def _bad_codes(negative: np.ndarray, weights: np.ndarray, codes: tuple[str, ...]) -> str:
    w2 = weights if weights.ndim == 2 else weights[0]
    neg_child = negative.reshape(-1, negative.shape[-1]).any(axis=0)
    hit = (neg_child.astype(float) @ (w2 > 0).astype(float)) > 0
    names = [c for c, h in zip(codes, hit, strict=False) if h]
    return ", ".join(names) if names else "an aggregate"


def aggregate(
    values: np.ndarray,
    framework: Framework,
    method: str = "arithmetic",
    p: float = 1.0,
    min_availability: float = 0.0,
) -> np.ndarray:
    """Fill the aggregate columns of ``values`` (..., columns) in dependency order.

    ``values`` has one column per ``framework.columns``; indicator columns are read and
    aggregate columns written (the array is modified and returned). Leading dimensions
    (periods, units) are flattened so each layer is a single matrix product.
    """
    shape = values.shape
    flat = values.reshape(-1, shape[-1])
    for layer in framework.layers:
        idx = layer.child_idx
        # A contiguous block of children (e.g. all indicators) is read as a view, not copied.
        contiguous = len(idx) and idx[-1] - idx[0] + 1 == len(idx)
        children = flat[:, idx[0]:idx[-1] + 1] if contiguous else flat[:, idx]
        flat[:, layer.out_idx] = aggregate_layer(
            children,
            layer.weights,
            layer.member,
            method=method,
            p=p,
            min_availability=min_availability,
            codes=layer.codes,
        )
    return flat.reshape(shape)
