"""Demo self-assessments in the current year's provincial assessment of Quảng Ninh.

Extends the in-progress assessment that `chiso.assessments.demo` creates (the demo
province's own index for this year, provisional) with what a live round looks like:

- Đặc khu Cô Tô, Sở Y tế and a few communes still without figures send a complete
  self-assessment through the form's path (figures, giải trình, document references as
  evidence); one commune's is returned with a reason;
- the appraiser `thamdinh.qn` (assigned by the demo loader, or here to the foundation
  main indices) appraises Cô Tô's assigned components through `appraisal`: most scores
  confirmed, one lowered with a reason, the results scored again;
- Phường Bãi Cháy (`baocao.baichay`) gets half its figures if the demo loader gave it
  none, so the demo reporter has something to finish.

Figures are illustrative ("minh họa"), drawn with a fixed seed per unit from plausible
ranges for each rule. Everything goes through `selfassess`, `appraisal` and the rounds
workflow, as the demo users, so points come from the engine and states, logs and
results are exactly what the application produces. Idempotent: once Cô Tô's appraisal
is there, nothing is loaded again; units the demo loader already filled are left alone.
"""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from chiso.index.rules import RuleError, parse_rule
from chiso.orgs.demo import DEMO_PROVINCE
from chiso.orgs.models import OrgUnit
from chiso.rounds import workflow
from chiso.rounds.models import Submission

from . import appraisal, selfassess
from .models import AppraiserAssignment, Assessment, ComponentEntry, FrameworkNode

BAI_CHAY, CO_TO, SO_Y_TE = "X06673", "X07192", "QN-SYT"
APPRAISER = "thamdinh.qn"
APPRAISED_MAINS = ("NT", "TC", "HT")
RETURN_REASON = ("Tỷ lệ hồ sơ trực tuyến kê khai cao hơn số liệu trên Hệ thống thông tin "
                 "giải quyết TTHC của tỉnh; đề nghị đối chiếu và kê khai lại (minh họa).")
LOWER_REASON = ("Chỉ 2 trong số các cuộc họp kê khai có thông báo kết luận do người đứng đầu "
                "ký; các cuộc còn lại do cấp phó chủ trì (minh họa).")
OTHER_SENT = 5  # communes and wards besides Cô Tô that have sent theirs


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def current_assessment() -> Assessment | None:
    """The demo province's in-progress assessment of this year."""
    return (Assessment.objects.filter(owner__code=DEMO_PROVINCE, year=timezone.localdate().year,
                                      state=Assessment.State.PROVISIONAL)
            .select_related("round", "framework", "owner").order_by("-pk").first())


def _ratio_inputs(node: FrameworkNode) -> tuple[str | None, str | None]:
    try:
        rule = parse_rule(node.rule)
    except RuleError:
        return None, None
    if rule.kind == "ratio":
        return rule.inputs["a"], rule.inputs["b"]
    return None, None


def _steps(node: FrameworkNode) -> list[float]:
    return [float(t) for t, _p in (node.rule or {}).get("steps", [])]


def figures(node: FrameworkNode, rng: random.Random, strong: float) -> dict[str, str]:
    """A plausible answer for each declared input, as a person would type it."""
    a_name, b_name = _ratio_inputs(node)
    out: dict[str, str] = {}
    b = rng.randint(8, 60)
    for s in selfassess.specs(node):
        name = s["name"]
        if s["type"] == "choice":
            codes = [str(c["code"]) for c in s.get("choices", [])]
            out[name] = codes[0] if rng.random() < strong else codes[min(1, len(codes) - 1)]
        elif s["type"] == "yes_no":
            out[name] = "1" if rng.random() < strong + 0.1 else "0"
        elif name == b_name:
            out[name] = str(b)
        elif name == a_name:
            out[name] = str(max(0, round(b * rng.uniform(strong - 0.3, 1.0))))
        elif _steps(node):
            top = max(_steps(node))
            out[name] = str(int(max(0, top - rng.choice([0, 0, 1, 1, 2]))))
        else:
            out[name] = str(rng.randint(20, 400))
    return out


def _fill(assessment: Assessment, sub: Submission, user, rng: random.Random, strong: float,
          share: float = 1.0) -> int:
    """Answer `share` of the unit's components; returns how many were saved."""
    saved = 0
    nodes = selfassess.components_for(assessment, sub.unit)
    entries = selfassess.ensure_entries(assessment, sub.unit, nodes)
    for n in nodes[: max(1, round(len(nodes) * share))]:
        if not n.rule:
            continue
        post: dict[str, Any] = {f"d_{k}": v for k, v in figures(n, rng, strong).items()}
        post["version"] = str(entries[n.pk].version)
        post["explanation"] = _explanation(n)
        result = selfassess.save_component(assessment, sub, n, post, user)
        if result.status == "saved":
            saved += 1
            if selfassess.needs_evidence(n) and not result.entry.evidence.exists():
                selfassess.add_evidence(
                    assessment, sub, n, user, title=n.evidence_required.strip().rstrip("."),
                    number=f"{rng.randint(12, 480)}/QĐ-UBND",
                    day=timezone.localdate().replace(month=rng.randint(1, 9),
                                                     day=rng.randint(1, 28)).strftime("%d/%m/%Y"))
    ComponentEntry.objects.filter(assessment=assessment, unit=sub.unit).update(
        is_illustrative=True)
    return saved


def _explanation(node: FrameworkNode) -> str:
    source = f" Nguồn: {node.data_source.strip().rstrip('.')}." if node.data_source else ""
    return ("Số liệu theo hồ sơ lưu tại đơn vị, tính đến hết ngày 30/9 (minh họa)."
            + source)


def _loaded(assessment: Assessment, reviewer) -> bool:
    return ComponentEntry.objects.filter(assessment=assessment, unit__code=CO_TO,
                                         appraised_by=reviewer,
                                         appraisal_reason=LOWER_REASON).exists()


def load(stdout=None) -> dict:
    """Complete what `chiso.assessments.demo` started (call it after that loader)."""
    assessment = current_assessment()
    reviewer, secretariat = _user(APPRAISER), _user("thuongtruc.qn")
    if assessment is None or reviewer is None or secretariat is None:
        if stdout:
            stdout.write("  demo_entries: chưa có kỳ đánh giá đang diễn ra của tỉnh; bỏ qua.\n")
        return {}
    if _loaded(assessment, reviewer):
        return {"assessment": assessment.pk, "loaded": False}
    if not AppraiserAssignment.objects.filter(assessment=assessment, user=reviewer).exists():
        assignment = AppraiserAssignment.objects.create(
            assessment=assessment, user=reviewer,
            note="Tổ thẩm định nhóm chỉ số nền tảng (minh họa)")
        assignment.nodes.set(assessment.framework.nodes.filter(code__in=APPRAISED_MAINS))
    selfassess.ensure_section(assessment)
    workflow.sync_submissions(assessment.round)
    subs = {s.unit.code: s for s in Submission.objects.filter(round=assessment.round)
            .select_related("unit", "round", "round__owner").order_by("unit__path")}
    sent: list[Submission] = []
    now = timezone.now()
    open_now = bool(subs) and assessment.round.is_open(now) and not any(
        s.is_past_deadline(now) for s in subs.values() if s.unit.code == CO_TO)
    if open_now:
        reporters = {BAI_CHAY: _user("baocao.baichay"), CO_TO: _user("baocao.coto"),
                     SO_Y_TE: _user("baocao.syt")}
        with_entries = set(ComponentEntry.objects.filter(assessment=assessment)
                           .values_list("unit__code", flat=True))
        communes = [c for c, s in subs.items() if s.unit.kind in (
            OrgUnit.Kind.COMMUNE, OrgUnit.Kind.WARD) and c not in (BAI_CHAY, CO_TO)
            and s.state == Submission.State.DRAFT and c not in with_entries]
        chosen = [CO_TO, SO_Y_TE] + random.Random(7).sample(communes,
                                                           min(OTHER_SENT, len(communes)))
        for code in chosen:
            sub = subs.get(code)
            if sub is None or sub.state != Submission.State.DRAFT:
                continue
            rng = random.Random(f"dti-{code}")
            user = reporters.get(code) or secretariat
            _fill(assessment, sub, user, rng, strong=rng.uniform(0.6, 0.9))
            try:
                sent.append(selfassess.send(assessment, sub, user))
            except workflow.WorkflowError as exc:
                if stdout:
                    stdout.write(f"  demo_entries: {sub.unit.name}: {exc.message}\n")
        if BAI_CHAY in subs and BAI_CHAY not in with_entries:
            _fill(assessment, subs[BAI_CHAY], reporters[BAI_CHAY] or secretariat,
                  random.Random("dti-baichay"), strong=0.75, share=0.55)
    co_to = Submission.objects.filter(round=assessment.round, unit__code=CO_TO,
                                      state=Submission.State.SUBMITTED).select_related(
        "unit", "round").first()
    if co_to is not None:
        _appraise(assessment, co_to, reviewer)
    returned = [s for s in sent if s.unit.code not in (CO_TO, SO_Y_TE)]
    if returned:
        appraisal.return_to_unit(assessment, returned[-1], reviewer, RETURN_REASON)
    if stdout:
        stdout.write(f"  demo_entries: {len(sent)} bản tự đánh giá gửi qua biểu mẫu, Cô Tô "
                     f"được {APPRAISER} thẩm định.\n")
    return {"assessment": assessment.pk, "sent": len(sent)}


def _appraise(assessment: Assessment, sub: Submission, reviewer) -> None:
    """Cô Tô's assigned components: confirmed, but the first ratio lowered with a reason."""
    assigned = appraisal.assigned_components(reviewer, assessment)
    nodes = [n for n in selfassess.components_for(assessment, sub.unit)
             if assigned is None or n.pk in assigned]
    lowered = False
    for n in nodes:
        entry = selfassess.ensure_entries(assessment, sub.unit, [n])[n.pk]
        if entry.not_applicable or entry.self_points is None:
            continue
        if not lowered and n.rule.get("kind") == "ratio" and entry.self_points > 0:
            points = max(0.0, round(entry.self_points * 0.6, 2))
            appraisal.appraise(assessment, sub, n, reviewer,
                               points=str(points).replace(".", ","), reason=LOWER_REASON)
            lowered = True
        else:
            appraisal.appraise(assessment, sub, n, reviewer, points="", reason="", confirm=True)
