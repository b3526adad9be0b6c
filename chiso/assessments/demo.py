"""Demo assessments (idempotent: an assessment that already exists is left as it is).

1. The national DTI of the 63 provinces for 2022 (framework 922/QĐ-BTTTT, bundled as
   data/dti_tinh_2022.yaml). Sourced (DTI.md, seed 001): Quảng Ninh's eight main indices,
   hence DTI 0,7024, rank 3, pillars 0,7804 / 0,7187 / 0,6864. Every other province's
   figures are illustrative ("minh họa"), generated so that Quảng Ninh keeps its published
   rank 3 and two provinces tie at rank 15 (the published table has 15, 15, 17).
   Units are the provinces as they were in 2022; the provinces merged on 01/07/2025 get
   results as the mean of their predecessors' main indices (the official 2024 rule).
2. Published DTI results 2020–2022 without component data (PublishedResult): the figures
   DTI.md and the seeds quote (Đà Nẵng, Bắc Ninh, Quảng Ninh, Thừa Thiên Huế, Tây Ninh),
   so that history and "tăng 4 bậc" (Quảng Ninh 2021 → 2022) work from the first day.
3. Quảng Ninh's own assessment of its agencies and communes (framework QN_CDS, an
   illustrative index built like QN_DTI): 2025 complete, appraised and published; 2026 in
   progress (some units sent, some drafting — Phường Bãi Cháy among them — some not
   started), with an appraiser assigned to the foundation indices.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chiso.metrics import evidence as evidence_service
from chiso.metrics.models import Metric, Period
from chiso.orgs.demo import DEMO_PROVINCE
from chiso.orgs.models import OrgUnit
from chiso.rounds import workflow
from chiso.rounds.models import ReportingRound, RoundSection, RoundTarget, Submission

from . import frameworks, scoring
from .models import (
    AppraiserAssignment,
    Assessment,
    ComponentEntry,
    Framework,
    FrameworkNode,
    PublishedResult,
    Scope,
)

DATA = Path(__file__).resolve().parent / "data"
NATIONAL_NAME = "DTI cấp tỉnh năm 2022 (63 tỉnh, thành phố)"
QN_NAMES = {2025: "Đánh giá chuyển đổi số năm 2025 – sở, ngành và xã, phường, đặc khu",
            2026: "Đánh giá chuyển đổi số năm 2026 – sở, ngành và xã, phường, đặc khu"}
MAIN = ["NT", "TC", "HT", "NL", "ATTT", "HD_CQS", "HD_KTS", "HD_XHS"]
MAX = np.array([100, 100, 100, 100, 100, 200, 150, 150], dtype=float)
SECTION = "Tự đánh giá"
BAI_CHAY = "X06673"

# dti.gov.vn via DTI.md, "Worked example": Quảng Ninh's main indices in 2022.
QUANG_NINH_2022 = [0.9581, 0.9000, 0.7648, 0.6250, 0.5382, 0.8385, 0.5904, 0.4505]
DTI_SOURCE = "dti.gov.vn, Bộ TT&TT (qua DTI.md)"
# (year, province code before 2025, node, value, rank, source) — figures quoted in DTI.md
# and the seeds; a missing value (None) is a rank published without its value here.
PUBLISHED = [
    (2020, "48", "DTI", 0.4874, 1, DTI_SOURCE),
    (2020, "27", "DTI", 0.4096, 2, DTI_SOURCE),
    (2020, "22", "DTI", 0.3897, 3, DTI_SOURCE),
    (2020, "22", "CQS", 0.4513, None, DTI_SOURCE),
    (2020, "22", "KTS", 0.3019, None, DTI_SOURCE),
    (2020, "22", "XHS", 0.3955, None, DTI_SOURCE),
    (2020, "72", "DTI", 0.2686, 46, "Báo Tây Ninh (seed 004)"),
    (2021, "48", "DTI", 0.6419, 1, DTI_SOURCE),
    (2021, "46", "DTI", 0.5872, 2, DTI_SOURCE),
    (2021, "22", "DTI", None, 7, "Báo Quảng Ninh: hạng 3 năm 2022, tăng 4 bậc (seed 001)"),
    (2021, "72", "DTI", 0.3426, 44, "Báo Tây Ninh (seed 004)"),
    (2021, "72", "NT", 0.7, 27, "Báo Tây Ninh (seed 004)"),
    (2021, "72", "TC", 0.5, 23, "Báo Tây Ninh (seed 004)"),
    (2021, "72", "ATTT", 0.3666, 21, "Báo Tây Ninh (seed 004)"),
    (2021, "72", "HD_CQS", 0.3283, 50, "Báo Tây Ninh (seed 004)"),
    (2021, "72", "HD_KTS", 0.2479, 58, "Báo Tây Ninh (seed 004)"),
    (2022, "22", "DTI", 0.7024, 3, DTI_SOURCE),
    (2022, "22", "CQS", 0.7804, 4, DTI_SOURCE),
    (2022, "22", "KTS", 0.7187, 9, DTI_SOURCE),
    (2022, "22", "XHS", 0.6864, 2, DTI_SOURCE),
    *[(2022, "22", code, v, None, DTI_SOURCE) for code, v in zip(MAIN, QUANG_NINH_2022,
                                                                  strict=True)],
]
NODE_NAMES = {"DTI": "Chỉ số chuyển đổi số (DTI)", "CQS": "Chính quyền số", "KTS": "Kinh tế số",
              "XHS": "Xã hội số", "NT": "Nhận thức số", "TC": "Thể chế số", "HT": "Hạ tầng số",
              "NL": "Nhân lực số", "ATTT": "An toàn thông tin mạng",
              "HD_CQS": "Hoạt động chính quyền số", "HD_KTS": "Hoạt động kinh tế số",
              "HD_XHS": "Hoạt động xã hội số"}
AGENCY_KINDS = ["department", "board", "sector", "office"]
COMMUNE_KINDS = ["commune", "ward", "special_zone"]
GROUPS = [{"code": "so", "label": "Sở, ban, ngành", "kinds": AGENCY_KINDS},
          {"code": "xa", "label": "Xã, phường, đặc khu", "kinds": COMMUNE_KINDS}]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def province_2022(code: str) -> OrgUnit | None:
    """The province as it was before 01/07/2025 (its own record if it did not change)."""
    return (OrgUnit.objects.filter(code=f"T{code}-den-2025").first()
            or OrgUnit.objects.filter(code=f"T{code}").first())


def _framework(name: str) -> Framework:
    spec = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    existing = Framework.objects.filter(code=spec["code"], year=spec["year"]).first()
    return existing or frameworks.save(spec)


def _round(name: str, owner: OrgUnit, period: str, opens: dt.date, deadline: dt.date,
           kinds: list[str] | None) -> ReportingRound:
    rnd = ReportingRound.objects.create(
        name=name, owner=owner, period=Period.objects.for_code(period), opens_on=opens,
        deadline=deadline, instructions="Tự đánh giá từng chỉ số thành phần, kê khai số liệu, "
        "giải trình và đính kèm tài liệu kiểm chứng.")
    if kinds:
        RoundTarget.objects.create(round=rnd, unit=owner, kinds=kinds)
    RoundSection.objects.get_or_create(round=rnd, order=1, title=SECTION)
    return rnd


# --- 1. national 2022 ---------------------------------------------------------------------
def _illustrative_main(n: int, rng: np.random.Generator) -> np.ndarray:
    """Main indices of the other provinces: plausible spread, all below Quảng Ninh's DTI
    except two leaders; two provinces tied at 15th."""
    level = rng.uniform(0.35, 0.66, size=(n, 1))
    values = np.clip(level + rng.normal(0, 0.09, size=(n, 8)), 0.08, 0.98)
    return np.round(values, 4)


def _dti(values: np.ndarray) -> np.ndarray:
    # Only to place illustrative rows around Quảng Ninh; the demo's figures themselves
    # are computed by scoring (the engine).
    return values @ MAX / MAX.sum()


def load_national(stdout=None) -> int:
    if Assessment.objects.filter(name=NATIONAL_NAME).exists():
        return 0
    nation = OrgUnit.objects.filter(code="VN").first()
    qn = province_2022("22")
    if nation is None or qn is None:
        return 0
    fw = _framework("dti_tinh_2022.yaml")
    provinces = list(OrgUnit.objects.filter(parent=nation, kind__in=["province", "central_city"])
                     .filter(valid_from__isnull=True).order_by("official_code"))
    others = [p for p in provinces if p.pk != qn.pk]
    rng = np.random.default_rng(2022)
    values = _illustrative_main(len(others), rng)
    dti = _dti(values)
    # Two leaders above Quảng Ninh (0,7024), illustratively the two that led in 2021
    # (Đà Nẵng, then Thừa Thiên Huế).
    leaders = sorted((i for i, p in enumerate(others) if p.official_code in ("48", "46")),
                     key=lambda i: others[i].official_code != "48")
    for j, i in enumerate(leaders):
        values[i] = np.clip(np.array(QUANG_NINH_2022) + 0.03 * (2 - j) + 0.02, 0, 0.99)
    rest = [i for i in range(len(others)) if i not in leaders]
    cap = 0.69
    for i in rest:
        if dti[i] > cap:
            values[i] = np.round(values[i] * cap / dti[i], 4)
    # A tie at 15th: the 15th and 16th copy the same main indices.
    order = sorted(rest, key=lambda i: -_dti(values[i:i + 1])[0])
    values[order[12]] = values[order[11]]  # 3 ahead of them: ranks 15, 15, then 17
    rnd = _round("DTI cấp tỉnh năm 2022", nation, "2022", dt.date(2023, 1, 5),
                 dt.date(2023, 2, 28), None)
    # Historical results imported, not a workflow run here: the 2022 units' answers are
    # recorded as locked.
    Submission.objects.bulk_create([Submission(round=rnd, unit=p, state=Submission.State.LOCKED)
                                    for p in provinces])
    assessment = Assessment.objects.create(
        name=NATIONAL_NAME, framework=fw, year=2022, owner=nation, round=rnd,
        visibility=Assessment.Visibility.PUBLIC, is_illustrative=True,
        note="Chỉ số của Quảng Ninh theo dti.gov.vn; các tỉnh, thành phố khác là số liệu minh "
             "họa. Các tỉnh hợp nhất từ 01/07/2025: trung bình các chỉ số chính của đơn vị "
             "trước hợp nhất.")
    comps = {n.code.removesuffix(".Q"): n for n in fw.nodes.filter(kind="component")}
    entries = []
    for unit, row in [(qn, QUANG_NINH_2022), *zip(others, values.tolist(), strict=True)]:
        for code, v in zip(MAIN, row, strict=True):
            node = comps[code]
            pts = round(float(v) * node.max_points, 4)
            entries.append(ComponentEntry(assessment=assessment, unit=unit, node=node,
                                          declared={"value": pts}, self_points=pts,
                                          final_points=pts, is_illustrative=unit != qn))
    ComponentEntry.objects.bulk_create(entries)
    scoring.publish(assessment, None)
    Assessment.objects.filter(pk=assessment.pk).update(
        published_at=_at(dt.date(2023, 7, 20)))
    return 1


def load_published() -> int:
    count = 0
    for year, code, node, value, rank, source in PUBLISHED:
        unit = province_2022(code)
        if unit is None:
            continue
        PublishedResult.objects.update_or_create(
            year=year, scope=Scope.PROVINCIAL_DTI, unit=unit, node_code=node,
            defaults={"node_name": NODE_NAMES[node], "value": value, "rank": rank,
                      "rank_of": 63, "source_note": source, "is_illustrative": False})
        count += 1
    return count


# --- 3. Quảng Ninh's own assessment ---------------------------------------------------------
def _declare(node: FrameworkNode, quality: float, rng: random.Random) -> dict:
    """Illustrative declared figures for one component, better with `quality` (0..1)."""
    rule = node.rule or {}
    kind = rule.get("kind")
    q = min(1.0, max(0.0, quality + rng.uniform(-0.2, 0.15)))
    if kind == "ratio":
        b = rng.randint(12, 400)
        return {"a": min(b, round(b * min(1.0, q + 0.1))), "b": b}
    if kind == "relative_best":
        return {"value": round(30 + 70 * q, 1)}
    if kind == "choice":
        options = list(rule.get("choices", {}))
        return {"value": options[0] if q > 0.55 else options[1 if q > 0.25 else -1]}
    if kind == "parts":
        return {"du_toan": 1 if q > 0.35 else 0, "giai_ngan": round(40 + 60 * q)}
    if kind == "steps":
        yes_no = any(d.get("type") == "yes_no" for d in node.declared or [])
        if yes_no:
            return {"value": 1 if q > 0.3 else 0}
        top = max(t for t, _ in rule.get("steps", [[1, 0]]))
        return {"value": int(round(top * min(1.2, q + 0.15)))}
    return {}


def _entries(assessment: Assessment, units: list[OrgUnit], qualities: dict[int, float],
             rng: random.Random, skip: float = 0.0) -> list[ComponentEntry]:
    comps = list(assessment.framework.nodes.filter(kind="component").order_by("order"))
    entries = []
    for unit in units:
        for node in comps:
            if not node.applies_to_kind(unit.kind) or rng.random() < skip:
                continue
            entries.append(ComponentEntry(
                assessment=assessment, unit=unit, node=node,
                declared=_declare(node, qualities[unit.pk], rng), is_illustrative=True,
                explanation="Số liệu theo báo cáo của đơn vị (minh họa)."))
    ComponentEntry.objects.bulk_create(entries)
    entries = list(ComponentEntry.objects.filter(assessment=assessment, unit__in=units)
                   .select_related("node"))
    scoring.score_entries(assessment, entries)
    return entries


def _appraise(entries: list[ComponentEntry], reviewer, when: dt.datetime,
              rng: random.Random) -> None:
    """The appraisers confirm most scores and lower a few, with a reason."""
    reasons = ["Tài liệu kiểm chứng chưa thể hiện đủ số liệu kê khai (minh họa).",
               "Số liệu không khớp với hệ thống của tỉnh; tính theo số liệu hệ thống (minh họa).",
               "Văn bản ban hành sau thời điểm đánh giá (minh họa)."]
    changed = []
    for e in entries:
        if e.self_points is None:
            continue
        lower = rng.random() < 0.08 and e.self_points > 0
        e.appraised_points = round(e.self_points * rng.choice([0.5, 0.75]), 2) if lower \
            else e.self_points
        e.appraisal_reason = rng.choice(reasons) if lower else ""
        e.appraised_by, e.appraised_at = reviewer, when
        e.refresh_final()
        changed.append(e)
    ComponentEntry.objects.bulk_update(changed, ["appraised_points", "appraisal_reason",
                                                 "appraised_by", "appraised_at",
                                                 "final_points"], batch_size=2000)


def _qn_units(province: OrgUnit) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(parent=province, valid_to__isnull=True,
                                       kind__in=AGENCY_KINDS + COMMUNE_KINDS).order_by("path"))


def load_quang_ninh(stdout=None) -> int:
    province = OrgUnit.objects.filter(code=DEMO_PROVINCE).first()
    if province is None:
        return 0
    needed = {"CQS_KE_HOACH_CDS", "XHS_CAP_QUANG", "NL_CAN_BO_DAO_TAO", "CQS_TTHC_TRUC_TUYEN",
              "CQS_CO_CONG_TTDT"}
    if Metric.objects.filter(code__in=needed).count() < len(needed):
        return 0
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=["thuongtruc.qn", "thamdinh.qn", "baocao.baichay"])}
    secretariat, reviewer = users.get("thuongtruc.qn"), users.get("thamdinh.qn")
    created = 0
    fw25 = _framework("qn_cds_2025.yaml")
    fw26 = (Framework.objects.filter(code=fw25.code, year=2026).first()
            or frameworks.clone(fw25, 2026, user=secretariat))
    if fw26.state != Framework.State.IN_FORCE:
        fw26.state = Framework.State.IN_FORCE
        fw26.save(update_fields=["state"])
    units = _qn_units(province)
    rng = random.Random(20260311)
    qualities = {u.pk: rng.uniform(0.35, 0.95) for u in units}

    last = Assessment.objects.filter(name=QN_NAMES[2025]).first()
    if last is None:
        rnd = _round("Tự đánh giá chuyển đổi số năm 2025", province, "2025",
                     dt.date(2026, 1, 5), dt.date(2026, 1, 31), AGENCY_KINDS + COMMUNE_KINDS)
        workflow.sync_submissions(rnd)
        last = Assessment.objects.create(
            name=QN_NAMES[2025], framework=fw25, year=2025, owner=province, round=rnd,
            groups=GROUPS, visibility=Assessment.Visibility.UNITS, is_illustrative=True,
            note="Số liệu minh họa.")
        entries = _entries(last, units, qualities, rng)
        _appraise(entries, reviewer, _at(dt.date(2026, 2, 20)), rng)
        for sub in rnd.submissions.select_related("unit", "round"):
            sub = workflow.submit(sub, None, now=_at(dt.date(2026, 1, rng.randint(15, 30))))
            sub = workflow.accept(sub, reviewer, now=_at(dt.date(2026, 2, 25)))
            workflow.lock(sub, secretariat, now=_at(dt.date(2026, 3, 1)))
        scoring.publish(last, secretariat)
        Assessment.objects.filter(pk=last.pk).update(published_at=_at(dt.date(2026, 3, 15)))
        created += 1

    if not Assessment.objects.filter(name=QN_NAMES[2026]).exists():
        today = timezone.localdate()
        rnd = _round("Tự đánh giá chuyển đổi số năm 2026", province, "2026",
                     today - dt.timedelta(days=10), today + dt.timedelta(days=20),
                     AGENCY_KINDS + COMMUNE_KINDS)
        workflow.sync_submissions(rnd)
        current = Assessment.objects.create(
            name=QN_NAMES[2026], framework=fw26, year=2026, owner=province, round=rnd,
            previous=last, groups=GROUPS, visibility=Assessment.Visibility.UNITS,
            is_illustrative=True, note="Đang tự đánh giá; số liệu minh họa.")
        if reviewer is not None:
            assignment = AppraiserAssignment.objects.create(
                assessment=current, user=reviewer, note="Các chỉ số nền tảng (minh họa)")
            assignment.nodes.set(fw26.nodes.filter(code__in=["NT", "TC", "HT", "NL", "ATTT"]))
        subs = list(rnd.submissions.select_related("unit", "round").order_by("unit__code"))
        rng.shuffle(subs)
        improved = {pk: min(0.98, q + rng.uniform(-0.05, 0.15)) for pk, q in qualities.items()}
        sent = [s for i, s in enumerate(subs) if i < len(subs) * 0.45 and s.unit.code != BAI_CHAY]
        drafting = [s for i, s in enumerate(subs)
                    if s.unit.code == BAI_CHAY or len(subs) * 0.45 <= i < len(subs) * 0.75]
        _entries(current, [s.unit for s in sent], improved, rng)
        _entries(current, [s.unit for s in drafting], improved, rng, skip=0.45)
        for i, sub in enumerate(sent):
            sub = workflow.submit(sub, None, now=_at(today - dt.timedelta(days=rng.randint(1, 8))))
            if i % 3 == 0:
                workflow.accept(sub, reviewer, now=_at(today - dt.timedelta(days=1), 15))
        # Phường Bãi Cháy's reporter has started: the steering committee's decision is in.
        bai_chay_unit = OrgUnit.objects.filter(code=BAI_CHAY).first()
        if bai_chay_unit is not None:
            bai_chay, _new = ComponentEntry.objects.get_or_create(
                assessment=current, unit=bai_chay_unit, node=fw26.nodes.get(code="1.3"),
                defaults={"declared": {"value": "nguoi_dung_dau"}, "is_illustrative": True})
            scoring.score_entries(current, [bai_chay])
            evidence_service.attach_link(
                unit=bai_chay.unit, user=None, owner=bai_chay,
                title="Quyết định kiện toàn Ban Chỉ đạo chuyển đổi số phường (minh họa)",
                document_number="125/QĐ-UBND", document_date=today - dt.timedelta(days=40))
        scoring.recompute(current)
        created += 1
    return created


def load(stdout=None) -> dict:
    with transaction.atomic():
        published = load_published()  # first: the 2022 ranks compare with 2021's
        national = load_national(stdout)
        local = load_quang_ninh(stdout)
    # Then units self-assess and the appraiser works through the real form and
    # appraisal paths (demo_entries), so the round in progress looks lived in.
    from . import demo_entries

    with transaction.atomic():
        entries = demo_entries.load(stdout)
    return {"kỳ đánh giá mới": national + local,
            "bản tự đánh giá gửi qua biểu mẫu": entries.get("sent", 0),
            "kỳ đánh giá": Assessment.objects.count(),
            "kết quả đã công bố (2020–2022)": published}
