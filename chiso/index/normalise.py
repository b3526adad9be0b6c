"""Normalisation (COINr ``Normalise`` with the ``n_*`` functions).

As in COINr, an indicator with Direction -1 is multiplied by -1 first and the method is then
applied to ``d * x``; parameters expressed on the raw scale (goalposts, target, fixed bounds)
are flipped the same way, as COINr does for ``f_n_para = "use_iMeta"``. Statistics (min, max,
mean, sd, ranks) are taken per period over the units present.

Every parameter is a per-column array (one value per indicator) so one call normalises a
whole (periods, units, columns) array, and a slice of columns can be recomputed alone.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import _nan
from .ranking import rank_min

__all__ = ["NORMALISE_METHODS", "normalise"]

NORMALISE_METHODS = (
    "minmax",
    "zscore",
    "rank",
    "percentile",
    "borda",
    "goalposts",
    "dist_to_target",
    "frac_max",
    "dist_to_max",
    "none",
)


def _p(params: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    return np.asarray(params[name], dtype=float)[None, None, :]


def normalise(
    values: np.ndarray,
    method: str,
    direction: np.ndarray,
    params: Mapping[str, np.ndarray] | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Normalise ``values`` (periods, units, columns) column by column.

    ``direction`` is (columns,) of 1/-1. ``params`` maps parameter names to (columns,)
    arrays:

    * ``minmax``: ``lower``, ``upper`` (target range) and optionally ``fixed_min``,
      ``fixed_max`` (raw-scale bounds used instead of the data's min/max where not NaN;
      values outside them are clipped so scores stay in range);
    * ``zscore``: ``mean``, ``sd``;
    * ``goalposts``: ``lower``, ``upper``, ``scale``, ``trunc`` (1/0);
    * ``dist_to_target``: ``target``, ``cap`` (1/0).

    ``out`` (the shape of ``values``, not overlapping it) receives the result when given.
    """
    params = params or {}
    d = np.asarray(direction, dtype=float)[None, None, :]
    # A new array (or out): the methods below may work on it in place.
    x = np.multiply(values, d, out=out)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "none":
            out = x
        elif method == "minmax":
            lo = _nan.nanmin(x, axis=1)[:, None, :]
            hi = _nan.nanmax(x, axis=1)[:, None, :]
            if "fixed_min" in params or "fixed_max" in params:
                fmin = _p(params, "fixed_min") if "fixed_min" in params else np.nan
                fmax = _p(params, "fixed_max") if "fixed_max" in params else np.nan
                # Under d = -1 the raw bounds swap ends: min(-x) = -max(x).
                flo = np.where(d > 0, fmin, -fmax)
                fhi = np.where(d > 0, fmax, -fmin)
                lo = np.where(np.isnan(flo), lo, flo)
                hi = np.where(np.isnan(fhi), hi, fhi)
                np.clip(x, lo, hi, out=x)
            # In-place passes; a zero range divides by NaN and so gives a missing column, as
            # COINr's 0/0. (Dividing by the range, rather than multiplying by its inverse,
            # keeps tiny ranges exact.)
            span = hi - lo
            x -= lo
            x /= np.where(span > 0, span, np.nan)
            # Multiplying by 1 changes no bit, so that pass is skipped for ranges of width
            # 1. (Adding 0 is kept: it turns a -0.0, from x = -0.0 at lo = +0.0, into 0.0.)
            width = _p(params, "upper") - _p(params, "lower")
            if np.any(width != 1):
                x *= width
            x += _p(params, "lower")
            return x
        elif method == "zscore":
            m = _nan.nanmean(x, axis=1)[:, None, :]
            sd = _nan.nanstd(x, axis=1, ddof=1)[:, None, :]
            out = (x - m) / sd * _p(params, "sd") + _p(params, "mean")
        elif method in ("rank", "percentile", "borda"):
            r = rank_min(x, axis=1, descending=False)
            if method == "rank":
                out = r
            elif method == "borda":
                out = r - 1
            else:
                n = _nan.count(x, axis=1)[:, None, :]
                out = (r - 1) / (n - 1)
        elif method == "goalposts":
            lower, upper = _p(params, "lower"), _p(params, "upper")
            gl = np.where(d > 0, lower, -upper)
            gu = np.where(d > 0, upper, -lower)
            out = (x - gl) / (gu - gl)
            trunc = _p(params, "trunc") > 0
            out = np.where(trunc, np.clip(out, 0.0, 1.0), out) * _p(params, "scale")
        elif method == "dist_to_target":
            targ = _p(params, "target") * d
            lo = _nan.nanmin(x, axis=1)[:, None, :]
            out = (x - lo) / (targ - lo)
            cap = _p(params, "cap") > 0
            out = np.where(cap & (out > 1), 1.0, out)
        elif method == "frac_max":
            out = x / _nan.nanmax(x, axis=1)[:, None, :]
        elif method == "dist_to_max":
            lo = _nan.nanmin(x, axis=1)[:, None, :]
            hi = _nan.nanmax(x, axis=1)[:, None, :]
            out = 1 - (hi - x) / (hi - lo)
        else:
            raise ValueError(f"Unknown normalisation method '{method}'")
    out = np.asarray(out, dtype=float)
    # A zero range or zero target distance gives x/0: report missing, not infinity.
    out[np.isinf(out)] = np.nan
    return out
