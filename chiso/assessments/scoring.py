"""Scoring an assessment through the engine (`chiso.index`): nothing here computes a score,
a rank or a band itself; it reads the database into arrays, calls the engine and writes
`Result` rows back in bulk.

The path (DTI.md, "Formulas"):
    declared figures --rules--> component points (ComponentEntry.final_points)
    component points / max --"points" aggregation--> main indices, pillars, total
    values rounded to the framework's decimals --rank_min / rank_within_groups--> ranks
    --BandScheme--> bands;  --change_vs_previous--> change against last year.

A framework from the database becomes an engine `Framework` (`structure`): components are
the indicators (value = points / max, NaN = not applicable so the max leaves the
denominator), every other node an aggregate whose children weigh their max points. A
node with 0 max points (Đô thị thông minh in 922) is collected but not scored and stays
out of the graph, as in `chiso.index.dti`.

Results are written for the aggregate nodes only (main indices, pillars, total): the
component figures are the entries themselves, and 12 rows per unit instead of 110 keep
publishing 3,400 units within the performance bar.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from chiso.index.aggregate import aggregate
from chiso.index.dti import merge_units
from chiso.index.framework import AGGREGATE, INDICATOR, Node
from chiso.index.framework import Framework as EngineFramework
from chiso.index.ranking import (
    BandScheme,
    change_vs_previous,
    rank_min,
    rank_within_groups,
    round_half_up,
)
from chiso.index.rules import RuleError, score
from chiso.lib import bulkinsert, events
from chiso.orgs.models import OrgUnit, UnitSuccession

from .models import Assessment, ComponentEntry, FrameworkNode, PublishedResult, Result

K = FrameworkNode.Kind


# --- the framework as the engine sees it ------------------------------------------------
@dataclass
class Structure:
    engine: EngineFramework
    components: list[FrameworkNode]          # the indicators, in engine column order
    aggregates: list[FrameworkNode]          # the aggregates, in engine column order
    comp_max: np.ndarray
    by_code: dict[str, FrameworkNode]

    @property
    def component_ids(self) -> np.ndarray:
        return np.array([c.pk for c in self.components], dtype=np.int64)

    def column(self, code: str) -> int:
        return self.engine.index[code]


def scored_nodes(framework) -> list[FrameworkNode]:
    """The framework's nodes that carry points: a node with max 0 and everything only
    under such nodes is collected, not scored."""
    nodes = list(framework.nodes.prefetch_related("parents").order_by("order", "pk"))
    zero = {n.pk for n in nodes if n.max_points <= 0}
    changed = True
    while changed:  # a node whose parents are all unscored is unscored too (tiny graphs)
        changed = False
        for n in nodes:
            parents = [p.pk for p in n.parents.all()]
            if n.pk not in zero and parents and all(p in zero for p in parents):
                zero.add(n.pk)
                changed = True
    return [n for n in nodes if n.pk not in zero]


def structure(framework, nodes: Sequence[FrameworkNode] | None = None) -> Structure:
    """The engine `Framework` of a database framework (raises FrameworkError if invalid)."""
    nodes = list(nodes if nodes is not None else scored_nodes(framework))
    kept = {n.pk for n in nodes}
    # The leaves of the given nodes are the indicators: components for a whole framework,
    # the main indices when only the nodes above the components are given.
    with_children = {p.pk for n in nodes for p in n.parents.all() if p.pk in kept}
    engine_nodes = []
    for n in nodes:
        parents = tuple((p.code, float(n.max_points)) for p in n.parents.all() if p.pk in kept)
        kind = AGGREGATE if n.pk in with_children else INDICATOR
        engine_nodes.append(Node(n.code, kind, n.name, parents=parents))
    engine = EngineFramework(engine_nodes)
    by_code = {n.code: n for n in nodes}
    components = [by_code[c] for c in engine.indicators]
    return Structure(engine=engine, components=components,
                     aggregates=[by_code[c] for c in engine.aggregates],
                     comp_max=np.array([c.max_points for c in components], dtype=float),
                     by_code=by_code)


# --- one component's points from declared figures (live self-assessment) ----------------
def declared_inputs(node: FrameworkNode, declared: Mapping[str, Any]) -> dict[str, list]:
    """A unit's declared figures as the rule's inputs (one value each). Yes/no answers
    become 1/0 so that steps and choice rules read them alike."""
    types = {d.get("name"): d.get("type") for d in node.declared or []}
    out: dict[str, list] = {}
    for name, value in (declared or {}).items():
        if types.get(name) == "yes_no" and value not in (None, ""):
            value = 1 if value in (True, 1, "1", "true", "co", "có") else 0
        out[name] = [value]
    for name in types:
        out.setdefault(name, [None])
    return out


def component_points(node: FrameworkNode, declared: Mapping[str, Any],
                     lang: str = "vi") -> tuple[float | None, str]:
    """Points of one component from one unit's declared figures, and the engine's sentence
    explaining them ("a/b × 10 = 3/4 × 10 = 7,50 điểm"). Raises RuleError on bad input."""
    result = score(node.rule, declared_inputs(node, declared))
    pts = float(result.points[0])
    return (None if math.isnan(pts) else pts), result.explanations(lang)[0]


def explain_entries(node: FrameworkNode, entries: Sequence[ComponentEntry],
                    lang: str = "vi") -> list[str]:
    """The rule's explanation for several entries of one component, in one engine call."""
    if not entries:
        return []
    names = {d.get("name") for d in node.declared or []}
    for e in entries:
        names.update((e.declared or {}).keys())
    columns: dict[str, list] = {name: [] for name in names}
    for e in entries:
        single = declared_inputs(node, e.declared)
        for name in names:
            columns[name].append(single.get(name, [None])[0])
    try:
        return score(node.rule, columns).explanations(lang)
    except RuleError as exc:
        return [exc.vi if lang == "vi" else exc.en] * len(entries)


# --- assessed units and their groups ----------------------------------------------------
def assessed_unit_ids(assessment: Assessment) -> np.ndarray:
    """The units of the round as it was sent (its `Submission` rows, which outlive a later
    merger) and any unit holding entries; the round's targets resolved today only when
    no submission exists yet."""
    ids = set(assessment.round.submissions.values_list("unit_id", flat=True))
    # order_by(): the model's default ordering would join nodes and defeat DISTINCT.
    ids.update(ComponentEntry.objects.filter(assessment=assessment).order_by()
               .values_list("unit_id", flat=True).distinct())
    if not ids:
        ids = set(assessment.round.resolve_units().values_list("pk", flat=True))
    return np.array(sorted(ids), dtype=np.int64)


def group_of(groups: Sequence[Mapping[str, Any]], code: str, kind: str) -> tuple[str, bool]:
    """(group code, ranked) of a unit under an assessment's group configuration."""
    for g in groups:
        if code in (g.get("units") or []):
            return str(g.get("code", "")), bool(g.get("ranked", True))
    for g in groups:
        if kind in (g.get("kinds") or []):
            return str(g.get("code", "")), bool(g.get("ranked", True))
    return "", False


def unit_groups(assessment: Assessment, unit_ids: np.ndarray) -> tuple[list[str], list]:
    """Group code per unit and the engine's labels (None: not ranked within a group)."""
    groups = assessment.groups or []
    if not groups:  # everyone ranked together: no need to read the units
        return [""] * len(unit_ids), ["_"] * len(unit_ids)
    meta = dict((pk, (code, kind)) for pk, code, kind in
                OrgUnit.objects.filter(pk__in=unit_ids.tolist())
                .values_list("pk", "code", "kind"))
    codes: list[str] = []
    labels: list = []
    for pk in unit_ids.tolist():  # metadata, one pass over a few thousand units
        code, kind = meta[pk]
        g, ranked = group_of(groups, code, kind)
        codes.append(g)
        labels.append((g or "_") if ranked else None)
    return codes, labels


# --- reading the points -----------------------------------------------------------------
def points_matrix(assessment: Assessment, st: Structure,
                  unit_ids: np.ndarray) -> np.ndarray:
    """(units × components) final points: NaN where not applicable (by the entry's flag
    or because the component does not apply to the unit's kind); 0 where nothing was
    scored (an undeclared figure earns nothing)."""
    n_units, n_comp = len(unit_ids), len(st.components)
    points = np.zeros((n_units, n_comp))
    comp_ids = st.component_ids
    order = np.argsort(comp_ids)
    sorted_ids = comp_ids[order]
    with connection.cursor() as cur:
        table = connection.ops.quote_name(ComponentEntry._meta.db_table)
        cur.execute(f"SELECT unit_id, node_id, final_points, not_applicable FROM {table} "
                    "WHERE assessment_id = %s", [assessment.pk])
        rows = cur.fetchall()
    if rows:
        arr = np.array(rows, dtype=float)  # None -> NaN
        u = np.searchsorted(unit_ids, arr[:, 0].astype(np.int64))
        pos = np.searchsorted(sorted_ids, arr[:, 1].astype(np.int64))
        pos = np.minimum(pos, len(sorted_ids) - 1)
        known = (sorted_ids[pos] == arr[:, 1]) & (u < n_units)
        known[known] &= unit_ids[u[known]] == arr[known, 0]
        c = order[pos[known]]
        values = np.where(np.isnan(arr[known, 2]), 0.0, arr[known, 2])
        values = np.where(arr[known, 3] > 0, np.nan, values)
        points[u[known], c] = values
    # Components that do not apply to a unit's kind leave its denominator.
    restricted = [j for j, n in enumerate(st.components) if n.applies_to]
    if restricted:
        kinds = dict(OrgUnit.objects.filter(pk__in=unit_ids.tolist()).values_list("pk", "kind"))
        kind_arr = np.array([kinds[pk] for pk in unit_ids.tolist()], dtype=object)
        for j in restricted:
            points[~np.isin(kind_arr, st.components[j].applies_to), j] = np.nan
    return points


def compute(st: Structure, points: np.ndarray) -> np.ndarray:
    """Every column of the engine framework (units × columns) from component points."""
    n_comp = len(st.components)
    data = np.full((points.shape[0], len(st.engine.columns)), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        data[:, :n_comp] = np.where(st.comp_max > 0, points / st.comp_max, np.nan)
    return aggregate(data, st.engine, method="points")


# --- previous year ----------------------------------------------------------------------
def previous_figures(assessment: Assessment, st: Structure,
                     unit_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(units × aggregates) value and rank of last year: from the previous assessment's
    results when there is one, else from published results of the year before."""
    n_agg = len(st.aggregates)
    prev = np.full((len(unit_ids), n_agg), np.nan)
    prev_rank = np.full((len(unit_ids), n_agg), np.nan)
    col_of_code = {n.code: j for j, n in enumerate(st.aggregates)}
    if assessment.previous_id:
        node_codes = dict(FrameworkNode.objects.filter(
            framework_id=assessment.previous.framework_id).values_list("pk", "code"))
        rows = list(Result.objects.filter(assessment_id=assessment.previous_id)
                    .values_list("unit_id", "node_id", "score", "rank"))
        rows = [(u, col_of_code.get(node_codes.get(n), -1), s, r) for u, n, s, r in rows]
    else:
        rows = [(u, col_of_code.get(code, -1), v, r) for u, code, v, r in
                PublishedResult.objects.filter(year=assessment.year - 1,
                                               scope=assessment.framework.scope)
                .values_list("unit_id", "node_code", "value", "rank")]
    if not rows:
        return prev, prev_rank
    arr = np.array(rows, dtype=float)
    u = np.searchsorted(unit_ids, arr[:, 0].astype(np.int64))
    ok = (arr[:, 1] >= 0) & (u < len(unit_ids))
    ok[ok] &= unit_ids[u[ok]] == arr[ok, 0]
    prev[u[ok], arr[ok, 1].astype(int)] = arr[ok, 2]
    prev_rank[u[ok], arr[ok, 1].astype(int)] = arr[ok, 3]
    return prev, prev_rank


# --- merged units -----------------------------------------------------------------------
def merges_for(unit_ids: np.ndarray) -> dict[int, list[int]]:
    """Successor → its assessed predecessors, for units assessed before they merged."""
    out: dict[int, list[int]] = {}
    assessed = set(unit_ids.tolist())
    # The successions table is small (a country's mergers): read it rather than send
    # thousands of ids in an IN list.
    for pred, succ in (UnitSuccession.objects.filter(
            # Not DISSOLUTION: a district handing its communes over is no merger of values.
            kind__in=[UnitSuccession.Kind.MERGER, UnitSuccession.Kind.RENAME,
                      UnitSuccession.Kind.REORGANISATION])
            .values_list("predecessor_id", "successor_id")):
        if pred in assessed and succ not in assessed:
            out.setdefault(succ, []).append(pred)
    return out


def merged_figures(st: Structure, data: np.ndarray, unit_ids: np.ndarray,
                   merges: Mapping[int, Sequence[int]]) -> tuple[list[int], np.ndarray]:
    """Every aggregate of each merged unit: its main indices are the unweighted mean of
    its predecessors' (the official 2024 rule, via the engine's `merge_units`); pillars
    and total are recomputed from those means through the framework."""
    mains = [n for n in st.aggregates if n.kind == K.MAIN]
    main_cols = [st.column(n.code) for n in mains]
    new_units, merged_main = merge_units(data[:, main_cols], unit_ids.tolist(), merges)
    # The framework above the main indices, with the main indices as its indicators.
    upper = structure(None, nodes=[n for n in st.by_code.values() if n.kind != K.COMPONENT])
    upper_data = np.full((len(new_units), len(upper.engine.columns)), np.nan)
    for j, n in enumerate(mains):
        upper_data[:, upper.column(n.code)] = merged_main[:, j]
    aggregate(upper_data, upper.engine, method="points")
    out = np.full((len(new_units), len(st.aggregates)), np.nan)
    for j, n in enumerate(st.aggregates):
        out[:, j] = upper_data[:, upper.column(n.code)]
    return new_units, out


# --- the whole computation --------------------------------------------------------------
@dataclass
class Computed:
    """Everything `recompute` writes, kept as arrays (units × aggregates)."""

    unit_ids: np.ndarray
    aggregates: list[FrameworkNode]
    values: np.ndarray
    ranks: np.ndarray
    group_codes: list[str]
    group_ranks: np.ndarray
    bands: np.ndarray
    previous: np.ndarray
    previous_ranks: np.ndarray
    change: np.ndarray
    places: np.ndarray
    merged_units: list[int]
    merged_values: np.ndarray
    merged_ranks: np.ndarray
    illustrative: np.ndarray  # per unit: some entry is illustrative


def compute_assessment(assessment: Assessment) -> Computed:
    fw = assessment.framework
    st = structure(fw)
    unit_ids = assessed_unit_ids(assessment)
    points = points_matrix(assessment, st, unit_ids)
    data = compute(st, points)
    agg_cols = [st.column(n.code) for n in st.aggregates]
    values = data[:, agg_cols]
    # Ranked on the figures as published (4 decimals): equal published values share a rank.
    shown = round_half_up(values, fw.decimals)
    ranks = rank_min(shown, axis=0)
    group_codes, labels = unit_groups(assessment, unit_ids)
    if any(label is None for label in labels) or len(set(labels)) > 1:
        group_ranks = rank_within_groups(shown, labels, axis=0)
    else:
        group_ranks = np.full(ranks.shape, np.nan)
    bands = (BandScheme.from_dict(fw.bands).classify(shown) if fw.bands
             else np.full(values.shape, None, dtype=object))
    prev, prev_rank = previous_figures(assessment, st, unit_ids)
    delta = change_vs_previous(shown, round_half_up(prev, fw.decimals), ranks, prev_rank)
    merges = merges_for(unit_ids)
    if merges:
        merged_units, merged_values = merged_figures(st, data, unit_ids, merges)
        # Ranked among the units as they are after the merger: the merged ones and the
        # assessed units that continue unchanged.
        current = set(OrgUnit.objects.filter(pk__in=unit_ids.tolist(), valid_to__isnull=True)
                      .values_list("pk", flat=True))
        keep = np.array([pk in current for pk in unit_ids.tolist()], dtype=bool)
        pool = np.vstack([round_half_up(merged_values, fw.decimals), shown[keep]])
        merged_ranks = rank_min(pool, axis=0)[: len(merged_units)]
    else:
        merged_units, merged_values = [], np.empty((0, len(st.aggregates)))
        merged_ranks = merged_values.copy()
    flagged = np.array(list(ComponentEntry.objects.filter(assessment=assessment,
                                                          is_illustrative=True)
                            .order_by().values_list("unit_id", flat=True).distinct()),
                       dtype=np.int64)
    illustrative = np.isin(unit_ids, flagged)
    return Computed(illustrative=illustrative, unit_ids=unit_ids, aggregates=st.aggregates, values=values, ranks=ranks,
                    group_codes=group_codes, group_ranks=group_ranks, bands=bands,
                    previous=prev, previous_ranks=prev_rank, change=delta.value_delta,
                    places=delta.rank_delta, merged_units=merged_units,
                    merged_values=merged_values, merged_ranks=merged_ranks)


def _col(a: np.ndarray, cast=float) -> list:
    """A column as Python values, NaN as None (for the database), without a per-value
    Python test: NaN positions are set to None in an object array at once."""
    flat = np.asarray(a).ravel()
    if flat.dtype == object:
        return [None if v is None else str(v) for v in flat.tolist()]
    nan = np.isnan(flat)
    if cast is int:
        flat = np.where(nan, 0, flat).astype(np.int64)  # ranks: whole numbers
    out = flat.astype(object)
    out[nan] = None
    return out.tolist()


def write_results(assessment: Assessment, c: Computed) -> int:
    """Replace the assessment's results with `c` in one transaction, without model
    instances (40,000 rows for 3,400 units; `lib.bulkinsert`)."""
    n_units, n_agg = c.values.shape
    node_ids = np.array([n.pk for n in c.aggregates], dtype=np.int64)
    max_points = np.array([n.max_points for n in c.aggregates], dtype=float)
    # Node-major order (every unit's total, then every unit's first pillar…): the pages
    # read a few nodes for all units, and rows written together are stored together.
    T = np.transpose
    values = c.values
    columns = {
        "assessment_id": [assessment.pk] * (n_units * n_agg),
        "unit_id": np.tile(c.unit_ids, n_agg).tolist(),
        "node_id": np.repeat(node_ids, n_units).tolist(),
        "origin": [Result.Origin.SCORED.value] * (n_units * n_agg),
        "score": _col(T(values)),
        "points": _col(T(values * max_points)),
        "max_points": _col(T(np.broadcast_to(max_points, values.shape))),
        "rank": _col(T(c.ranks), int),
        "group": np.tile(np.array(c.group_codes, dtype=object), n_agg).tolist(),
        "rank_in_group": _col(T(c.group_ranks), int),
        "band": [b or "" for b in _col(T(c.bands))],
        "previous_score": _col(T(c.previous)),
        "previous_rank": _col(T(c.previous_ranks), int),
        "change": _col(T(c.change)),
        "places": _col(T(c.places), int),
        "is_illustrative": np.tile(c.illustrative, n_agg).tolist(),
    }
    if c.merged_units:
        m = len(c.merged_units)
        extra = {
            "assessment_id": [assessment.pk] * (m * n_agg),
            "unit_id": np.repeat(np.array(c.merged_units, dtype=np.int64), n_agg).tolist(),
            "node_id": np.tile(node_ids, m).tolist(),
            "origin": [Result.Origin.MERGED.value] * (m * n_agg),
            "score": _col(c.merged_values),
            "points": _col(c.merged_values * max_points),
            "max_points": _col(np.broadcast_to(max_points, c.merged_values.shape)),
            "rank": _col(c.merged_ranks, int),
            "group": [""] * (m * n_agg),
            "rank_in_group": [None] * (m * n_agg),
            "band": [""] * (m * n_agg),
            "previous_score": [None] * (m * n_agg),
            "previous_rank": [None] * (m * n_agg),
            "change": [None] * (m * n_agg),
            "places": [None] * (m * n_agg),
            "is_illustrative": [bool(c.illustrative.any())] * (m * n_agg),
        }
        columns = {k: v + extra[k] for k, v in columns.items()}
    rows = list(zip(*columns.values(), strict=True))
    with transaction.atomic():
        Result.objects.filter(assessment=assessment).delete()
        bulkinsert.insert_rows(Result, list(columns), rows)
        assessment.scored_at = timezone.now()
        Assessment.objects.filter(pk=assessment.pk).update(scored_at=assessment.scored_at)
    # Open dashboards redraw their score panels (after commit; chiso.lib.events).
    events.publish("assessment.scored", assessment.owner, assessment=assessment.pk,
                   public=assessment.is_published
                   and assessment.visibility == Assessment.Visibility.PUBLIC)
    return len(rows)


def recompute(assessment: Assessment) -> Computed:
    """Score and rank the assessment again from the final points (call after any final
    score changes). Results stay "provisional" until the assessment is published."""
    computed = compute_assessment(assessment)
    write_results(assessment, computed)
    return computed


def entry_saved(sender, instance: ComponentEntry, **kwargs) -> None:
    """post_save of an entry: the assessment's results are stale (one cheap UPDATE; the
    recomputation waits until someone reads the results, see `ensure_current`)."""
    Assessment.objects.filter(pk=instance.assessment_id, scored_at__isnull=False).update(
        scored_at=None)


def ensure_current(assessment: Assessment) -> Assessment:
    """Recompute provisional results whose entries changed since they were computed.
    Published results stay as published until the secretariat recomputes them."""
    if not assessment.is_published and assessment.scored_at is None:
        recompute(assessment)
    return assessment


def publish(assessment: Assessment, user) -> Assessment:
    """Recompute and publish: the results stop being provisional. The caller checks that
    `user` may manage the assessment's owner (see `access.can_manage`)."""
    with transaction.atomic():
        recompute(assessment)
        assessment.state = Assessment.State.PUBLISHED
        assessment.published_at = timezone.now()
        assessment.published_by = user
        assessment.save(update_fields=["state", "published_at", "published_by"])
    return assessment


def unpublish(assessment: Assessment) -> Assessment:
    assessment.state = Assessment.State.PROVISIONAL
    assessment.save(update_fields=["state"])
    return assessment


def score_entries(assessment: Assessment, entries: Sequence[ComponentEntry] | None = None,
                  field: str = "self_points") -> int:
    """Compute `field` (self points) of many entries from their declared figures, one
    engine call per component, and save them in bulk (final points follow)."""
    if entries is None:
        entries = list(ComponentEntry.objects.filter(assessment=assessment)
                       .select_related("node"))
    by_node: dict[int, list[ComponentEntry]] = {}
    for e in entries:
        by_node.setdefault(e.node_id, []).append(e)
    for group in by_node.values():
        node = group[0].node
        if not node.rule:
            continue
        names = {d.get("name") for d in node.declared or []}
        columns: dict[str, list] = {name: [] for name in names}
        for e in group:
            single = declared_inputs(node, e.declared)
            for name in names:
                columns[name].append(single.get(name, [None])[0])
        mask = [not e.not_applicable for e in group]
        pts = score(node.rule, columns, mask).points
        for e, p in zip(group, pts.tolist(), strict=True):
            setattr(e, field, None if math.isnan(p) else p)
            e.refresh_final()
    ComponentEntry.objects.bulk_update(entries, [field, "final_points"], batch_size=2000)
    return len(entries)
