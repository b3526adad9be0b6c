"""The provincial DTI of 922/QĐ-BTTTT (DTI 2021–2023) as data, and its computation.

Facts (DTI.md, "The provincial framework of 922/QĐ-BTTTT", from Phụ lục 1 of Quyết định
922/QĐ-BTTTT of 20/5/2022, checked against the published DTI 2022 table on dti.gov.vn):

* five foundation main indices of 100 points each (Nhận thức số, Thể chế số, Hạ tầng số,
  Nhân lực số, An toàn thông tin mạng); Đô thị thông minh is collected but scores 0;
* three activity main indices: Hoạt động chính quyền số 200, kinh tế số 150, xã hội số 150;
* a main index = points earned / its max points (not-applicable components leave the
  denominator); DTI = total points / 1000;
* a pillar = (all foundation points + that activity's points) / (500 + that activity's max):
  the foundation counts in all three pillars, so the framework is a graph;
* figures are presented with 4 decimals, rounded half up; ranks descending, ties share the
  lowest rank.

The aggregation itself is not re-implemented here: the framework is expressed as a
:class:`~chiso.index.framework.Framework` and computed with the engine's ``points``
aggregation (:func:`~chiso.index.aggregate.aggregate`), the same code the COINr-style
pipeline uses.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .aggregate import aggregate
from .framework import AGGREGATE, INDICATOR, Framework, Node
from .gap import linear_weights
from .ranking import rank_min, rank_within_groups, round_half_up
from .rules import RuleResult, score

__all__ = [
    "ACTIVITY",
    "Component",
    "DTIResult",
    "FOUNDATION",
    "MAIN_INDICES",
    "MainIndex",
    "PILLARS",
    "SCORED",
    "component_points",
    "dti_framework",
    "dti_from_components",
    "dti_from_main_indices",
    "main_indices_from_components",
    "merge_units",
    "point_weights",
]

FOUNDATION = "nen_tang"
ACTIVITY = "hoat_dong"
DECIMALS = 4  # presentation of the published tables (dti.gov.vn)
TOTAL = "DTI"


@dataclass(frozen=True)
class MainIndex:
    """A main index (chỉ số chính) of 922/QĐ-BTTTT, Phụ lục 1 (via DTI.md)."""

    code: str
    name_vi: str
    name_en: str
    group: str
    max_points: float
    n_components: int
    pillar: str | None = None  # the pillar an activity main index belongs to


MAIN_INDICES: tuple[MainIndex, ...] = (
    MainIndex("NT", "Nhận thức số", "Digital awareness", FOUNDATION, 100, 10),
    MainIndex("TC", "Thể chế số", "Digital institutions", FOUNDATION, 100, 11),
    MainIndex("HT", "Hạ tầng số", "Digital infrastructure", FOUNDATION, 100, 7),
    MainIndex("NL", "Nhân lực số", "Digital human resources", FOUNDATION, 100, 13),
    MainIndex("ATTT", "An toàn thông tin mạng", "Cyber security", FOUNDATION, 100, 12),
    # Collected but not scored (0 points): kept as metadata, left out of the scored graph.
    MainIndex("DTTM", "Đô thị thông minh", "Smart city", FOUNDATION, 0, 3),
    MainIndex(
        "HD_CQS",
        "Hoạt động chính quyền số",
        "Digital government activity",
        ACTIVITY,
        200,
        22,
        "CQS",
    ),
    MainIndex(
        "HD_KTS", "Hoạt động kinh tế số", "Digital economy activity", ACTIVITY, 150, 12, "KTS"
    ),
    MainIndex("HD_XHS", "Hoạt động xã hội số", "Digital society activity", ACTIVITY, 150, 8, "XHS"),
)
_BY_CODE = {m.code: m for m in MAIN_INDICES}
SCORED: tuple[str, ...] = tuple(m.code for m in MAIN_INDICES if m.max_points > 0)
PILLARS: dict[str, tuple[str, str]] = {
    "CQS": ("Chính quyền số", "Digital government"),
    "KTS": ("Kinh tế số", "Digital economy"),
    "XHS": ("Xã hội số", "Digital society"),
}
_MAX = np.array([_BY_CODE[c].max_points for c in SCORED])


@dataclass(frozen=True)
class Component:
    """A component indicator (chỉ số thành phần): its main index, max points and rule.

    ``rule`` is a rule dict for :func:`~chiso.index.rules.score` (``None`` when points are
    supplied directly). The official component list of 922 was not found (DTI.md), so
    component tables built in code or tests are illustrative.
    """

    code: str
    main: str
    max_points: float
    name: str = ""
    rule: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.main not in _BY_CODE:
            raise ValueError(
                f"Thành phần '{self.code}': chỉ số chính '{self.main}' không tồn tại / "
                f"component '{self.code}': unknown main index '{self.main}'"
            )
        if self.rule is not None and float(self.rule.get("max", -1)) != self.max_points:
            raise ValueError(
                f"Thành phần '{self.code}': điểm tối đa của quy tắc khác {self.max_points:g} / "
                f"component '{self.code}': the rule's max differs from {self.max_points:g}"
            )


def dti_framework(components: Sequence[Component] | None = None) -> Framework:
    """The DTI graph as an engine :class:`Framework` (``points`` aggregation).

    Without ``components`` the 8 scored main indices are the indicators (values 0..1). With
    them, each component is an indicator (value = points / max) under its main index with
    its max points as weight. Each main index feeds DTI and the pillars with its max points
    as weight: foundation ones feed all three pillars, an activity one only its own.
    Đô thị thông minh (0 points) is not part of the scored graph: its components are skipped.
    """
    nodes: list[Node] = []
    if components is not None:
        _check_components(components)
        for c in components:
            if c.main == "DTTM":
                continue
            nodes.append(Node(c.code, INDICATOR, c.name, 1, 1, ((c.main, float(c.max_points)),)))
    main_kind = INDICATOR if components is None else AGGREGATE
    for code in SCORED:
        m = _BY_CODE[code]
        pillars = list(PILLARS) if m.group == FOUNDATION else [m.pillar]
        parents = tuple((p, float(m.max_points)) for p in [*pillars, TOTAL] if p)
        nodes.append(Node(code, main_kind, m.name_vi, 2, 1, parents))
    for code, (name_vi, _) in PILLARS.items():
        nodes.append(Node(code, AGGREGATE, name_vi, 3))
    nodes.append(Node(TOTAL, AGGREGATE, "Chỉ số chuyển đổi số (DTI)", 3))
    return Framework(nodes)


def _scored(components: Sequence[Component]) -> tuple[list[int], list[Component]]:
    """Positions and components that count, i.e. all but those of Đô thị thông minh."""
    keep = [j for j, c in enumerate(components) if c.main != "DTTM"]
    return keep, [components[j] for j in keep]


def _check_components(components: Sequence[Component]) -> None:
    codes = [c.code for c in components]
    if len(set(codes)) != len(codes):
        raise ValueError("Mã thành phần bị trùng / duplicate component codes")
    reserved = set(SCORED) | set(PILLARS) | {TOTAL, "DTTM"}
    bad = [c.code for c in components if c.code in reserved]
    if bad:
        raise ValueError(f"Mã thành phần trùng mã chỉ số: {bad} / component codes clash: {bad}")
    _, scored = _scored(components)
    missing = [m for m in SCORED if not any(c.main == m for c in scored)]
    if missing:
        raise ValueError(
            f"Chỉ số chính không có thành phần: {', '.join(missing)} / "
            f"main indices without components: {', '.join(missing)}"
        )


@dataclass(frozen=True)
class DTIResult:
    """Every computed figure, unrounded, with ranks (DTI.md conventions).

    ``main`` is (..., units, 8) in :data:`SCORED` order, ``pillars`` (..., units, 3) in
    :data:`PILLARS` order, ``dti`` (..., units). ``ranks`` maps each code (main indices,
    pillars, ``"DTI"``) to ranks over the units. ``converted`` are the main indices in
    points (value × max), the "converted points" when components were not applicable.
    """

    main: np.ndarray
    pillars: np.ndarray
    dti: np.ndarray
    ranks: dict[str, np.ndarray]
    units: tuple[Hashable, ...] | None = None
    components: np.ndarray | None = None  # component points (NaN = not applicable)

    @property
    def converted(self) -> np.ndarray:
        return self.main * _MAX

    def value(self, code: str) -> np.ndarray:
        if code == TOTAL:
            return self.dti
        if code in PILLARS:
            return self.pillars[..., list(PILLARS).index(code)]
        return self.main[..., SCORED.index(code)]

    def rounded(self, code: str, decimals: int = DECIMALS) -> np.ndarray:
        """A figure as published: rounded half up to 4 decimals."""
        return round_half_up(self.value(code), decimals)

    def table(self, decimals: int | None = DECIMALS) -> dict[str, np.ndarray]:
        """``{code: values, code_rank: ranks}`` for every figure, rounded if asked."""
        out: dict[str, np.ndarray] = {}
        for code in [*SCORED, *PILLARS, TOTAL]:
            v = self.value(code)
            out[code] = v if decimals is None else round_half_up(v, decimals)
            out[f"{code}_rank"] = self.ranks[code]
        return out


def dti_from_main_indices(
    values: np.ndarray,
    units: Sequence[Hashable] | None = None,
    groups: Sequence[Hashable | None] | None = None,
    rank_decimals: int | None = DECIMALS,
) -> DTIResult:
    """Pillars, DTI and ranks from main-index values (..., units, 8) in :data:`SCORED` order.

    Ranks are computed on the figures as presented (``rank_decimals``, 4 by default): the
    published tables give equal 4-decimal values the same rank (15, 15, 17 in 2022), which
    is what this reproduces; pass ``None`` to rank on unrounded values. With ``groups``,
    units are ranked within their group (``None``: not ranked).
    """
    v = np.asarray(values, dtype=float)
    if v.ndim < 2 or v.shape[-1] != len(SCORED):
        raise ValueError(
            f"cần mảng (đơn vị × {len(SCORED)}) theo thứ tự {', '.join(SCORED)} / "
            f"expected (units × {len(SCORED)}) in order {', '.join(SCORED)}, got {v.shape}"
        )
    fw = dti_framework()
    data = np.full((*v.shape[:-1], len(fw.columns)), np.nan)
    data[..., : len(SCORED)] = v  # the indicators come first, in SCORED order
    aggregate(data, fw, method="points")
    return _result(v, data, fw, units, groups, rank_decimals, None)


def main_indices_from_components(points: np.ndarray, components: Sequence[Component]) -> np.ndarray:
    """Main-index values (..., units, 8) from component points (..., units, components).

    NaN points mean "not applicable": the component leaves its main index's denominator.
    """
    return dti_from_components(points, components, rank_decimals=None).main


def dti_from_components(
    points: np.ndarray,
    components: Sequence[Component],
    units: Sequence[Hashable] | None = None,
    groups: Sequence[Hashable | None] | None = None,
    rank_decimals: int | None = DECIMALS,
) -> DTIResult:
    """Main indices, pillars, DTI and ranks from component points (..., units, components).

    Points above a component's max are an input error (they would inflate the index), not
    silently capped. Components of Đô thị thông minh are ignored (0 points in 922).
    """
    p = np.asarray(points, dtype=float)
    comps = list(components)
    if p.ndim < 2 or p.shape[-1] != len(comps):
        raise ValueError(
            f"cần mảng (đơn vị × {len(comps)} thành phần), có {p.shape} / "
            f"expected (units × {len(comps)} components), got {p.shape}"
        )
    maxes = np.array([c.max_points for c in comps], dtype=float)
    over = p > maxes + 1e-9
    if np.any(over):
        j = int(np.argwhere(over)[0][-1])
        raise ValueError(
            f"Thành phần '{comps[j].code}': điểm vượt tối đa {maxes[j]:g} / "
            f"component '{comps[j].code}': points above the max {maxes[j]:g}"
        )
    keep, scored = _scored(comps)
    fw = dti_framework(scored)
    n_ind = len(fw.indicators)
    data = np.full((*p.shape[:-1], len(fw.columns)), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        data[..., :n_ind] = p[..., keep] / maxes[keep]
    # a 0-point component (weight 0) is valid but carries no value: keep it harmless
    data[..., :n_ind] = np.where(maxes[keep] == 0, np.nan, data[..., :n_ind])
    aggregate(data, fw, method="points")
    main = data[..., [fw.index[c] for c in SCORED]]
    return _result(main, data, fw, units, groups, rank_decimals, p)


def _result(
    main: np.ndarray,
    data: np.ndarray,
    fw: Framework,
    units: Sequence[Hashable] | None,
    groups: Sequence[Hashable | None] | None,
    rank_decimals: int | None,
    components: np.ndarray | None,
) -> DTIResult:
    pillars = data[..., [fw.index[c] for c in PILLARS]]
    dti = data[..., fw.index[TOTAL]]
    unit_axis = main.ndim - 2
    ranks: dict[str, np.ndarray] = {}
    figures = {
        **{c: main[..., i] for i, c in enumerate(SCORED)},
        **{c: pillars[..., i] for i, c in enumerate(PILLARS)},
        TOTAL: dti,
    }
    for code, v in figures.items():
        shown = v if rank_decimals is None else round_half_up(v, rank_decimals)
        shown = np.asarray(shown, dtype=float)
        if groups is None:
            ranks[code] = rank_min(shown, axis=unit_axis)
        else:
            ranks[code] = rank_within_groups(shown, groups, axis=unit_axis)
    n_units = main.shape[-2]
    if units is not None and len(units) != n_units:
        raise ValueError(f"{len(units)} tên đơn vị cho {n_units} đơn vị / unit names for units")
    return DTIResult(
        main=main,
        pillars=pillars,
        dti=dti,
        ranks=ranks,
        units=None if units is None else tuple(units),
        components=components,
    )


def component_points(
    components: Sequence[Component],
    declared: Mapping[str, Mapping[str, Any]],
    applicable: Mapping[str, Sequence[bool] | np.ndarray] | None = None,
) -> tuple[np.ndarray, dict[str, RuleResult]]:
    """Score every component from the units' declared figures with its rule.

    ``declared[component_code]`` maps the rule's input names to one value per unit;
    ``applicable[component_code]`` optionally marks the units the component applies to.
    Returns the (units × components) points (NaN = not applicable) and each component's
    :class:`~chiso.index.rules.RuleResult` (for the explanations).
    """
    results: dict[str, RuleResult] = {}
    columns = []
    for c in components:
        if c.rule is None:
            raise ValueError(
                f"Thành phần '{c.code}' không có quy tắc tính điểm / "
                f"component '{c.code}' has no scoring rule"
            )
        if c.code not in declared:
            raise ValueError(
                f"Thiếu số liệu khai báo của thành phần '{c.code}' / "
                f"no declared figures for component '{c.code}'"
            )
        mask = None if applicable is None else applicable.get(c.code)
        res = score(c.rule, declared[c.code], mask)
        results[c.code] = res
        columns.append(res.points)
    sizes = {col.size for col in columns}
    if len(sizes) > 1:
        raise ValueError(
            f"Các thành phần có số đơn vị khác nhau: {sorted(sizes)} / "
            f"components have different numbers of units: {sorted(sizes)}"
        )
    return np.column_stack(columns), results


def merge_units(
    values: np.ndarray,
    units: Sequence[Hashable],
    merges: Mapping[Hashable, Sequence[Hashable]],
) -> tuple[list[Hashable], np.ndarray]:
    """Main-index values of merged units: the unweighted mean of their predecessors'.

    This is how DTI 2024 was republished for the 34 provinces after 01/07/2025 (DTI.md,
    "Merged provinces"); pass the result to :func:`dti_from_main_indices` to recompute the
    pillars and DTI from the means (they are not the means of the predecessors' DTI, which
    coincide only because the formula is linear). ``merges`` maps each new unit to its
    predecessors (one predecessor: the unit continues unchanged). A missing predecessor
    value is left out of that mean.
    """
    v = np.asarray(values, dtype=float)
    position = {u: i for i, u in enumerate(units)}
    new_units = list(merges)
    matrix = np.zeros((len(new_units), len(position)))
    for r, new in enumerate(new_units):
        olds = list(merges[new])
        if not olds:
            raise ValueError(f"'{new}' không có đơn vị tiền thân / '{new}' has no predecessors")
        unknown = [o for o in olds if o not in position]
        if unknown:
            raise ValueError(f"Đơn vị không có số liệu: {unknown} / units without data: {unknown}")
        matrix[r, [position[o] for o in olds]] = 1.0
    # mean over present predecessors as one matrix product (units on axis -2)
    present = ~np.isnan(v)
    summed = np.einsum("nu,...uk->...nk", matrix, np.where(present, v, 0.0))
    counts = np.einsum("nu,...uk->...nk", matrix, present.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        merged = np.where(counts > 0, summed / np.maximum(counts, 1), np.nan)
    return new_units, merged


def point_weights(
    components: Sequence[Component], applicable: np.ndarray, target: str = TOTAL
) -> np.ndarray:
    """What one point of each component is worth in ``target`` (DTI, a pillar or a main
    index), per unit: (units × components), for :func:`~chiso.index.gap.gap_to_rank`.

    Without not-applicable components every point is worth 1/1000 of the DTI; where some do
    not apply, the other points of that main index weigh more (earned / applicable max).
    ``applicable`` is (units × components) booleans (e.g. ``~np.isnan(points)``).
    Components of Đô thị thông minh weigh 0.
    """
    comps = list(components)
    app = np.asarray(applicable, dtype=bool)
    keep, scored = _scored(comps)
    fw = dti_framework(scored)
    if target not in fw.index or target in fw.indicators:
        raise ValueError(
            f"'{target}' không phải chỉ số chính, trụ cột hay DTI / "
            f"'{target}' is not a main index, pillar or DTI"
        )
    maxes = np.array([c.max_points for c in scored], dtype=float)
    out = np.zeros(app.shape)
    out[:, keep] = linear_weights(fw, target, maxes, app[:, keep])
    return out
