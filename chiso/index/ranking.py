"""Ranking, bands, period-over-period change, strengths and weaknesses.

Pure NumPy, no Django. The ranking convention is the one used by the published DTI tables
(DTI.md, "ranking sorts by value, descending; ties share a rank and the next rank is skipped
(1, 2, ..., 15, 15, 17 in 2022)"), i.e. "min" (competition) ranking.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chiso.lib.formatting import format_number

from ._parallel import PARALLEL_MIN_VALUES, for_each, threads

__all__ = [
    "BandScheme",
    "Change",
    "StrengthsWeaknesses",
    "change_vs_previous",
    "describe_rank_change",
    "describe_value_change",
    "rank_min",
    "rank_within_groups",
    "round_half_up",
    "strengths_weaknesses",
]


def _order_key(moved: np.ndarray, descending: bool) -> np.ndarray:
    """A C-contiguous int64 array ordered (and tied) exactly as the values of ``moved``,
    negated if ``descending``; NaN maps to the largest int64, after every number.

    NumPy argsorts int64 with its vectorised sort but falls back to a scalar sort for
    floats containing NaN. The map is the usual one on IEEE-754 bits: positive floats keep
    their bit pattern, negative floats have every bit but the sign flipped; -0.0 is made
    +0.0 first so that the two still tie.
    """
    key = np.negative(moved, order="C") if descending else np.array(moved, order="C")
    nan = np.isnan(key)
    key += 0.0  # -0.0 -> +0.0
    bits = key.view(np.int64)
    bits ^= (bits >> 63) & np.int64(0x7FFFFFFFFFFFFFFF)
    bits[nan] = np.iinfo(np.int64).max
    return bits


def _sorted_order(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``key`` (rows, n) int64: the order that sorts it, and where each sorted
    position ties with the previous one (rows, n - 1).

    NumPy sorts int64 about three times faster than it argsorts them, so the order comes
    from one in-place sort of ``(key with its low b bits dropped) << b | position``, b bits
    being enough to number the positions. Keys that differ only in the bits dropped (a
    relative difference below about 2**-50 * n) land next to each other, in position order;
    only those neighbours are compared on their full keys. They tie if the full keys are
    equal; if they are out of order, the row is argsorted instead, so the result is
    always exact.
    """
    rows, n = key.shape
    b = max(1, (n - 1).bit_length())
    packed = key >> b
    packed <<= b
    packed |= np.arange(n, dtype=np.int64)
    packed.sort(axis=-1)
    order = packed & np.int64((1 << b) - 1)
    packed >>= b
    tie = np.equal(packed[:, 1:], packed[:, :-1])
    near = np.flatnonzero(tie)
    if len(near):
        r, c = np.divmod(near, n - 1)
        prev, cur = key[r, order[r, c]], key[r, order[r, c + 1]]
        tie[r, c] = cur == prev
        bad = np.unique(r[cur < prev])
        if len(bad):
            order[bad] = np.argsort(key[bad], axis=-1)
            ordered = np.take_along_axis(key[bad], order[bad], axis=-1)
            tie[bad] = ordered[:, 1:] == ordered[:, :-1]
    return order, tie


def rank_min(values: np.ndarray, axis: int = 0, descending: bool = True) -> np.ndarray:
    """Competition ("min") ranks along ``axis``, as floats.

    * ties share the lowest rank and the following ranks are skipped: 1, 2, 15, 15, 17;
    * a NaN value gets a NaN rank and does not take a rank from anyone else;
    * ``descending=True`` gives rank 1 to the largest value (the DTI convention).

    Works on any number of dimensions, e.g. ``(periods, units)`` with ``axis=1`` ranks the
    units within each period. Fully vectorised: one sort along the axis, no per-unit loop.
    The order within a tie does not matter (every member gets the group's first position),
    so the sort need not be stable.
    """
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        raise ValueError(
            "rank_min cần mảng ít nhất 1 chiều / rank_min needs an array with ndim >= 1"
        )
    moved = np.moveaxis(arr, axis, -1)
    n = moved.shape[-1]
    if n == 0:
        return np.moveaxis(np.empty(moved.shape, dtype=float), -1, axis)
    # Rows (every position along the other axes) are independent: a large input is ranked
    # in a few blocks along its first other axis (e.g. periods), in parallel, from a fifth
    # of the size at which element-wise steps go parallel (a sort does several times more
    # work per value). Each block builds its own keys.
    flat = moved.reshape(1, -1, n) if moved.ndim == 1 else moved.reshape(
        moved.shape[0], -1, n)
    ranks = np.empty(flat.shape)
    n_blocks = min(4 * threads(), flat.shape[0]) if flat.size >= PARALLEL_MIN_VALUES // 5 else 1
    bounds = [flat.shape[0] * i // n_blocks for i in range(n_blocks + 1)]

    def block(b: int) -> None:
        part = flat[bounds[b]:bounds[b + 1]]
        out = ranks[bounds[b]:bounds[b + 1]]
        _rank_rows(_order_key(part, descending).reshape(-1, n), out.reshape(-1, n))
        out[np.isnan(part)] = np.nan

    for_each(block, range(n_blocks))
    return np.moveaxis(ranks.reshape(moved.shape), -1, axis)


def _rank_rows(key: np.ndarray, out: np.ndarray) -> None:
    """Ranks of every row of ``key`` (rows, n) into ``out`` (rows, n); ``key`` is used as
    scratch memory."""
    n = key.shape[1]
    order, tie = _sorted_order(key)
    # Sorted position i has rank i + 1, except inside a run of ties, where every member
    # has the rank of the run's first position. Ties are few: they are fixed up by their
    # positions instead of a running maximum over every value.
    first = key.view(np.float64)  # the keys are no longer needed: reuse their memory
    first[:] = np.arange(1.0, n + 1)
    tied = np.flatnonzero(tie)
    if len(tied):
        r, c = np.divmod(tied, n - 1)
        pos = r * n + c + 1  # flat positions in (rows, n); a row's first is never tied
        new_run = np.ones(len(pos), dtype=bool)
        new_run[1:] = pos[1:] != pos[:-1] + 1
        run_start = pos[new_run] - 1  # the member before the first tied one
        flat_first = first.reshape(-1)
        flat_first[pos] = flat_first[run_start[np.cumsum(new_run) - 1]]
    order += np.arange(0, order.size, n)[:, None]  # flat positions
    out.reshape(-1)[order.reshape(-1)] = first.reshape(-1)


def rank_within_groups(
    values: np.ndarray,
    groups: Sequence[Hashable | None],
    axis: int = 0,
    descending: bool = True,
) -> np.ndarray:
    """Competition ranks computed separately inside each peer group.

    ``groups`` holds one label per unit (the units run along ``axis``). A unit is ranked only
    against units with the same label; a unit whose label is ``None`` is not ranked (NaN).
    This is how ministries are ranked in two groups (with and without public services) and
    how provincial indices rank sở, huyện and xã separately (DTI.md, "Formulas").

    Each group's units are ranked by `rank_min` (one vectorised call per group), so ties
    and NaN follow exactly the same rules as the overall rank.
    """
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        raise ValueError("cần mảng ít nhất 1 chiều / needs an array with ndim >= 1")
    moved = np.moveaxis(arr, axis, -1)
    labels = list(groups)
    n = moved.shape[-1]
    if len(labels) != n:
        raise ValueError(
            f"số nhãn nhóm ({len(labels)}) khác số đơn vị ({n}) / "
            f"{len(labels)} group labels for {n} units"
        )
    if n == 0:
        return np.moveaxis(np.empty(moved.shape, dtype=float), -1, axis)
    codes = _group_codes(labels)
    ranks = np.full(moved.shape, np.nan)
    # rank_min does the ranking (ties, NaN, direction) for each group's columns: groups
    # are few (two for ministries, three tiers in a province), so this loop is short.
    for code in np.unique(codes[codes >= 0]):
        members = np.flatnonzero(codes == code)
        ranks[..., members] = rank_min(moved[..., members], axis=-1, descending=descending)
    return np.moveaxis(ranks, -1, axis)


def _group_codes(labels: Sequence[Hashable | None]) -> np.ndarray:
    """Integer code per label in order of first appearance; ``None`` becomes -1."""
    mapping: dict[Hashable, int] = {}
    codes = np.empty(len(labels), dtype=np.int64)
    for i, label in enumerate(labels):  # labels are metadata, not data: one pass is fine
        codes[i] = -1 if label is None else mapping.setdefault(label, len(mapping))
    return codes


# --------------------------------------------------------------------------------------
# Bands (classification by thresholds)


@dataclass(frozen=True)
class BandScheme:
    """Classification of values into labelled bands by lower bounds.

    ``lower_bounds`` are ascending; band ``i`` (label ``labels[i]``) holds the values with
    ``lower_bounds[i] <= value < lower_bounds[i + 1]`` (the last band is open above). A
    value equal to a bound belongs to the upper band: DTI 2020's "nhóm 2" was published as
    0,3250–0,4000 (DTI.md), and 0,3250 itself belongs to it. Values below the first bound
    get ``below`` (``None`` by default); NaN gets ``None``.
    """

    lower_bounds: tuple[float, ...]
    labels: tuple[str, ...]
    below: str | None = None

    def __post_init__(self) -> None:
        if len(self.lower_bounds) != len(self.labels) or not self.labels:
            raise ValueError(
                "mỗi dải cần đúng một nhãn và một cận dưới / each band needs one label and "
                "one lower bound"
            )
        if any(b >= a for a, b in zip(self.lower_bounds[1:], self.lower_bounds, strict=False)):
            raise ValueError(
                "các cận dưới phải tăng dần, không trùng nhau / lower bounds must be strictly "
                "increasing"
            )

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> BandScheme:
        """Build from ``{"bands": [{"label": "khá", "min": 0.5}, ...], "below": "yếu"}``.

        The bands may be listed in any order; they are sorted by ``min``.
        """
        bands = spec.get("bands")
        if not isinstance(bands, list) or not bands:
            raise ValueError(
                "trường 'bands' phải là danh sách khác rỗng / field 'bands' must be a "
                "non-empty list"
            )
        rows: list[tuple[float, str]] = []
        for i, band in enumerate(bands):
            if not isinstance(band, Mapping) or "label" not in band or "min" not in band:
                raise ValueError(
                    f"bands[{i}] cần hai trường 'label' và 'min' / bands[{i}] needs fields "
                    "'label' and 'min'"
                )
            rows.append((float(band["min"]), str(band["label"])))
        rows.sort()
        below = spec.get("below")
        return cls(
            lower_bounds=tuple(r[0] for r in rows),
            labels=tuple(r[1] for r in rows),
            below=None if below is None else str(below),
        )

    def band_index(self, values: np.ndarray) -> np.ndarray:
        """Index of each value's band, -1 below the first bound, -2 for NaN."""
        arr = np.asarray(values, dtype=float)
        idx = np.searchsorted(np.asarray(self.lower_bounds), arr, side="right") - 1
        return np.where(np.isnan(arr), -2, idx)

    def classify(self, values: np.ndarray) -> np.ndarray:
        """Band label of each value (object array; ``below`` or ``None`` where none)."""
        idx = self.band_index(values)
        table = np.array([*self.labels, self.below, None], dtype=object)
        # -1 -> below (position len), -2 -> None (position len + 1)
        lookup = np.where(idx >= 0, idx, len(self.labels) - 1 - idx)
        return table[lookup]


# --------------------------------------------------------------------------------------
# Change against the previous period


@dataclass(frozen=True)
class Change:
    """Change of values and ranks between two periods, per unit.

    ``rank_delta`` is previous rank − current rank, so a positive number is an improvement
    ("tăng 4 bậc": from 7th to 3rd, as Quảng Ninh's DTI 2022 in seed 001). NaN where either
    period is missing (e.g. a unit created by a merger has no previous rank).
    """

    value_delta: np.ndarray
    rank_delta: np.ndarray

    def value_phrases(
        self, lang: str = "vi", decimals: int = 4, unit: str | None = None
    ) -> list[str]:
        return describe_value_change(self.value_delta, lang=lang, decimals=decimals, unit=unit)

    def rank_phrases(self, lang: str = "vi") -> list[str]:
        return describe_rank_change(self.rank_delta, lang=lang)


def change_vs_previous(
    current: np.ndarray,
    previous: np.ndarray,
    current_ranks: np.ndarray | None = None,
    previous_ranks: np.ndarray | None = None,
    axis: int = 0,
) -> Change:
    """Value and rank change of each unit against the previous period.

    Ranks default to :func:`rank_min` of the values along ``axis`` (descending). Pass ranks
    explicitly when they were computed within groups or over a different set of units.
    """
    cur = np.asarray(current, dtype=float)
    prev = np.asarray(previous, dtype=float)
    if cur.shape != prev.shape:
        raise ValueError(f"hai kỳ khác kích thước / shapes differ: {cur.shape} vs {prev.shape}")
    cr = rank_min(cur, axis=axis) if current_ranks is None else np.asarray(current_ranks, float)
    pr = rank_min(prev, axis=axis) if previous_ranks is None else np.asarray(previous_ranks, float)
    return Change(value_delta=cur - prev, rank_delta=pr - cr)


_RANK_WORDS = {
    "vi": ("tăng {n} bậc", "giảm {n} bậc", "giữ nguyên", "chưa có hạng kỳ trước"),
    "en": ("up {n} {places}", "down {n} {places}", "unchanged", "no previous rank"),
}
_VALUE_WORDS = {
    "vi": ("tăng {x}{unit}", "giảm {x}{unit}", "không đổi", "chưa có số liệu kỳ trước"),
    "en": ("up {x}{unit}", "down {x}{unit}", "unchanged", "no previous figure"),
}


def _lang(lang: str) -> str:
    return "en" if lang.lower().startswith("en") else "vi"


def describe_rank_change(rank_delta: np.ndarray, lang: str = "vi") -> list[str]:
    """Phrases such as "tăng 4 bậc", "giảm 1 bậc", "giữ nguyên" (English: "up 4 places")."""
    up, down, same, missing = _RANK_WORDS[_lang(lang)]
    out: list[str] = []
    for d in np.asarray(rank_delta, dtype=float).ravel().tolist():  # text: one string per unit
        if math.isnan(d):
            out.append(missing)
        elif d == 0:
            out.append(same)
        else:
            n = int(abs(d))
            template = up if d > 0 else down
            out.append(template.format(n=n, places="place" if n == 1 else "places"))
    return out


def describe_value_change(
    value_delta: np.ndarray, lang: str = "vi", decimals: int = 4, unit: str | None = None
) -> list[str]:
    """Phrases such as "tăng 0,1428 điểm" (seed 001's wording) or "up 0.1428 points".

    A change that rounds to zero at ``decimals`` is "không đổi" / "unchanged", so the phrase
    never contradicts the figures shown next to it.
    """
    code = _lang(lang)
    up, down, same, missing = _VALUE_WORDS[code]
    if unit is None:
        unit = " điểm" if code == "vi" else " points"
    out: list[str] = []
    for d in np.asarray(value_delta, dtype=float).ravel().tolist():
        if math.isnan(d):
            out.append(missing)
            continue
        shown = round_half_up(abs(d), decimals)
        if shown == 0:
            out.append(same)
            continue
        text = format_number(shown, decimals, code)
        out.append((up if d > 0 else down).format(x=text, unit=unit))
    return out


def round_half_up(x: float | np.ndarray, decimals: int = 4) -> Any:
    """Round half away from zero, as published DTI figures are (not NumPy's half-to-even).

    Binary floats cannot hold most decimal halves (0.70245 is stored as 0.702449999…), so
    a relative tolerance of 1e-9 decides that such a value *is* the half: the figures come
    from decimal points and would round up on paper.
    """
    arr = np.asarray(x, dtype=float)
    scale = 10.0**decimals
    y = np.abs(arr) * scale
    rounded = np.sign(arr) * np.floor(y + 0.5 + 1e-9 * np.maximum(1.0, y)) / scale
    return float(rounded) if rounded.ndim == 0 else rounded


# --------------------------------------------------------------------------------------
# Strengths and weaknesses


@dataclass(frozen=True)
class StrengthsWeaknesses:
    """Per unit, the items (columns) that stand out, best first / worst first.

    ``strengths`` and ``weaknesses`` have shape (units, k) and hold column indices, padded
    with -1 where a unit has fewer than k scored items. ``measure`` (units × items) is the
    quantity they were chosen by: the rank among peers (``method="rank"``) or the score
    minus the peer median (``method="median"``).
    """

    strengths: np.ndarray
    weaknesses: np.ndarray
    measure: np.ndarray
    method: str


def strengths_weaknesses(
    scores: np.ndarray,
    k: int = 3,
    method: str = "rank",
    groups: Sequence[Hashable | None] | None = None,
) -> StrengthsWeaknesses:
    """Strongest and weakest items of each unit compared with its peers.

    ``scores`` is (units × items), higher is better, e.g. the 8 DTI main indices (0..1), or
    component points divided by their max so items are comparable. Peers are all units, or
    the units with the same label in ``groups`` (``None``: no peers, nothing reported).

    Definitions:

    * ``method="rank"``: an item is a strength when the unit's rank among its peers on that
      item is among its k best (smallest) ranks; a weakness when among its k worst. Ties of
      rank are broken by the score minus the peer median (larger is stronger), then by
      column order. Seed 004 reasons this way: Tây Ninh's An toàn thông tin (rank 21) and
      Thể chế số (rank 23) are its strong groups, Hoạt động kinh tế số (rank 58) its weak one.
    * ``method="median"``: the measure is the score minus the peer median of that item;
      strengths are the k largest, weaknesses the k smallest (ties by column order).

    A strength and a weakness can name the same item only when a unit has fewer than 2k
    scored items. Vectorised: peer ranks and medians per item in one pass per group, then
    one lexicographic sort per unit row.
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 2:
        raise ValueError("scores phải có dạng (đơn vị × mục) / scores must be (units × items)")
    if method not in ("rank", "median"):
        raise ValueError(f"method phải là 'rank' hoặc 'median' / unknown method {method!r}")
    n_units, n_items = s.shape
    labels: list[Hashable | None] = [0] * n_units if groups is None else list(groups)
    if len(labels) != n_units:
        raise ValueError(f"{len(labels)} nhãn nhóm cho {n_units} đơn vị / labels for units")
    codes = _group_codes(labels)
    median = np.full(s.shape, np.nan)
    for code in np.unique(codes[codes >= 0]):  # one pass per peer group, not per unit
        rows = codes == code
        block = s[rows]
        with np.errstate(all="ignore"):
            col_median = _nanmedian_columns(block)
        median[rows] = col_median
    diff = s - median
    diff[codes < 0] = np.nan
    if method == "rank":
        measure = rank_within_groups(s, labels, axis=0)
        primary_strength = measure  # smaller rank is stronger
        tiebreak_strength = -diff
    else:
        measure = diff
        primary_strength = -diff
        tiebreak_strength = np.zeros_like(diff)
    missing = np.isnan(measure)
    big = np.inf
    cols = np.broadcast_to(np.arange(n_items), s.shape)
    # np.lexsort sorts by the last key first; inf pushes missing items to the end.
    strength_order = np.lexsort(
        (cols, np.where(missing, big, tiebreak_strength), np.where(missing, big, primary_strength)),
        axis=-1,
    )
    weakness_order = np.lexsort(
        (
            cols,
            np.where(missing, big, -tiebreak_strength),
            np.where(missing, big, -primary_strength),
        ),
        axis=-1,
    )
    kk = min(k, n_items)
    n_valid = (~missing).sum(axis=1, keepdims=True)
    keep = np.arange(kk)[None, :] < n_valid
    strengths = np.where(keep, strength_order[:, :kk], -1)
    weaknesses = np.where(keep, weakness_order[:, :kk], -1)
    if kk < k:
        pad = np.full((n_units, k - kk), -1)
        strengths = np.hstack([strengths, pad])
        weaknesses = np.hstack([weaknesses, pad])
    return StrengthsWeaknesses(strengths, weaknesses, measure, method)


def _nanmedian_columns(block: np.ndarray) -> np.ndarray:
    """Column medians ignoring NaN, NaN for an all-NaN column, without a RuntimeWarning."""
    all_nan = np.isnan(block).all(axis=0)
    safe = np.where(all_nan[None, :], 0.0, block)
    med = np.nanmedian(safe, axis=0)
    return np.where(all_nan, np.nan, med)
