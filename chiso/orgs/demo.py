"""Demo units and users: the nation, its 34 provinces (and the 63 before 01/07/2025, linked
to the units that succeeded them), and Quảng Ninh in full detail: its agencies, its 54
commune-level units, and the 13 district-level units that ended on 30/06/2025.

Data comes from the CSV files in `chiso/orgs/data/` (sources in its README.md). Rows not
confirmed against an official source are flagged `is_illustrative` and say so.

`load()` is idempotent: every row is upserted by its code, so running the demo twice
leaves the database as after one run.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Membership, OrgUnit, Role, UnitSuccession

DATA = Path(__file__).resolve().parent / "data"
MERGER_DAY = dt.date(2025, 7, 1)
LAST_DAY_BEFORE = dt.date(2025, 6, 30)
PROVINCE_MERGER_BASIS = "Nghị quyết 202/2025/QH15 ngày 12/6/2025 của Quốc hội"
QN_COMMUNE_BASIS = "Nghị quyết 1679/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội"
DEMO_PROVINCE = "T22"  # Quảng Ninh: seed 001 (QN_DTI, Plans 59/KH-UBND and 37/KH-UBND)
DEMO_PASSWORD = "chiso-demo-2026"

PROVINCE_KINDS = {"tinh": OrgUnit.Kind.PROVINCE, "thanh_pho": OrgUnit.Kind.CENTRAL_CITY}
DISTRICT_KINDS = {"thanh_pho": OrgUnit.Kind.PROVINCIAL_CITY, "thi_xa": OrgUnit.Kind.TOWN,
                  "huyen": OrgUnit.Kind.DISTRICT}
COMMUNE_KINDS = {"phuong": OrgUnit.Kind.WARD, "xa": OrgUnit.Kind.COMMUNE,
                 "dac_khu": OrgUnit.Kind.SPECIAL_ZONE, "thi_tran": OrgUnit.Kind.TOWNSHIP}
AGENCY_KINDS = {"so": OrgUnit.Kind.DEPARTMENT, "ban": OrgUnit.Kind.BOARD,
                "nganh": OrgUnit.Kind.SECTOR, "van_phong": OrgUnit.Kind.OFFICE}


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    unit_code: str
    title: str
    superuser: bool = False


# Names of people are invented ("minh họa"); units are real.
DEMO_USERS = [
    DemoUser("quantri", "Quản trị hệ thống", "", "", "Quản trị hệ thống", superuser=True),
    DemoUser("lanhdao.tw", "Lãnh đạo Ban Chỉ đạo quốc gia (minh họa)", Role.LEADER, "VN",
             "Ban Chỉ đạo quốc gia về phát triển KH,CN, ĐMST và CĐS"),
    DemoUser("lanhdao.qn", "Nguyễn Văn Lãnh (minh họa)", Role.LEADER, DEMO_PROVINCE,
             "Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo CĐS"),
    DemoUser("thuongtruc.qn", "Trần Thị Thường (minh họa)", Role.ADMIN, DEMO_PROVINCE,
             "Sở Khoa học và Công nghệ – cơ quan thường trực Ban Chỉ đạo"),
    DemoUser("thamdinh.qn", "Lê Văn Thẩm (minh họa)", Role.REVIEWER, DEMO_PROVINCE,
             "Tổ thẩm định chỉ số CĐS (QN_DTI)"),
    DemoUser("truong.baichay", "Phạm Văn Trưởng (minh họa)", Role.HEAD, "X06673",
             "Chủ tịch UBND phường"),
    DemoUser("baocao.baichay", "Hoàng Thị Báo (minh họa)", Role.REPORTER, "X06673",
             "Công chức đầu mối CĐS"),
    DemoUser("baocao.coto", "Vũ Văn Cáo (minh họa)", Role.REPORTER, "X07192",
             "Công chức đầu mối CĐS"),
    DemoUser("baocao.syt", "Đỗ Thị Y (minh họa)", Role.REPORTER, "QN-SYT",
             "Chuyên viên đầu mối CĐS, Sở Y tế"),
    DemoUser("truong.syt", "Bùi Văn Giám (minh họa)", Role.HEAD, "QN-SYT", "Giám đốc Sở Y tế"),
]


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _upsert(code: str, **fields) -> OrgUnit:
    """Create or update a unit by code, saving only when something changed (so a second
    run of the demo writes nothing)."""
    unit = OrgUnit.objects.filter(code=code).first() or OrgUnit(code=code)
    changed = {k: v for k, v in fields.items() if getattr(unit, k) != v}
    if unit.pk is None or changed:
        for key, value in changed.items():
            setattr(unit, key, value)
        unit.save()
    return unit


def _link(predecessor: OrgUnit, successor: OrgUnit, kind: str, day: dt.date, basis: str) -> None:
    UnitSuccession.objects.update_or_create(
        predecessor=predecessor, successor=successor,
        defaults={"kind": kind, "effective_date": day, "legal_basis": basis})


def load_units() -> dict[str, int]:
    nation = _upsert("VN", official_code="VN", name="Nước Cộng hòa xã hội chủ nghĩa Việt Nam",
                     short_name="Việt Nam", name_en="Viet Nam", kind=OrgUnit.Kind.NATION,
                     parent_id=None)
    new_rows = _rows("provinces_2025.csv")
    old_rows = {r["code"]: r for r in _rows("provinces_pre2025.csv")}
    # A province whose only predecessor is itself did not change: one record spans both
    # periods. Every other old province ends on 30/06/2025 and links to its successor.
    unchanged = {r["code"] for r in new_rows if r["predecessors"].split("|") == [r["code"]]}
    old_units: dict[str, OrgUnit] = {}
    for code, r in old_rows.items():
        if code in unchanged:
            continue
        old_units[code] = _upsert(
            f"T{code}-den-2025", official_code=code, name=r["name"], short_name=r["short_name"],
            name_en=r["name_en"], kind=PROVINCE_KINDS[r["kind"]], parent_id=nation.pk,
            valid_from=None, valid_to=LAST_DAY_BEFORE)
    for r in new_rows:
        code = r["code"]
        unit = _upsert(f"T{code}", official_code=code, name=r["name"], short_name=r["short_name"],
                       name_en=r["name_en"], kind=PROVINCE_KINDS[r["kind"]], parent_id=nation.pk,
                       valid_from=None if code in unchanged else MERGER_DAY, valid_to=None)
        if code not in unchanged:
            for old in r["predecessors"].split("|"):
                _link(old_units[old], unit, UnitSuccession.Kind.MERGER, MERGER_DAY,
                      PROVINCE_MERGER_BASIS)
    qn = OrgUnit.objects.get(code=DEMO_PROVINCE)
    districts = {}
    for r in _rows("quang_ninh_districts_pre2025.csv"):
        districts[r["name"]] = _upsert(
            f"H{r['code']}", official_code=r["code"], name=r["name"], kind=DISTRICT_KINDS[r["kind"]],
            parent_id=qn.pk, valid_to=LAST_DAY_BEFORE,
            note="Đơn vị hành chính cấp huyện, kết thúc hoạt động từ 01/07/2025.")
    for i, r in enumerate(_rows("quang_ninh_communes.csv"), start=1):
        real = r["real"] == "1"
        code = f"X{r['code']}" if r["code"] else f"X22-{i:03d}"
        commune = _upsert(code, official_code=r["code"], name=r["name"], kind=COMMUNE_KINDS[r["kind"]],
                          parent_id=qn.pk, valid_from=MERGER_DAY, valid_to=None, is_illustrative=not real)
        district = districts.get(r["former_district"])
        if district:
            _link(district, commune, UnitSuccession.Kind.DISSOLUTION, MERGER_DAY, QN_COMMUNE_BASIS)
    for r in _rows("quang_ninh_agencies.csv"):
        _upsert(f"QN-{r['code']}", name=r["name"], kind=AGENCY_KINDS[r["kind"]], parent_id=qn.pk,
                is_illustrative=r["real"] != "1", note=r.get("note", ""))
    return {"units": OrgUnit.objects.count(), "successions": UnitSuccession.objects.count()}


def load_users() -> list[DemoUser]:
    User = get_user_model()
    for du in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=du.username)
        user.first_name, user.last_name = "", du.full_name
        user.is_superuser = user.is_staff = du.superuser
        if not user.email:
            # Reminders need an address; ".invalid" (RFC 2606) can never reach a real inbox.
            user.email = f"{du.username}@demo.chiso.invalid"
        user.set_password(DEMO_PASSWORD)
        user.save()
        if du.role:
            Membership.objects.update_or_create(
                user=user, unit=OrgUnit.objects.get(code=du.unit_code), role=du.role,
                defaults={"title": du.title})
    return DEMO_USERS


@transaction.atomic
def load(stdout=None) -> dict:
    counts = load_units()
    load_users()
    return counts


def credentials() -> list[tuple[str, str, str, str]]:
    """(username, password, role, unit) for the README and the end of `make demo`."""
    units = {u.code: u.name for u in OrgUnit.objects.filter(
        code__in=[d.unit_code for d in DEMO_USERS if d.unit_code])}
    out = []
    for du in DEMO_USERS:
        role = "superuser" if du.superuser else du.role
        out.append((du.username, DEMO_PASSWORD, role, units.get(du.unit_code, "–")))
    return out
