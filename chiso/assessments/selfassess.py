"""A unit's self-assessment (tự đánh giá): its components grouped by main index, declared
figures saved one component at a time, the self-score computed by the engine's rule.

Points are never computed here: `scoring.component_points` runs the component's rule
through `chiso.index.rules` and returns the engine's explanation ("a/b × 10 = 3/4 × 10 =
7,50 điểm"), and the running total is the engine's aggregation (`scoring.compute`) of
the unit's self points. This module only turns what the browser posts (Vietnamese
numbers, "1"/"0", a choice code) into declared figures, checks who may write them and
when (through `chiso.rounds.workflow`, whose states the self-assessment uses as they
are), pre-fills figures already collected, and attaches evidence through
`chiso.metrics.evidence`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.index.rules import RuleError, parse_rule
from chiso.lib.formatting import format_number, parse_number
from chiso.metrics import evidence as evidence_service
from chiso.metrics.models import DataValue, Evidence, Metric
from chiso.metrics.models import State as ValueState
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit
from chiso.rounds import workflow
from chiso.rounds.models import RoundSection, Submission

from . import scoring
from .models import Assessment, ComponentEntry, FrameworkNode

K = FrameworkNode.Kind
S = Submission.State
FORM_SECTION = "Tự đánh giá"  # the round's one section: the whole self-assessment


class Locked(PermissionDenied):
    """The user may edit this unit's self-assessment, but not now (sent, past the
    deadline, accepted or locked). Views answer 409 with the message, not a bare 403."""


# --- the round behind the assessment ------------------------------------------------------
def ensure_section(assessment: Assessment) -> None:
    """The workflow's review and editing work per round section; an assessment's round is
    reviewed as one form, so it gets one section if it has none."""
    round = assessment.round
    if not round.sections.exists():
        RoundSection.objects.get_or_create(round=round, order=1, title=FORM_SECTION)


def submission_for(assessment: Assessment, unit: OrgUnit) -> Submission | None:
    return (Submission.objects.select_related("round", "round__owner", "round__period", "unit")
            .filter(round=assessment.round_id, unit=unit).first())


def can_edit(user, sub: Submission, now: dt.datetime | None = None) -> bool:
    """The workflow decides: the unit's reporter, in draft or returned, before the deadline
    (after it, only corrections asked for by a return), never once accepted or locked."""
    return bool(workflow.editable_sections(user, sub, now))


# --- components ----------------------------------------------------------------------------
def components_for(assessment: Assessment, unit: OrgUnit) -> list[FrameworkNode]:
    """The framework's components that apply to the unit's kind, in framework order."""
    nodes = (assessment.framework.nodes.filter(kind=K.COMPONENT)
             .prefetch_related("parents").select_related("metric").order_by("order", "pk"))
    return [n for n in nodes if n.applies_to_kind(unit.kind)]


def main_of(node: FrameworkNode) -> FrameworkNode | None:
    parents = list(node.parents.all())
    for p in parents:
        if p.kind == K.MAIN:
            return p
    return parents[0] if parents else None


def needs_evidence(node: FrameworkNode) -> bool:
    return bool((node.evidence_required or "").strip())


def specs(node: FrameworkNode) -> list[dict]:
    """What the unit declares for the component: name, label, type (number, choice,
    yes_no) and choices. A rule with no declared list reads its own input names."""
    out = [dict(d) for d in node.declared or [] if d.get("name")]
    if not out and node.rule:
        try:
            names = parse_rule(node.rule).input_names()
        except RuleError:
            names = []
        out = [{"name": n, "label": n, "type": "number"} for n in names]
    for d in out:
        d.setdefault("type", "number")
        d.setdefault("label", d["name"])
    return out


def shown(spec: dict, declared: dict) -> str:
    """A declared figure as the person typed it: `1.234,5`, a choice code, "1"/"0"."""
    value = (declared or {}).get(spec["name"])
    if value is None or value == "":
        return ""
    if spec["type"] == "number":
        try:
            return format_number(value, 6, lang="vi", strip_zeros=True)
        except (TypeError, ValueError):
            return str(value)
    if spec["type"] == "yes_no":
        return "1" if value in (1, True, "1") else "0"
    return str(value)


# --- pre-filling from collected figures ------------------------------------------------------
def _metric_values(nodes: list[FrameworkNode], unit: OrgUnit, assessment: Assessment
                   ) -> dict[int, DataValue]:
    """Accepted values of the components' metrics for the assessment's period."""
    metric_ids = [n.metric_id for n in nodes if n.metric_id]
    if not metric_ids:
        return {}
    return {v.metric_id: v for v in DataValue.objects.filter(
        metric__in=metric_ids, unit=unit, period=assessment.round.period_id,
        state=ValueState.ACCEPTED).select_related("metric")}


def _number(x: Decimal | None) -> float | int | None:
    if x is None:
        return None
    f = float(x)
    return int(f) if f.is_integer() else f


def prefill_from(node: FrameworkNode, value: DataValue) -> dict[str, Any]:
    """Declared figures read from a collected value: a percentage gives a (numerator) and
    b (denominator) to a two-input rule; any other value fills the first input."""
    sp = specs(node)
    if not sp:
        return {}
    T = Metric.ValueType
    metric = value.metric
    if metric.value_type == T.PERCENTAGE and len(sp) >= 2:
        return {sp[0]["name"]: _number(value.numerator), sp[1]["name"]: _number(value.denominator)}
    if metric.value_type == T.CHOICE:
        return {sp[0]["name"]: value.text} if value.text else {}
    if metric.value_type == T.YES_NO:
        return {} if value.value is None else {sp[0]["name"]: 1 if value.value else 0}
    if metric.value_type == T.TEXT:
        return {}
    return {} if value.value is None else {sp[0]["name"]: _number(value.value)}


def with_labels(node: FrameworkNode, sentence: str, declared: dict | None = None) -> str:
    """The engine names a choice by its code (“chu_tich”); the person chose a label. A
    yes/no answer reaches the engine as 1 or 0 and its sentence reads “1 ≥ 1 → 30,00
    điểm”: for a component whose one input is yes/no, the answer is named instead
    (“Có → 30,00 điểm”); the points are the engine's, after its last “→”."""
    inputs = specs(node)
    for s in inputs:
        for c in s.get("choices", []) if s["type"] == "choice" else []:
            sentence = sentence.replace(f"“{c.get('code')}”", f"“{c.get('label')}”")
    if (declared is not None and len(inputs) == 1 and inputs[0]["type"] == "yes_no"
            and " → " in sentence):
        value = declared.get(inputs[0]["name"])
        if value not in (None, ""):
            answer = _("Có") if value in (True, 1, "1", "true", "co", "có") else _("Không")
            sentence = f"{answer} → {sentence.rsplit(' → ', 1)[1]}"
    return sentence


def points_of(node: FrameworkNode, declared: dict, not_applicable: bool
              ) -> tuple[float | None, str]:
    """The engine's points and sentence for one component (None when not applicable)."""
    if not_applicable:
        return None, _("không áp dụng – thành phần không tính vào điểm tối đa")
    if not node.rule:
        return None, _("thành phần thu thập thông tin, không tính điểm")
    points, sentence = scoring.component_points(node, declared, "vi")
    if node.rule.get("kind") == "relative_best":
        sentence += " " + _("(tạm tính: khi tổng hợp, điểm được so với đơn vị tốt nhất)")
    return points, with_labels(node, sentence, declared)


@transaction.atomic
def ensure_entries(assessment: Assessment, unit: OrgUnit,
                   nodes: list[FrameworkNode] | None = None) -> dict[int, ComponentEntry]:
    """Every applicable component's entry for the unit, created on first use; a new entry
    of a component that names a metric starts from the unit's accepted value of it."""
    nodes = nodes if nodes is not None else components_for(assessment, unit)
    have = {e.node_id: e for e in ComponentEntry.objects.filter(assessment=assessment,
                                                                unit=unit)}
    missing = [n for n in nodes if n.pk not in have]
    if missing:
        values = _metric_values(missing, unit, assessment)
        new = []
        for n in missing:
            declared: dict[str, Any] = {}
            pts = None
            if n.metric_id in values:
                declared = prefill_from(n, values[n.metric_id])
                if declared:
                    try:
                        pts, _sentence = points_of(n, declared, False)
                    except RuleError:
                        declared, pts = {}, None
            new.append(ComponentEntry(assessment=assessment, unit=unit, node=n,
                                      declared=declared, self_points=pts))
        for e in new:
            e.refresh_final()
        ComponentEntry.objects.bulk_create(new, ignore_conflicts=True)
        have = {e.node_id: e for e in ComponentEntry.objects.filter(assessment=assessment,
                                                                    unit=unit)}
    return have


# --- the form's rows ------------------------------------------------------------------------
@dataclass
class ComponentRow:
    node: FrameworkNode
    entry: ComponentEntry | None
    editable: bool
    evidence: list[Evidence] = field(default_factory=list)
    sentence: str = ""
    prefilled: DataValue | None = None

    @property
    def fields(self) -> list[dict]:
        declared = self.entry.declared if self.entry else {}
        return [{**s, "shown": shown(s, declared), "id": f"d-{self.node.pk}-{s['name']}"}
                for s in specs(self.node)]

    @property
    def needs_evidence(self) -> bool:
        return needs_evidence(self.node)

    @property
    def evidence_missing(self) -> bool:
        return (self.needs_evidence and not self.evidence
                and not (self.entry and self.entry.not_applicable))

    @property
    def version(self) -> int:
        return self.entry.version if self.entry else 0


@dataclass
class Group:
    main: FrameworkNode | None
    rows: list[ComponentRow]


def _evidence_of(entries: list[ComponentEntry]) -> dict[int, list[Evidence]]:
    if not entries:
        return {}
    ct = ContentType.objects.get_for_model(ComponentEntry)
    out: dict[int, list[Evidence]] = {}
    for ev in Evidence.objects.filter(owner_type=ct, owner_id__in=[e.pk for e in entries]
                                      ).order_by("uploaded_at", "pk"):
        out.setdefault(ev.owner_id, []).append(ev)
    return out


def build_rows(assessment: Assessment, unit: OrgUnit, editable: bool,
               only: set[int] | None = None, create: bool = False) -> list[Group]:
    """The form grouped by main index. `only`: the component ids to show (an appraiser's);
    `create`: make missing entries (the unit's editor opening its form)."""
    nodes = components_for(assessment, unit)
    if only is not None:
        nodes = [n for n in nodes if n.pk in only]
    if create:
        entries = ensure_entries(assessment, unit, nodes)
    else:
        entries = {e.node_id: e for e in ComponentEntry.objects.filter(
            assessment=assessment, unit=unit, node__in=nodes)}
    evidence = _evidence_of(list(entries.values()))
    values = _metric_values(nodes, unit, assessment)
    groups: dict[int | None, Group] = {}
    by_node_sentences = _sentences(nodes, entries)
    for n in nodes:
        e = entries.get(n.pk)
        main = main_of(n)
        key = main.pk if main else None
        group = groups.setdefault(key, Group(main, []))
        prefilled = values.get(n.metric_id) if n.metric_id else None
        if prefilled is not None and e is not None and prefill_from(n, prefilled) != e.declared:
            prefilled = None  # the unit changed the figure: no longer the collected one
        group.rows.append(ComponentRow(node=n, entry=e, editable=editable,
                                       evidence=evidence.get(e.pk, []) if e else [],
                                       sentence=by_node_sentences.get(n.pk, ""),
                                       prefilled=prefilled))
    return list(groups.values())


def _sentences(nodes: list[FrameworkNode], entries: dict[int, ComponentEntry]) -> dict[int, str]:
    """The rule's explanation of each entry's self points, from the engine."""
    out = {}
    for n in nodes:
        e = entries.get(n.pk)
        if e is None:
            continue
        if e.not_applicable or not n.rule:
            out[n.pk] = points_of(n, {}, e.not_applicable)[1]
            continue
        try:
            out[n.pk] = with_labels(n, scoring.explain_entries(n, [e], "vi")[0])
        except RuleError as exc:
            out[n.pk] = exc.vi
    return out


# --- the running total ------------------------------------------------------------------------
@dataclass
class Totals:
    points: float          # self points earned
    max_points: float      # max of the applicable scored components
    value: float | None    # the total index (0..1), computed by the engine
    mains: list[tuple[FrameworkNode, float | None]]  # main index values (0..1)


def running_totals(assessment: Assessment, unit: OrgUnit, field_name: str = "self_points"
                   ) -> Totals:
    """The unit's total and main indices from its entries' points, through the engine's
    aggregation (the same as publication uses), for the unit alone."""
    st = scoring.structure(assessment.framework)
    entries = {e.node_id: e for e in ComponentEntry.objects.filter(assessment=assessment,
                                                                   unit=unit)}
    row = np.zeros((1, len(st.components)))
    for j, n in enumerate(st.components):
        e = entries.get(n.pk)
        if not n.applies_to_kind(unit.kind) or (e is not None and e.not_applicable):
            row[0, j] = np.nan
        elif e is not None and getattr(e, field_name) is not None:
            row[0, j] = getattr(e, field_name)
    data = scoring.compute(st, row)
    applicable = ~np.isnan(row[0])
    total = next((n for n in st.aggregates if n.kind == K.TOTAL), None)

    def value(node: FrameworkNode) -> float | None:
        v = float(data[0, st.column(node.code)])
        return None if math.isnan(v) else v

    return Totals(points=float(np.nansum(row[0])),
                  max_points=float(st.comp_max[applicable].sum()),
                  value=value(total) if total else None,
                  mains=[(n, value(n)) for n in st.aggregates if n.kind == K.MAIN])


# --- saving one component -----------------------------------------------------------------------
@dataclass
class SaveResult:
    status: str  # saved, invalid, conflict
    entry: ComponentEntry | None = None
    points: float | None = None
    sentence: str = ""
    messages: list[str] = field(default_factory=list)
    saved_at: str = ""


def parse_declared(node: FrameworkNode, post) -> tuple[dict[str, Any], list[str]]:
    """The declared figures from a POST of one component, and the problems found (each
    naming the field). Numbers are typed the Vietnamese way (1.234,5)."""
    declared: dict[str, Any] = {}
    problems: list[str] = []
    for s in specs(node):
        raw = (post.get(f"d_{s['name']}") or "").strip()
        label = s["label"]
        if not raw:
            declared[s["name"]] = None
            continue
        if s["type"] == "number":
            try:
                number = parse_number(raw, lang="vi")
            except ValueError as err:
                problems.append(f"“{label}”: {err}")
                continue
            if number < 0:
                problems.append(_("“%(f)s”: không được âm.") % {"f": label})
                continue
            declared[s["name"]] = _number(number)
        elif s["type"] == "yes_no":
            if raw not in ("0", "1"):
                problems.append(_("“%(f)s”: chọn Có hoặc Không.") % {"f": label})
                continue
            declared[s["name"]] = int(raw)
        else:
            codes = [str(c.get("code")) for c in s.get("choices", [])]
            if codes and raw not in codes:
                problems.append(_("“%(f)s”: lựa chọn “%(v)s” không có trong danh sách.")
                                % {"f": label, "v": raw})
                continue
            declared[s["name"]] = raw
    return declared, problems


def _editable_entry(assessment: Assessment, sub: Submission, node: FrameworkNode, user,
                    now: dt.datetime | None) -> ComponentEntry:
    if not permissions.can(user, "edit_data", sub.unit):
        raise PermissionDenied(_("Chỉ cán bộ đầu mối của đơn vị được tự đánh giá."))
    if not can_edit(user, sub, now):
        raise Locked(_("Bản tự đánh giá đã khóa (đã gửi, quá hạn hoặc đã thẩm định): không "
                       "thể sửa lúc này."))
    if node.kind != K.COMPONENT or node.framework_id != assessment.framework_id \
            or not node.applies_to_kind(sub.unit.kind):
        raise PermissionDenied(_("Thành phần này không áp dụng cho đơn vị."))
    ensure_entries(assessment, sub.unit, [node])
    return (ComponentEntry.objects.select_for_update()
            .get(assessment=assessment, unit=sub.unit, node=node))


@transaction.atomic
def save_component(assessment: Assessment, sub: Submission, node: FrameworkNode, post, user,
                   now: dt.datetime | None = None) -> SaveResult:
    """Save one component as typed (figures, giải trình, not applicable) and return the
    engine's points for it. Nothing is written if anything typed is wrong."""
    entry = _editable_entry(assessment, sub, node, user, now)
    try:
        version = int(post.get("version") or 0)
    except ValueError:
        version = -1
    if version != entry.version:
        return SaveResult("conflict", entry=entry, points=entry.self_points, messages=[
            _("Thành phần này vừa được người khác sửa (phiên bản %(v)d); hãy tải lại trang.")
            % {"v": entry.version}])
    declared, problems = parse_declared(node, post)
    not_applicable = post.get("not_applicable") == "1"
    explanation = (post.get("explanation") or "").strip()
    if problems:
        return SaveResult("invalid", entry=entry, points=entry.self_points, messages=problems)
    try:
        points, sentence = points_of(node, declared, not_applicable)
    except RuleError as exc:
        return SaveResult("invalid", entry=entry, points=entry.self_points,
                          messages=[f"“{exc.field}”: {exc.vi}"])
    changed = (declared != (entry.declared or {}) or not_applicable != entry.not_applicable)
    if changed and entry.appraised_points is not None:
        # An appraisal judged the old figures; corrected figures go back to the appraiser.
        entry.appraised_points = None
        entry.appraisal_reason = ""
        entry.appraised_by = None
        entry.appraised_at = None
    entry.declared = declared
    entry.not_applicable = not_applicable
    entry.explanation = explanation
    entry.self_points = points
    entry.is_illustrative = False  # typed by a person: no longer the demo's invention
    entry.version += 1
    entry.updated_by = user
    entry.updated_at = now or timezone.now()
    entry.save()
    return SaveResult("saved", entry=entry, points=points, sentence=sentence,
                      saved_at=timezone.localtime(entry.updated_at).strftime("%H:%M"))


# --- evidence -----------------------------------------------------------------------------
@transaction.atomic
def add_evidence(assessment: Assessment, sub: Submission, node: FrameworkNode, user, *,
                 upload: UploadedFile | None = None, number: str = "", url: str = "",
                 day: str = "", title: str = "", now: dt.datetime | None = None) -> Evidence:
    """A file (checked by the metrics app: type by content, size) or a document reference
    for one component; raises ValueError with a Vietnamese message if refused."""
    entry = _editable_entry(assessment, sub, node, user, now)
    if upload is not None:
        return evidence_service.attach_file(upload, user=user, unit=sub.unit, owner=entry,
                                            title=title)
    document_date = None
    if day.strip():
        try:
            document_date = dt.datetime.strptime(day.strip(), "%d/%m/%Y").date()
        except ValueError:
            raise ValueError(_("Ngày văn bản “%(d)s” không đúng dạng dd/mm/yyyy.")
                             % {"d": day}) from None
    return evidence_service.attach_link(user=user, unit=sub.unit, owner=entry, title=title,
                                        url=url, document_number=number,
                                        document_date=document_date)


# --- before sending ------------------------------------------------------------------------------
@dataclass
class Check:
    blocking: list[str]   # keep the form from being sent
    warnings: list[str]   # shown, do not block (an appraiser may give 0 points)


def check(assessment: Assessment, unit: OrgUnit) -> Check:
    """What is missing: undeclared figures and unexplained "not applicable" block sending;
    missing required evidence is a warning."""
    groups = build_rows(assessment, unit, editable=False)
    blocking, warnings = [], []
    for g in groups:
        for r in g.rows:
            e, n = r.entry, r.node
            label = f"{n.code} {n.name}"
            if e is None or (not e.not_applicable and n.rule
                             and any(v in (None, "") for v in
                                     [(e.declared or {}).get(s["name"]) for s in specs(n)])):
                blocking.append(_("Chưa kê khai đủ số liệu của “%(c)s”.") % {"c": label})
            elif e.not_applicable and not e.explanation.strip():
                blocking.append(_("“%(c)s” được đánh dấu không áp dụng nhưng chưa có giải "
                                  "trình.") % {"c": label})
            if r.evidence_missing:
                warnings.append(_("Chưa có minh chứng cho “%(c)s” (%(e)s).")
                                % {"c": label, "e": n.evidence_required.strip()})
    return Check(blocking, warnings)


def send(assessment: Assessment, sub: Submission, user, now: dt.datetime | None = None
         ) -> Submission:
    """Submit (or, where the head approves first, send for approval) after checking the
    self-assessment is complete; the workflow checks the rest (state, deadline, role)."""
    problems = check(assessment, sub.unit).blocking
    if problems:
        raise workflow.WorkflowError(_("Chưa thể gửi: %(p)s") % {"p": " ".join(problems)})
    if sub.round.requires_head_approval and sub.state in (S.DRAFT, S.RETURNED):
        return workflow.request_approval(sub, user, now=now)
    sub = workflow.submit(sub, user, now=now)
    rescore_relative(assessment)
    scoring.recompute(assessment)  # the self points become the provisional results
    return sub


def rescore_relative(assessment: Assessment) -> int:
    """A "relative to the best unit" component compares each unit with the best of all
    assessed units; one unit's form can only score it against itself, so these components
    are scored again over every unit (one engine call each) whenever a unit sends."""
    entries = list(ComponentEntry.objects.filter(assessment=assessment,
                                                 node__rule__kind="relative_best")
                   .select_related("node"))
    return scoring.score_entries(assessment, entries) if entries else 0
