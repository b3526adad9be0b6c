"""Demo reporting rounds for Quảng Ninh's communes, wards and special zones.

Two rounds, dated from the day the demo is first loaded so that it always looks live:
- last quarter's round, past its deadline: most units accepted, some waiting for review,
  some returned with a reason (Phường Bãi Cháy among them), a few sent late after the
  secretariat re-opened their form, and a few still missing;
- this quarter's round, open and due in two weeks: a few units have sent it, most
  (Phường Bãi Cháy included) have it to do, and one, sent to by mistake, was taken off
  by the secretariat.

Figures are illustrative ("minh họa"), derived from each unit's latest demo value of the
metric. Everything goes through `chiso.metrics.services` and `chiso.rounds.workflow`
(as the system, or as the demo users where they exist), so states, history and the
event log are exactly what the application would produce. Idempotent: a round that
already exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from chiso.metrics import evidence as evidence_service
from chiso.metrics import periods as P
from chiso.metrics import services
from chiso.metrics.models import DataValue, Metric, Period
from chiso.orgs.demo import DEMO_PROVINCE
from chiso.orgs.models import OrgUnit

from . import workflow
from .models import ReportingRound, RoundItem, Submission

KINDS = [OrgUnit.Kind.WARD, OrgUnit.Kind.COMMUNE, OrgUnit.Kind.SPECIAL_ZONE]
BAI_CHAY = "X06673"
FORM = [
    ("Chính quyền số", [("CQS_TTHC_TRUC_TUYEN", True), ("CQS_DVCTT_PHAT_SINH", True),
                        ("CQS_SO_HOA_HO_SO", True), ("CQS_THANH_TOAN_TT", False)]),
    ("Xã hội số", [("XHS_CAP_QUANG", True), ("XHS_DIEN_THOAI_TM", True),
                   ("XHS_DINH_DANH_DT", True)]),
    ("Hạ tầng và an toàn thông tin", [("CQS_MAY_TINH_PHONG_MA_DOC", True),
                                      ("CQS_CO_CONG_TTDT", True)]),
]
RETURN_REASONS = [
    "Tỷ lệ hồ sơ xử lý hoàn toàn trực tuyến chưa khớp với Hệ thống thông tin giải quyết "
    "TTHC của tỉnh; đề nghị kiểm tra lại mẫu số (tổng số hồ sơ tiếp nhận trong quý).",
    "Thiếu minh chứng cho tỷ lệ hồ sơ trực tuyến; đề nghị đính kèm báo cáo của Bộ phận "
    "một cửa.",
    "Số hộ có cáp quang tăng bất thường so với quý trước; đề nghị giải trình nguồn số liệu.",
]


def _at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _latest(metric: Metric, unit: OrgUnit) -> DataValue | None:
    return (DataValue.objects.filter(metric=metric, unit=unit, value__isnull=False)
            .order_by("-period__start").first())


def _figure(metric: Metric, unit: OrgUnit, rng: random.Random) -> dict:
    """A plausible value: the unit's latest one, moved a little."""
    last = _latest(metric, unit)
    T = Metric.ValueType
    if metric.value_type == T.PERCENTAGE:
        den = int(last.denominator) if last and last.denominator else rng.randint(300, 4000)
        den = max(1, int(den * rng.uniform(0.95, 1.08)))
        rate = float(last.value) / 100 if last else rng.uniform(0.6, 0.95)
        rate = min(1.0, max(0.0, rate + rng.uniform(-0.01, 0.03)))
        return {"numerator": int(den * rate), "denominator": den}
    if metric.value_type == T.YES_NO:
        return {"value": "1" if rng.random() < 0.92 else "0"}
    if metric.value_type == T.CHOICE:
        return {"text": str((metric.choices or [{"code": "1"}])[-1]["code"])}
    base = float(last.value) if last else rng.randint(10, 500)
    return {"value": Decimal(int(base * rng.uniform(0.95, 1.1)))}


def _fill(sub: Submission, items: list[RoundItem], user, rng: random.Random,
          on: dt.date) -> None:
    for item in items:
        if not item.required and rng.random() < 0.3:
            continue
        value = services.save_value(item.metric, sub.unit, sub.round.period,
                                    _figure(item.metric, sub.unit, rng), user=user,
                                    is_illustrative=True)
        if item.metric.evidence_required and not value.evidence.exists():
            number = rng.randint(40, 380)
            evidence_service.attach_link(
                user=user, data_value=value, title="Báo cáo",
                document_number=f"{number}/BC-UBND", document_date=on)


def _round(name: str, province: OrgUnit, period: Period, opens: dt.date, deadline: dt.date,
           creator) -> tuple[ReportingRound, bool]:
    existing = ReportingRound.objects.filter(owner=province, period=period, name=name).first()
    if existing:
        return existing, False
    codes = {m.code: m for m in Metric.objects.filter(
        code__in=[c for _, items in FORM for c, _ in items])}
    form = [(title, [(codes[c], req) for c, req in items if c in codes]) for title, items in FORM]
    rnd = workflow.create_round(
        name=name, owner=province, period=period, opens_on=opens, deadline=deadline,
        form=form, target_kinds=KINDS, created_by=creator, instructions=(
            "Số liệu tính đến hết kỳ báo cáo. Tỷ lệ nhập theo tử số và mẫu số; "
            "tỷ lệ hồ sơ trực tuyến cần kèm minh chứng (báo cáo của Bộ phận một cửa)."))
    return rnd, True


def _users() -> dict:
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(
        username__in=["thuongtruc.qn", "thamdinh.qn", "baocao.baichay", "baocao.coto"])}


def _reporter(sub: Submission, users: dict):
    # The demo's own reporters act for their units; other units act as the system.
    return {BAI_CHAY: users.get("baocao.baichay"),
            "X07192": users.get("baocao.coto")}.get(sub.unit.code)


def _past_round(rnd: ReportingRound, users: dict, rng: random.Random) -> None:
    items = list(rnd.items.select_related("metric"))
    reviewer, secretariat = users.get("thamdinh.qn"), users.get("thuongtruc.qn")
    subs = list(rnd.submissions.select_related("unit", "round", "round__period")
                .order_by("unit__code"))
    rng.shuffle(subs)
    span = (rnd.deadline - rnd.opens_on).days
    for i, sub in enumerate(subs):
        share = i / len(subs)
        reporter = _reporter(sub, users)
        sent_on = rnd.opens_on + dt.timedelta(days=rng.randint(span // 2, span))
        if sub.unit.code == BAI_CHAY or (0.78 <= share < 0.86):
            kind = "returned"
        elif share < 0.55:
            kind = "accepted"
        elif share < 0.72:
            kind = "waiting"
        elif share < 0.78:
            kind = "late"
        elif share < 0.93:
            kind = "missing_draft"
        else:
            kind = "missing"
        if kind == "missing":
            continue
        _fill(sub, items, reporter, rng, sent_on)
        if kind == "missing_draft":
            continue
        if kind == "late":
            reopened = rnd.deadline + dt.timedelta(days=2)
            workflow.reopen(sub, secretariat, reopened + dt.timedelta(days=7),
                            "Đơn vị đề nghị gia hạn do sự cố đường truyền (minh họa)",
                            now=_at(reopened, 8))
            sent_on = reopened + dt.timedelta(days=rng.randint(1, 5))
        sub = workflow.submit(sub, reporter, now=_at(sent_on, rng.randint(8, 16),
                                                     rng.randint(0, 59)))
        review_on = _at(min(sent_on + dt.timedelta(days=rng.randint(1, 4)),
                            timezone.localdate()), 10)
        if kind == "accepted":
            workflow.accept(sub, reviewer, now=review_on)
        elif kind == "returned":
            reason = RETURN_REASONS[0 if sub.unit.code == BAI_CHAY else rng.randrange(3)]
            first = rnd.sections.order_by("order").first()
            workflow.return_(sub, reviewer, reason, sections=[first], now=review_on)


def _open_round(rnd: ReportingRound, users: dict, rng: random.Random) -> None:
    items = list(rnd.items.select_related("metric"))
    today = timezone.localdate()
    subs = [s for s in rnd.submissions.select_related("unit", "round", "round__period")
            .order_by("unit__code") if s.unit.code != BAI_CHAY]
    rng.shuffle(subs)
    for i, sub in enumerate(subs):
        if i >= len(subs) * 0.35:
            break
        reporter = _reporter(sub, users)
        started = rnd.opens_on + dt.timedelta(days=rng.randint(0, max(0, (today - rnd.opens_on).days)))
        _fill(sub, items, reporter, rng, started)
        if i < len(subs) * 0.2:
            workflow.submit(sub, reporter, now=_at(started, rng.randint(8, 16)))
    # One unit the round should not have gone to, taken off by the secretariat (its page
    # "Đơn vị nhận" shows it with the reason; its values stay).
    untouched = [s for s in subs[int(len(subs) * 0.35) + 1:] if s.unit.code != "X07192"]
    if untouched:
        workflow.remove_recipient(
            rnd, untouched[0].unit, users.get("thuongtruc.qn"),
            "Gửi nhầm đơn vị: các chỉ tiêu này của đơn vị được tổng hợp qua kỳ báo cáo riêng "
            "của tỉnh (minh họa)", now=_at(rnd.opens_on + dt.timedelta(days=1), 10))


def load(stdout=None) -> dict:
    province = OrgUnit.objects.filter(code=DEMO_PROVINCE).first()
    if province is None or not Metric.objects.filter(code=FORM[0][1][0][0]).exists():
        return {"kỳ báo cáo": 0}
    users = _users()
    today = timezone.localdate()
    current = P.containing(P.build(P.MONTH, today.year, today.month), P.QUARTER)
    previous = P.previous(current)
    rng = random.Random(20261115)
    created = 0

    past_period = Period.objects.for_code(previous.code)
    past_deadline = today - dt.timedelta(days=10)
    past_opens = min(previous.end + dt.timedelta(days=1), past_deadline - dt.timedelta(days=20))
    past, new = _round(f"Báo cáo chuyển đổi số {past_period.label} – cấp xã", province,
                       past_period, past_opens, past_deadline, users.get("thuongtruc.qn"))
    if new:
        _past_round(past, users, rng)
        created += 1

    open_period = Period.objects.for_code(current.code)
    opened, new = _round(f"Báo cáo chuyển đổi số {open_period.label} – cấp xã", province,
                         open_period, today - dt.timedelta(days=6),
                         today + dt.timedelta(days=14), users.get("thuongtruc.qn"))
    if new:
        _open_round(opened, users, rng)
        created += 1
    return {"kỳ báo cáo": ReportingRound.objects.filter(owner=province).count(),
            "mới tạo": created,
            "bài nộp": Submission.objects.filter(round__owner=province).count()}
