"""Demo metrics and values for Quảng Ninh, 2023–2025.

The catalogue (about 25 metrics) is taken from the seeds (Quảng Ninh's 2023 results,
Ninh Thuận's, Lạng Sơn's and Bạc Liêu's plans) and the national DTI targets. Values are
generated with a seeded random generator, flagged `is_illustrative` and commented as such,
and calibrated so that the province's roll-up matches the figures the seeds give:
93,4 % of applications handled fully online and 89,13 % of households with fibre in the
first half of 2023, 99,2 % of businesses paying taxes electronically.

Who reports: Quảng Ninh's commune-level units exist since 01/07/2025 (Nghị quyết
1679/NQ-UBTVQH15); before that, its 13 district-level units did. Values go to the units
that existed at the end of each period, so the province's roll-up is right on both sides of
the reorganisation. Agencies report throughout.

Idempotent: values already present are left untouched (the generator is deterministic).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Q

from chiso.orgs.demo import DEMO_PROVINCE
from chiso.orgs.models import OrgUnit

from . import periods as P
from .bulk import Entry, write_values
from .models import DataValue, Metric, Period, Source, State

K = OrgUnit.Kind
LOCAL = [K.COMMUNE, K.WARD, K.SPECIAL_ZONE, K.TOWNSHIP, K.DISTRICT, K.TOWN, K.PROVINCIAL_CITY]
AGENCY = [K.DEPARTMENT, K.BOARD, K.SECTOR, K.OFFICE]
YEARS = (2023, 2024, 2025)
SEED = 20230717  # the date of the Quảng Ninh seed article
NOTE = "Số liệu minh họa, sinh tự động cho bản demo; không phải số liệu chính thức."
TAX_AGENCY = "QN-THUE"


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    name_en: str
    value_type: str
    frequency: str
    kinds: list
    rollup: str = "ratio"
    time_rollup: str = "ratio"
    unit: str = "%"
    num: str = ""
    den: str = ""
    base: float = 0.7  # typical rate at the start of 2023 (percentages, yes/no share)
    growth: float = 0.04  # per year
    size: tuple[int, int] = (200, 2000)  # denominator (or count) range per unit and period
    target: tuple[str, float] | None = None  # (period, province rate in %) from a seed
    evidence: bool = False
    source: str = ""


SPECS = [
    Spec("CQS_TTHC_TRUC_TUYEN", "Tỷ lệ hồ sơ TTHC được xử lý hoàn toàn trực tuyến",
         "Share of administrative applications processed fully online", "percentage", "quarter",
         LOCAL + AGENCY, num="Số hồ sơ xử lý hoàn toàn trực tuyến", den="Tổng số hồ sơ TTHC",
         base=0.9, growth=0.02, size=(300, 4000), target=("2023S1", 93.4), evidence=True,
         source="Seed Quảng Ninh 2023: 93,4 % (mục tiêu 80 %)"),
    Spec("CQS_DVCTT_PHAT_SINH", "Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ",
         "Share of online public services that received applications", "percentage", "quarter",
         LOCAL + AGENCY, num="Số DVCTT có phát sinh hồ sơ", den="Tổng số DVCTT được cung cấp",
         base=0.55, growth=0.08, size=(40, 300), source="KH CĐS Ninh Thuận 2023, Lạng Sơn"),
    Spec("CQS_SO_HOA_HO_SO", "Tỷ lệ hồ sơ, kết quả giải quyết TTHC được số hóa",
         "Share of applications and results digitised", "percentage", "quarter", LOCAL + AGENCY,
         num="Số hồ sơ được số hóa", den="Tổng số hồ sơ tiếp nhận", base=0.85, growth=0.05,
         size=(300, 4000), source="Bạc Liêu 2024: 100 % hồ sơ được số hóa"),
    Spec("CQS_THANH_TOAN_TT", "Tỷ lệ hồ sơ TTHC có thanh toán trực tuyến",
         "Share of applications paid online", "percentage", "quarter", LOCAL + AGENCY,
         num="Số hồ sơ thanh toán trực tuyến", den="Số hồ sơ có nghĩa vụ tài chính",
         base=0.45, growth=0.12, size=(50, 800)),
    Spec("CQS_VAN_BAN_DIEN_TU", "Tỷ lệ văn bản đi được ký số, gửi nhận điện tử",
         "Share of outgoing documents signed and sent electronically", "percentage", "quarter",
         LOCAL + AGENCY, num="Số văn bản điện tử có ký số", den="Tổng số văn bản đi",
         base=0.93, growth=0.02, size=(200, 3000)),
    Spec("CQS_HS_TIEP_NHAN", "Số hồ sơ TTHC tiếp nhận", "Administrative applications received",
         "count", "month", LOCAL + AGENCY, rollup="sum", time_rollup="sum", unit="hồ sơ",
         size=(100, 1500)),
    Spec("CQS_HS_TRUC_TUYEN", "Số hồ sơ TTHC tiếp nhận trực tuyến",
         "Administrative applications received online", "count", "month", LOCAL + AGENCY,
         rollup="sum", time_rollup="sum", unit="hồ sơ", size=(60, 1300)),
    Spec("XHS_CAP_QUANG", "Tỷ lệ hộ gia đình có đường Internet cáp quang băng rộng",
         "Share of households with fibre broadband", "percentage", "quarter", LOCAL,
         time_rollup="latest", num="Số hộ có cáp quang", den="Tổng số hộ gia đình",
         base=0.88, growth=0.02, size=(2000, 15000), target=("2023S1", 89.13),
         source="Seed Quảng Ninh 2023: 89,13 % (mục tiêu 88 %)"),
    Spec("XHS_DIEN_THOAI_TM", "Tỷ lệ dân số trưởng thành có điện thoại thông minh",
         "Share of adults with a smartphone", "percentage", "quarter", LOCAL,
         time_rollup="latest", num="Số người trưởng thành có điện thoại thông minh",
         den="Dân số trưởng thành", base=0.84, growth=0.03, size=(5000, 40000),
         source="Mục tiêu 85 % (Ninh Thuận, Lạng Sơn 2023)"),
    Spec("XHS_TAI_KHOAN_NH", "Tỷ lệ người từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng "
         "hoặc tổ chức được phép khác", "Share of people aged 15+ with a payment account",
         "percentage", "quarter", LOCAL, time_rollup="latest",
         num="Số người từ 15 tuổi có tài khoản", den="Dân số từ 15 tuổi trở lên", base=0.93,
         growth=0.03, size=(5000, 40000), source="Seed Quảng Ninh 2023: 100 % (mục tiêu 95 %)"),
    Spec("XHS_DINH_DANH_DT", "Tỷ lệ người dân có tài khoản định danh điện tử được kích hoạt",
         "Share of residents with an activated electronic ID account", "percentage", "quarter",
         LOCAL, time_rollup="latest", num="Số tài khoản định danh đã kích hoạt",
         den="Dân số từ 14 tuổi trở lên", base=0.6, growth=0.12, size=(5000, 40000),
         source="Tây Ninh: 73,92 % tài khoản kích hoạt"),
    Spec("XHS_KHU_DAN_CU_BANG_RONG", "Tỷ lệ khu dân cư tập trung có kết nối Internet băng rộng cố định",
         "Share of residential areas with fixed broadband", "percentage", "year", LOCAL,
         time_rollup="latest", num="Số khu dân cư có kết nối", den="Tổng số khu dân cư",
         base=0.97, growth=0.02, size=(5, 40), source="Seed Quảng Ninh 2023: 100 %"),
    Spec("XHS_TO_CONG_NGHE_SO", "Số tổ công nghệ số cộng đồng hoạt động",
         "Community digital technology teams active", "count", "year", LOCAL, rollup="sum",
         time_rollup="latest", unit="tổ", size=(3, 30)),
    Spec("KTS_THUE_DIEN_TU_DN", "Tỷ lệ doanh nghiệp nộp thuế điện tử",
         "Share of businesses paying taxes electronically", "percentage", "quarter", [K.SECTOR],
         time_rollup="latest", num="Số doanh nghiệp nộp thuế điện tử",
         den="Số doanh nghiệp đang hoạt động", base=0.99, growth=0.003, size=(9000, 9000),
         target=("2023S1", 99.2), source="Seed Quảng Ninh 2023: 99,2 % (mục tiêu trên 99 %)"),
    Spec("KTS_THUE_DIEN_TU_HKD", "Tỷ lệ hộ kinh doanh kê khai nộp thuế điện tử",
         "Share of declaring household businesses paying taxes electronically", "percentage",
         "quarter", [K.SECTOR], time_rollup="latest", num="Số hộ kinh doanh nộp thuế điện tử",
         den="Số hộ kinh doanh nộp thuế theo phương pháp kê khai", base=0.345, growth=0.08,
         size=(4000, 4000), target=("2023S1", 34.5),
         source="Seed Quảng Ninh 2023: 34,5 % (mục tiêu 30 %)"),
    Spec("KTS_HOA_DON_DIEN_TU", "Tỷ lệ doanh nghiệp sử dụng hóa đơn điện tử",
         "Share of businesses using e-invoices", "percentage", "quarter", [K.SECTOR],
         time_rollup="latest", num="Số doanh nghiệp dùng hóa đơn điện tử",
         den="Số doanh nghiệp đang hoạt động", base=0.985, growth=0.005, size=(9000, 9000),
         source="Lạng Sơn: mục tiêu 100 %"),
    Spec("KTS_DNNVV_NEN_TANG_SO", "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số",
         "Share of SMEs using digital platforms", "percentage", "year", [K.DEPARTMENT],
         time_rollup="latest", num="Số DNNVV sử dụng nền tảng số", den="Tổng số DNNVV",
         base=0.3, growth=0.08, size=(3000, 3000), source="Ninh Thuận 30 %, Bạc Liêu 45–50 %"),
    Spec("CQS_MAY_TINH_PHONG_MA_DOC", "Tỷ lệ máy tính cài phần mềm phòng, chống mã độc kết nối "
         "trung tâm giám sát", "Share of office computers with managed anti-malware",
         "percentage", "quarter", LOCAL + AGENCY, time_rollup="latest",
         num="Số máy tính được bảo vệ", den="Tổng số máy tính làm việc", base=0.9, growth=0.04,
         size=(30, 400), source="Tây Ninh: 100 % máy tính"),
    Spec("CQS_HTTT_CAP_DO", "Tỷ lệ hệ thống thông tin được phê duyệt cấp độ an toàn thông tin",
         "Share of information systems with an approved security level", "percentage", "year",
         AGENCY, time_rollup="latest", num="Số hệ thống được phê duyệt cấp độ",
         den="Tổng số hệ thống thông tin", base=0.75, growth=0.1, size=(2, 15), evidence=True,
         source="Lạng Sơn: 100 % hệ thống được xác định cấp độ"),
    Spec("NL_CAN_BO_DAO_TAO", "Tỷ lệ cán bộ, công chức được tập huấn về chuyển đổi số",
         "Share of civil servants trained in digital transformation", "percentage", "year",
         LOCAL + AGENCY, time_rollup="latest", num="Số cán bộ được tập huấn",
         den="Tổng số cán bộ, công chức", base=0.7, growth=0.12, size=(20, 300),
         source="Seed Quảng Ninh 2023: 100 % nhân lực nòng cốt"),
    Spec("NL_CHI_CDS", "Chi ngân sách cho chuyển đổi số", "Budget spent on digital transformation",
         "number", "year", AGENCY, rollup="sum", time_rollup="sum", unit="triệu đồng",
         size=(300, 20000), source="Tây Ninh: khoảng 1 % tổng chi ngân sách"),
    Spec("CQS_CO_CONG_TTDT", "Có cổng/trang thông tin điện tử đáp ứng quy định",
         "Has a compliant web portal", "yes_no", "year", LOCAL + AGENCY, rollup="sum",
         time_rollup="latest", unit="", base=0.9, growth=0.05),
    Spec("CQS_KE_HOACH_CDS", "Đã ban hành kế hoạch chuyển đổi số năm",
         "Issued its yearly digital transformation plan", "yes_no", "year", LOCAL + AGENCY,
         rollup="sum", time_rollup="latest", unit="", base=0.85, growth=0.07, evidence=True),
    Spec("CQS_BENH_AN_DIEN_TU", "Số cơ sở y tế triển khai bệnh án điện tử",
         "Health facilities with electronic medical records", "count", "year", [K.DEPARTMENT],
         rollup="sum", time_rollup="latest", unit="cơ sở", size=(0, 0),
         source="Seed Quảng Ninh 2023: 5 đơn vị (Thông tư 46/2018/TT-BYT)"),
    Spec("CQS_MUC_DO_DU_LIEU", "Mức độ sẵn sàng chia sẻ dữ liệu", "Data-sharing readiness",
         "choice", "year", AGENCY, rollup="none", time_rollup="latest", unit="", base=0.5,
         growth=0.15),
]
READINESS = [{"code": "1", "label": "Chưa sẵn sàng", "value": 1},
             {"code": "2", "label": "Sẵn sàng một phần", "value": 2},
             {"code": "3", "label": "Sẵn sàng, đã kết nối LGSP", "value": 3}]


def load_catalogue() -> dict[str, Metric]:
    out = {}
    for spec in SPECS:
        percentage = spec.value_type == "percentage"
        fields = {
            "name": spec.name, "name_en": spec.name_en, "value_type": spec.value_type,
            "frequency": spec.frequency, "reporting_kinds": [str(k) for k in spec.kinds],
            "rollup": spec.rollup, "time_rollup": spec.time_rollup,
            "unit_of_measure": spec.unit if spec.value_type != "yes_no" else "",
            "numerator_label": spec.num, "denominator_label": spec.den,
            "min_value": Decimal(0) if spec.value_type in ("percentage", "count", "number") else None,
            "max_value": Decimal(100) if percentage else None,
            "decimals": 2 if percentage else 0, "evidence_required": spec.evidence,
            "choices": READINESS if spec.value_type == "choice" else [],
            "source_note": spec.source, "description": NOTE if not spec.source else "",
        }
        metric, created = Metric.objects.get_or_create(code=spec.code, defaults=fields)
        if not created and any(getattr(metric, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(metric, k, v)
            metric.save()
        out[spec.code] = metric
    return out


def _periods() -> dict[str, list[Period]]:
    kinds: dict[str, list[Period]] = {}
    for year in YEARS:
        for kind in (P.YEAR, P.HALF, P.QUARTER, P.MONTH):
            for p in P.sub_periods(P.build(P.YEAR, year), kind):
                kinds.setdefault(kind, []).append(Period.objects.for_code(p.code))
    return kinds


def _active_at(units: list[OrgUnit], day: dt.date) -> list[OrgUnit]:
    return [u for u in units if (u.valid_from is None or u.valid_from <= day)
            and (u.valid_to is None or u.valid_to >= day)]


def _calibrate(nums: np.ndarray, dens: np.ndarray, target: float) -> np.ndarray:
    """Shift the numerators (kept within 0…denominator) so that Σnum / Σden = target %."""
    goal = round(target / 100 * dens.sum())
    for _ in range(20):
        gap = goal - nums.sum()
        if gap == 0:
            break
        room = (dens - nums) if gap > 0 else nums
        if room.sum() == 0:
            break
        step = np.floor(np.abs(gap) * room / room.sum()).astype(int)
        if step.sum() == 0:
            step[np.argmax(room)] = 1
        nums = nums + np.sign(gap) * np.minimum(step, room)
    return nums


def _entries(metric: Metric, spec: Spec, units: list[OrgUnit], periods: list[Period],
             rng: np.random.Generator) -> list[Entry]:
    """Values of one metric: each unit has its own level and trend, plus noise."""
    level = np.clip(rng.normal(spec.base, 0.06, len(units)), 0.02, 0.995)
    trend = np.clip(rng.normal(spec.growth, spec.growth / 3 + 0.005, len(units)), -0.02, 0.3)
    lo, hi = spec.size
    size = rng.integers(lo, hi + 1, len(units)) if hi > lo else np.full(len(units), lo)
    per_period: dict[int, tuple] = {}
    entries = []
    for period in periods:
        t = (period.start.year - 2023) + (period.start.month - 1) / 12
        members = _active_at(units, period.end)
        idx = np.array([units.index(u) for u in members], dtype=int)
        if not len(idx):
            continue
        rate = np.clip(level[idx] + trend[idx] * t + rng.normal(0, 0.015, len(idx)), 0, 1)
        if spec.value_type == "percentage":
            dens = np.maximum(1, np.round(size[idx] * rng.uniform(0.85, 1.15, len(idx)))).astype(int)
            nums = np.minimum(dens, np.round(rate * dens)).astype(int)
            per_period[period.pk] = (members, nums, dens)
            continue
        for pos, (i, unit) in enumerate(zip(idx, members, strict=True)):
            data: dict = {"comment": NOTE}
            if spec.code == "CQS_BENH_AN_DIEN_TU":
                data["value"] = {"QN-SYT": 5 + 2 * (period.year - 2023)}.get(unit.code, 0)
            elif spec.code == "CQS_HS_TRUC_TUYEN":  # a share of those received, never more
                data["value"] = int(round(rate[pos] * _received[(unit.pk, period.pk)]))
            elif spec.value_type in ("count", "number"):
                seasonal = 1 + 0.15 * np.sin(2 * np.pi * (period.number - 1) / 12)
                data["value"] = int(max(0, round(size[i] * seasonal * rng.uniform(0.8, 1.2))))
                if spec.code == "CQS_HS_TIEP_NHAN":
                    _received[(unit.pk, period.pk)] = data["value"]
            elif spec.value_type == "yes_no":
                data["value"] = "có" if rate[pos] > 0.5 else "không"
            else:  # choice: readiness grows with the level
                data["text"] = "3" if rate[pos] > 0.75 else "2" if rate[pos] > 0.45 else "1"
            entries.append(Entry(metric, unit, period, data, state=State.ACCEPTED))
    if spec.target:
        code, target = spec.target
        scope = Period.objects.get(code=code)
        inside = [p for p in periods if scope.contains(p) and p.pk in per_period]
        if spec.time_rollup == "latest":
            inside = inside[-1:]  # the province's rate is that of the last quarter
        nums = np.concatenate([per_period[p.pk][1] for p in inside])
        dens = np.concatenate([per_period[p.pk][2] for p in inside])
        fixed = _calibrate(nums, dens, target)
        start = 0
        for p in inside:
            n = len(per_period[p.pk][1])
            members, _, d = per_period[p.pk]
            per_period[p.pk] = (members, fixed[start:start + n], d)
            start += n
    for period in periods:
        if period.pk not in per_period:
            continue
        members, nums, dens = per_period[period.pk]
        for unit, n, d in zip(members, nums, dens, strict=True):
            entries.append(Entry(metric, unit, period,
                                 {"numerator": int(n), "denominator": int(d), "comment": NOTE},
                                 state=State.ACCEPTED))
    return entries


_received: dict[tuple[int, int], int] = {}


@transaction.atomic
def load(stdout=None) -> dict:
    province = OrgUnit.objects.filter(code=DEMO_PROVINCE).first()
    if province is None:
        return {"metrics": 0}
    catalogue = load_catalogue()
    periods = _periods()
    units = list(province.descendants().filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(YEARS[0], 1, 1))).order_by("path"))
    rng = np.random.default_rng(SEED)
    _received.clear()
    entries: list[Entry] = []
    for spec in SPECS:
        reporting = [u for u in units if u.kind in spec.kinds]
        if spec.kinds == [K.SECTOR]:
            reporting = [u for u in reporting if u.code == TAX_AGENCY]
        entries += _entries(catalogue[spec.code], spec, reporting, periods[spec.frequency], rng)
    existing = set(DataValue.objects.filter(metric__in=catalogue.values()).values_list(
        "metric_id", "unit_id", "period_id"))
    new = [e for e in entries if (e.metric.pk, e.unit.pk, e.period.pk) not in existing]
    created = write_values(new, user=None, source=Source.FORM, is_illustrative=True,
                           reason="Nạp dữ liệu demo").created if new else 0
    return {"metrics": len(catalogue), "values": DataValue.objects.count(),
            "new values": created}
