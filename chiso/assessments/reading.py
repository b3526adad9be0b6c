"""Reading results for the pages: the ranking table, a unit's figures, averages and best.

Everything here reads `Result` rows written by `scoring`; the only computing done is
through the engine (ranks of the post-merger grouping, strengths and weaknesses, the gap
to a rank), never a formula of its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.utils.translation import get_language

from chiso.index.gap import gap_to_rank, linear_weights
from chiso.index.ranking import rank_min, round_half_up, strengths_weaknesses
from chiso.orgs.models import OrgUnit

from . import scoring
from .models import Assessment, FrameworkNode, Result

K = FrameworkNode.Kind
FIELDS = ("score", "rank", "rank_in_group", "band", "change", "places")


@dataclass
class Row:
    unit_id: int
    code: str
    name: str
    group: str = ""
    origin: str = Result.Origin.SCORED
    illustrative: bool = False
    cells: dict[str, tuple] = field(default_factory=dict)  # node code → FIELDS values

    def value(self, code: str, what: str = "score"):
        cell = self.cells.get(code)
        return None if cell is None else cell[FIELDS.index(what)]


def headline_nodes(assessment: Assessment, with_main: bool = False) -> list[FrameworkNode]:
    """The total, the pillars and (if asked) the main indices, in framework order."""
    kinds = [K.TOTAL, K.PILLAR] + ([K.MAIN] if with_main else [])
    nodes = list(assessment.framework.nodes.filter(kind__in=kinds, max_points__gt=0)
                 .order_by("order", "pk"))
    order = {K.TOTAL: 0, K.PILLAR: 1, K.MAIN: 2}
    return sorted(nodes, key=lambda n: order[n.kind])


def ranking_rows(assessment: Assessment, nodes: Sequence[FrameworkNode],
                 origin: str = Result.Origin.SCORED) -> list[Row]:
    """One row per unit with the given nodes' figures. Two plain-cursor queries (13,600
    result rows for 3,400 units need no model machinery, and the units' names come by a
    join rather than an IN list of every unit)."""
    by_id = {n.pk: n.code for n in nodes}
    table = connection.ops.quote_name(Result._meta.db_table)
    units = connection.ops.quote_name(OrgUnit._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in
                        ("unit_id", "node_id", "group", "is_illustrative", *FIELDS))
    marks = ", ".join(["%s"] * len(by_id))
    with connection.cursor() as cur:
        cur.execute(f"SELECT {columns} FROM {table} WHERE assessment_id = %s AND origin = %s "
                    f"AND node_id IN ({marks})", [assessment.pk, origin, *by_id])
        results = cur.fetchall()
        cur.execute(f"SELECT u.id, u.code, u.name, u.short_name, u.is_illustrative "
                    f"FROM {units} u JOIN {table} r ON r.unit_id = u.id "
                    f"WHERE r.assessment_id = %s AND r.origin = %s AND r.node_id = %s",
                    [assessment.pk, origin, nodes[0].pk])
        names = cur.fetchall()
    rows: dict[int, Row] = {}
    for unit_id, node_id, group, illustrative, *values in results:
        row = rows.get(unit_id)
        if row is None:
            row = rows[unit_id] = Row(unit_id, "", "", group, origin, bool(illustrative))
        row.cells[by_id[node_id]] = tuple(values)
    for pk, code, name, short, illustrative in names:
        row = rows[pk]
        row.code, row.name = code, short or name
        row.illustrative = row.illustrative or bool(illustrative)
    return list(rows.values())


def post_merger_rows(assessment: Assessment, nodes: Sequence[FrameworkNode]) -> list[Row]:
    """Units as they are after a merger: the merged ones (mean of predecessors) and the
    assessed units that continue, ranked together (by the engine) on each node."""
    merged = ranking_rows(assessment, nodes, Result.Origin.MERGED)
    continuing_ids = set(OrgUnit.objects.filter(
        pk__in=[r.unit_id for r in ranking_rows(assessment, nodes[:1])],
        valid_to__isnull=True).values_list("pk", flat=True))
    continuing = [r for r in ranking_rows(assessment, nodes) if r.unit_id in continuing_ids]
    rows = merged + continuing
    decimals = assessment.framework.decimals
    for node in nodes:
        values = np.array([_num(r.value(node.code)) for r in rows], dtype=float)
        ranks = rank_min(round_half_up(values, decimals))
        for r, rank in zip(rows, ranks.tolist(), strict=True):
            if node.code in r.cells:
                cell = list(r.cells[node.code])
                cell[1] = None if math.isnan(rank) else int(rank)
                cell[2] = None
                r.cells[node.code] = tuple(cell)
    return rows


def _num(v) -> float:
    return math.nan if v is None else float(v)


def has_merged(assessment: Assessment) -> bool:
    return Result.objects.filter(assessment=assessment, origin=Result.Origin.MERGED).exists()


def sort_rows(rows: list[Row], key: str, total_code: str, in_group: bool) -> list[Row]:
    """By a node's value (best first), by name, or by rank (default)."""
    if key == "ten":
        return sorted(rows, key=lambda r: r.name)
    code = key or total_code
    what = "rank_in_group" if in_group and not key else "score"
    if what == "score":
        return sorted(rows, key=lambda r: (-_num(r.value(code)) if r.value(code) is not None
                                           else math.inf, r.name))
    return sorted(rows, key=lambda r: (r.value(code, what) or math.inf, r.name))


# --- one unit -----------------------------------------------------------------------------
def unit_results(assessment: Assessment, unit: OrgUnit) -> dict[str, Result]:
    return {r.node.code: r for r in Result.objects.filter(assessment=assessment, unit=unit)
            .select_related("node")}


def peer_stats(assessment: Assessment, nodes: Sequence[FrameworkNode],
               group: str | None = None) -> dict[str, tuple[float | None, float | None]]:
    """Average and best value of each node over the assessed units (of a group)."""
    qs = Result.objects.filter(assessment=assessment, node__in=nodes,
                               origin=Result.Origin.SCORED)
    if group:
        qs = qs.filter(group=group)
    by_node: dict[int, list[float]] = {}
    for node_id, value in qs.values_list("node_id", "score"):
        if value is not None:
            by_node.setdefault(node_id, []).append(value)
    out = {}
    for n in nodes:
        values = np.array(by_node.get(n.pk, []), dtype=float)
        out[n.code] = ((float(values.mean()), float(values.max())) if values.size
                       else (None, None))
    return out


def main_matrix(assessment: Assessment, mains: Sequence[FrameworkNode]
                ) -> tuple[list[int], np.ndarray, list[str]]:
    """(units × main indices) values and each unit's group, for strengths/weaknesses."""
    col = {n.pk: j for j, n in enumerate(mains)}
    rows = list(Result.objects.filter(assessment=assessment, node__in=mains,
                                      origin=Result.Origin.SCORED)
                .values_list("unit_id", "node_id", "score", "group"))
    units = sorted({r[0] for r in rows})
    index = {u: i for i, u in enumerate(units)}
    values = np.full((len(units), len(mains)), np.nan)
    groups = [""] * len(units)
    for u, n, s, g in rows:
        values[index[u], col[n]] = np.nan if s is None else s
        groups[index[u]] = g
    return units, values, groups


def strengths_and_weaknesses(assessment: Assessment, unit: OrgUnit, k: int = 2
                             ) -> tuple[list[FrameworkNode], list[FrameworkNode]]:
    """The unit's strongest and weakest main indices against its peers (engine)."""
    mains = list(assessment.framework.nodes.filter(kind=K.MAIN, max_points__gt=0)
                 .order_by("order", "pk"))
    units, values, groups = main_matrix(assessment, mains)
    if unit.pk not in units or len(units) < 2:
        return [], []
    labels = groups if any(groups) else None
    sw = strengths_weaknesses(values, k=k, groups=labels)
    i = units.index(unit.pk)
    return ([mains[j] for j in sw.strengths[i] if j >= 0],
            [mains[j] for j in sw.weaknesses[i] if j >= 0])


@dataclass
class Gap:
    feasible: bool
    reason: str
    rank_before: float
    rank_after: float
    score_before: float
    score_after: float
    steps: list[tuple[FrameworkNode, float, float, float]]  # node, before, after, max
    group: str = ""   # the ranking group the unit was ranked in ("": every assessed unit)
    compared: int = 0  # how many units it was ranked against, itself included


def ranked_group(assessment: Assessment, unit: OrgUnit) -> tuple[str, str] | None:
    """(code, label) of the ranking group the unit is ranked within, if any (a group with
    "ranked": false is scored, not ranked, and does not count)."""
    groups = assessment.groups or []
    code, ranked = scoring.group_of(groups, unit.code, unit.kind)
    if not code or not ranked:
        return None
    label = next((g.get("label") or code for g in groups if str(g.get("code", "")) == code),
                 code)
    return code, str(label)


def gap_to_top(assessment: Assessment, unit: OrgUnit, k: int,
               target: str | None = None, group: str = "") -> Gap | None:
    """The engine's answer: which components, how many points, to reach rank ≤ k on the
    total, or on a pillar or main index (`target`), every other unit held fixed. With
    `group` (a ranked group's code, the unit's own), rank ≤ k among that group's units
    only, as the group ranks are computed."""
    st = scoring.structure(assessment.framework)
    unit_ids = scoring.assessed_unit_ids(assessment)
    if unit.pk not in set(unit_ids.tolist()):
        return None
    points = scoring.points_matrix(assessment, st, unit_ids)
    node = next((n for n in st.aggregates if n.code == target), None) or next(
        n for n in st.aggregates if n.kind == K.TOTAL)
    weights = linear_weights(st.engine, node.code, st.comp_max, ~np.isnan(points))
    i = int(np.searchsorted(unit_ids, unit.pk))
    if group:
        codes, labels = scoring.unit_groups(assessment, unit_ids)
        if codes[i] != group or labels[i] is None:
            raise ValueError(f"unit {unit.code} is not ranked in group {group!r}")
        members = np.array([c == group and lab is not None for c, lab in zip(codes, labels,
                                                                              strict=True)])
        i = int(np.count_nonzero(members[:i]))
        points, weights = points[members], weights[members]
    plan = gap_to_rank(points, st.comp_max, weights, i, k,
                       codes=[c.code for c in st.components])
    by_code = {c.code: c for c in st.components}
    return Gap(plan.feasible, plan.reason if get_language() != "en" else plan.reason_en,
               plan.rank_before, plan.rank_after, plan.score_before, plan.score_after,
               [(by_code[s.code], s.before, s.after, by_code[s.code].max_points)
                for s in plan.improvements], group, int(points.shape[0]))
