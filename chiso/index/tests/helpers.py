"""Small frameworks and coins for hand-computed tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chiso.index import Coin, Framework, Node


def flat_framework(codes: Sequence[str], directions: Sequence[int] | None = None,
                   params: dict[str, dict[str, object]] | None = None) -> Framework:
    """Indicators ``codes`` under one aggregate ``Top`` with equal weights."""
    directions = directions or [1] * len(codes)
    params = params or {}
    nodes = [Node(c, "Indicator", c, 1, d, (("Top", 1.0),), params.get(c, {}))
             for c, d in zip(codes, directions, strict=True)]
    return Framework([*nodes, Node("Top", "Aggregate", "Top", 2)])


def coin_of(columns: dict[str, Sequence[float]], **kwargs: object) -> Coin:
    """A one-period coin with one column per indicator (NaN = missing)."""
    codes = list(columns)
    fw = kwargs.pop("framework", None) or flat_framework(codes, **kwargs)  # type: ignore[arg-type]
    values = np.array([columns[c] for c in codes], dtype=float).T
    units = [f"U{i}" for i in range(values.shape[0])]
    return Coin(fw, units, values[None])
