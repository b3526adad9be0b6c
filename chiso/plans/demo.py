"""Demo plans from the seeds, with their real targets and numbers, linked to metrics.

Real (from the seeds or the documents they cite): the plans' numbers, dates, issuers and
titles; the targets quoted in the articles with their values (Ninh Thuận 2023 with its
per-level targets; Quảng Ninh 37/KH-UBND with the results reported for the first half of
2023; Lạng Sơn 72-KH/BCĐ in five areas and its 11 key contents; Bạc Liêu's 2024 targets;
Tây Ninh's DTI goals and the departments given each DTI group); Việt Nam's EGDI ranks
(86 in 2020 and 2022, 71 in 2024).

Illustrative (flagged `is_illustrative`, and said so in the notes): the statements of the
09-NQ/TU targets the article only counts (10 + 5 + 5), the figures of provinces other
than Quảng Ninh, task dates and progress, the Sở Y tế plan. Quảng Ninh's figures for
2023–2025 come from the metrics demo (calibrated to the seed's first-half results).

"Today" is the machine's date; plans end between 2023 and 2030, so targets are finished
(exceeded, achieved, not achieved, no data) or running (on track, at risk), and tasks are
in every state. Idempotent: everything is looked up by plan number and item code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chiso.metrics.models import DataValue, Metric, Period, State
from chiso.metrics.services import save_value
from chiso.orgs.models import Level, OrgUnit

from .models import Plan, SolutionGroup, Target, TargetBreakdown, TargetValue, Task, TaskUpdate

K = OrgUnit.Kind
NOTE = "Số liệu minh họa cho bản demo, không phải số liệu chính thức."
AREAS = {"CQS": "Chính quyền số", "KTS": "Kinh tế số", "XHS": "Xã hội số",
         "CK": "Cửa khẩu số", "ATTT": "An toàn thông tin"}
LEAVE_DISTRICTS = dt.date(2025, 6, 30)


# --- helpers ---------------------------------------------------------------------------------
def _unit(code: str, **fields) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        unit = OrgUnit(code=code, **fields)
        unit.save()
    return unit


def _metric(code: str, name: str, **fields) -> Metric:
    defaults = {"name": name, "value_type": "percentage", "frequency": "year",
                "reporting_kinds": [K.PROVINCE, K.NATION], "rollup": "none",
                "time_rollup": "latest", "decimals": 2, "unit_of_measure": "%",
                "source_note": "Demo kế hoạch (chiso.plans.demo)", **fields}
    metric, _ = Metric.objects.get_or_create(code=code, defaults=defaults)
    return metric


def _values(metric: Metric, unit: OrgUnit, figures: dict[str, float], illustrative: bool = True,
            comment: str = NOTE) -> None:
    """Accepted values, written once (a value already there is left alone)."""
    for code, figure in figures.items():
        period = Period.objects.for_code(code)
        if DataValue.objects.filter(metric=metric, unit=unit, period=period).exists():
            continue
        if metric.is_percentage:
            data = {"numerator": Decimal(str(figure)) * 100, "denominator": 10000}
        else:
            data = {"value": Decimal(str(figure))}
        save_value(metric, unit, period, {**data, "comment": comment}, user=None,
                   source="computed", state=State.ACCEPTED, is_illustrative=illustrative)


def _codes(metric: Metric, year: int) -> list[str]:
    """The periods of `year` at the metric's frequency: `2023`, `2023S1`…, `2023Q1`…"""
    return {"year": [str(year)], "half": [f"{year}S{h}" for h in (1, 2)],
            "quarter": [f"{year}Q{q}" for q in range(1, 5)],
            "month": [f"{year}-{m:02d}" for m in range(1, 13)]}[metric.frequency]


def _plan(number: str, issuer: OrgUnit, title: str, **fields) -> Plan:
    owner = fields.pop("owner", issuer)
    lookup = {"issuer": issuer, "number": number} if number else {"issuer": issuer, "title": title}
    plan, _ = Plan.objects.update_or_create(**lookup, defaults={
        "title": title, "owner": owner, "status": Plan.Status.IN_FORCE, **fields})
    return plan


def _groups(plan: Plan, titles: list[str]) -> list[SolutionGroup]:
    out = []
    for i, title in enumerate(titles, start=1):
        group, _ = SolutionGroup.objects.update_or_create(
            plan=plan, code=str(i), defaults={"title": title, "order": i})
        out.append(group)
    return out


def _target(plan: Plan, code: str, statement: str, goals: dict, *, pillar: str = "",
            metric: Metric | None = None, comparison: str = "gte", **fields) -> Target:
    target, _ = Target.objects.update_or_create(plan=plan, code=code, defaults={
        "statement": statement, "pillar": pillar, "metric": metric, "comparison": comparison,
        "order": int(code.split(".")[-1]) if code.split(".")[-1].isdigit() else 0, **fields})
    for key, value in goals.items():
        year, level = key if isinstance(key, tuple) else (key, None)
        TargetValue.objects.update_or_create(target=target, year=year, level=level,
                                             defaults={"value": Decimal(str(value))})
    return target


def _task(plan: Plan, code: str, description: str, lead: OrgUnit, *, start: dt.date,
          due: dt.date | None, coordinating: tuple = (), targets: tuple = (),
          updates: tuple = (), **fields) -> Task:
    """`updates`: (date, percent or None for a note, text, unit or None for the lead)."""
    task, created = Task.objects.update_or_create(plan=plan, code=code, defaults={
        "description": description, "lead_unit": lead, "start_date": start, "due_date": due,
        "order": int(code) if code.isdigit() else 0, **fields})
    task.coordinating_units.set(coordinating)
    task.targets.set(targets)
    if not task.updates.exists():
        author = get_user_model().objects.filter(username="quantri").first()
        for day, percent, text, unit in updates:
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
            TaskUpdate.objects.create(
                task=task, unit=unit or lead, author=author, text=text, created_at=at,
                kind=TaskUpdate.Kind.PROGRESS if percent is not None else TaskUpdate.Kind.NOTE,
                percent=percent)
    return task


def d(text: str) -> dt.date:
    day, month, year = (int(x) for x in text.split("/"))
    return dt.date(year, month, day)


# --- the national programme -----------------------------------------------------------------
def national(vn: OrgUnit) -> Plan:
    plan = _plan("749/QĐ-TTg", vn, "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng "
                 "đến năm 2030", kind=Plan.Kind.PROGRAMME, signed_on=d("03/06/2020"),
                 start_year=2020, end_year=2025)
    egdi = _metric("KH_EGDI_HANG", "Thứ hạng Chính phủ điện tử (EGDI) của Liên Hợp Quốc",
                   value_type="number", unit_of_measure="hạng", decimals=0, direction=-1,
                   min_value=1, reporting_kinds=[K.NATION])
    _values(egdi, vn, {"2020": 86, "2022": 86, "2024": 71}, illustrative=False,
            comment="Khảo sát Chính phủ điện tử của Liên Hợp Quốc (EGDI) 2020, 2022, 2024.")
    _target(plan, "1", "Việt Nam thuộc nhóm 50 nước dẫn đầu về Chính phủ điện tử (EGDI)",
            {2025: 50}, pillar=AREAS["CQS"], metric=egdi, comparison="top",
            baseline_value=86, baseline_year=2020)
    _target(plan, "2", "90% hồ sơ công việc tại cấp bộ, tỉnh; 80% hồ sơ công việc tại cấp huyện "
            "và 60% hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng",
            {(2025, Level.PROVINCIAL): 90, (2025, Level.DISTRICT): 80, (2025, Level.COMMUNE): 60},
            pillar=AREAS["CQS"])
    _target(plan, "3", "Kinh tế số chiếm 20% GDP", {2025: 20}, pillar=AREAS["KTS"])
    _target(plan, "4", "Phổ cập dịch vụ mạng Internet băng rộng cáp quang: trên 80% hộ gia đình",
            {2025: 80}, pillar=AREAS["XHS"])
    return plan


# --- Quảng Ninh -----------------------------------------------------------------------------------
QN_RESOLUTION_TARGETS = [  # (pillar, statement, metric code, goals) – statements illustrative
    ("CQS", "Tỷ lệ hồ sơ thủ tục hành chính được xử lý hoàn toàn trực tuyến đạt trên 90%",
     "CQS_TTHC_TRUC_TUYEN", {2025: 90}),
    ("CQS", "Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ đạt 80%", "CQS_DVCTT_PHAT_SINH", {2025: 80}),
    ("CQS", "100% hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa", "CQS_SO_HOA_HO_SO",
     {2025: 100}),
    ("CQS", "Tỷ lệ hồ sơ có nghĩa vụ tài chính được thanh toán trực tuyến đạt 85%",
     "CQS_THANH_TOAN_TT", {2025: 85}),
    ("CQS", "98% văn bản đi được ký số, gửi nhận trên môi trường điện tử", "CQS_VAN_BAN_DIEN_TU",
     {2025: 98}),
    ("CQS", "100% cán bộ, công chức được tập huấn kỹ năng số", "NL_CAN_BO_DAO_TAO", {2025: 100}),
    ("CQS", "100% máy tính làm việc được cài phần mềm phòng, chống mã độc kết nối trung tâm giám sát",
     "CQS_MAY_TINH_PHONG_MA_DOC", {2027: 100}),
    ("CQS", "100% hệ thống thông tin được phê duyệt cấp độ an toàn thông tin", "CQS_HTTT_CAP_DO",
     {2027: 100}),
    ("CQS", "Chỉ số DTI của tỉnh duy trì trong nhóm 5 tỉnh, thành phố dẫn đầu", None, {2025: 5}),
    ("CQS", "Hình thành kho dữ liệu dùng chung của tỉnh, kết nối các cơ sở dữ liệu quốc gia", None,
     {2025: 100}),
    ("KTS", "Kinh tế số chiếm 20% GRDP của tỉnh", None, {2025: 20}),
    ("KTS", "100% doanh nghiệp sử dụng hóa đơn điện tử", "KTS_HOA_DON_DIEN_TU", {2025: 100}),
    ("KTS", "Trên 99% doanh nghiệp nộp thuế điện tử", "KTS_THUE_DIEN_TU_DN", {2025: 99}),
    ("KTS", "70% doanh nghiệp nhỏ và vừa sử dụng nền tảng số", "KTS_DNNVV_NEN_TANG_SO", {2030: 70}),
    ("KTS", "50% hộ kinh doanh kê khai nộp thuế điện tử", "KTS_THUE_DIEN_TU_HKD", {2030: 50}),
    ("XHS", "98% hộ gia đình có đường Internet cáp quang băng rộng", "XHS_CAP_QUANG", {2030: 98}),
    ("XHS", "95% dân số trưởng thành có điện thoại thông minh", "XHS_DIEN_THOAI_TM", {2030: 95}),
    ("XHS", "90% người dân có tài khoản định danh điện tử được kích hoạt", "XHS_DINH_DANH_DT",
     {2030: 90}),
    ("XHS", "100% người từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc tổ chức "
     "được phép khác", "XHS_TAI_KHOAN_NH", {2025: 100}),
    ("XHS", "Mỗi xã, phường có ít nhất 5 tổ công nghệ số cộng đồng hoạt động thường xuyên",
     "XHS_TO_CONG_NGHE_SO", {}),  # 5 per commune-level unit: goal and breakdown below
]
TEAMS_PER_COMMUNE = 5


def quang_ninh(qn: OrgUnit, parent: Plan) -> dict:
    agencies = {u.code: u for u in OrgUnit.objects.filter(code__startswith="QN-")}
    skhcn = agencies.get("QN-SKHCN", qn)
    resolution = _plan("09-NQ/TU", qn, "Nghị quyết về chuyển đổi số toàn diện tỉnh Quảng Ninh đến "
                       "năm 2025, định hướng đến năm 2030", kind=Plan.Kind.RESOLUTION,
                       start_year=2022, end_year=2030, parent=parent, is_illustrative=True,
                       note="Ban Thường vụ Tỉnh ủy ban hành đầu năm 2022; 20 mục tiêu ở 3 trụ cột "
                            "(10 + 5 + 5). Nội dung từng mục tiêu và các mốc 2030 là minh họa.")
    metrics = {m.code: m for m in Metric.objects.filter(code__in=[r[2] for r in QN_RESOLUTION_TARGETS if r[2]])}
    targets = {}
    for i, (pillar, statement, code, goals) in enumerate(QN_RESOLUTION_TARGETS, start=1):
        targets[i] = _target(resolution, str(i), statement, goals, pillar=AREAS[pillar],
                             metric=metrics.get(code) if code else None, lead_unit=skhcn,
                             comparison="top" if "nhóm 5" in statement else "gte",
                             is_illustrative=True)
    communes = list(OrgUnit.objects.filter(parent=qn, kind__in=[K.COMMUNE, K.WARD, K.SPECIAL_ZONE],
                                           valid_to__isnull=True))
    teams = targets[len(QN_RESOLUTION_TARGETS)]
    TargetValue.objects.update_or_create(target=teams, year=2026, level=None,
                                         defaults={"value": TEAMS_PER_COMMUNE * len(communes)})
    for commune in communes:
        TargetBreakdown.objects.update_or_create(target=teams, unit=commune, year=2026,
                                                 defaults={"value": TEAMS_PER_COMMUNE})
    today = timezone.localdate()
    _task(resolution, "1", "Triển khai Bộ chỉ số đánh giá chuyển đổi số của tỉnh (QN_DTI) cho sở, "
          "ngành, địa phương hằng năm", skhcn, start=d("01/03/2023"), due=today.replace(month=12, day=31),
          coordinating=tuple(agencies[c] for c in ("QN-SNV", "QN-VPUBND") if c in agencies),
          targets=(targets[1],), is_illustrative=True,
          updates=((d("15/06/2025"), 60, "Đã đánh giá năm 2024 cho 20 sở, ngành và 54 xã, phường.", None),))
    _task(resolution, "2", "Xây dựng phần mềm giám sát, đánh giá trực tuyến theo thời gian thực mức "
          "độ chuyển đổi số cấp sở, ngành, địa phương", skhcn, start=today.replace(month=1, day=1),
          due=dt.date(today.year + 1, 6, 30), is_illustrative=True)
    _task(resolution, "3", "Phổ cập cáp quang đến 100% thôn, khu dân cư vùng sâu, vùng xa, hải đảo",
          skhcn, start=d("01/01/2024"), due=dt.date(today.year + 1, 12, 31),
          targets=(targets[16],), is_illustrative=True,
          updates=((d("10/01/2025"), 35, "Hoàn thành kéo cáp tới 12 thôn tại Ba Chẽ, Bình Liêu.", None),))
    return {"resolution": resolution, "agencies": agencies, "skhcn": skhcn}


def quang_ninh_2023(qn: OrgUnit, parent: Plan, agencies: dict, skhcn: OrgUnit) -> Plan:
    """Kế hoạch 37/KH-UBND: the 13 targets the seed reports for the first half of 2023, and
    tasks of which five were completed in that half."""
    plan = _plan("37/KH-UBND", qn, "Chuyển đổi số toàn diện tỉnh Quảng Ninh năm 2023",
                 signed_on=d("17/02/2023"), start_year=2023, end_year=2023, parent=parent,
                 report_frequency=Period.Kind.HALF,
                 summary="Rõ việc, rõ người chịu trách nhiệm, rõ tiến độ hoàn thành, rõ hiệu quả.",
                 note="Văn bản gốc có 35 chỉ tiêu, 52 nhiệm vụ; bản demo nhập 13 chỉ tiêu có kết quả "
                      "nêu trong bài báo ngày 17/07/2023 và một số nhiệm vụ (tên, đơn vị, hạn của "
                      "nhiệm vụ là minh họa).")
    H1 = "2023S1"
    own = {}
    specs = [  # code, name, frequency, value type
        ("KH_TTHC_MOI_TOAN_TRINH", "Tỷ lệ TTHC ban hành mới đủ điều kiện được cung cấp DVCTT toàn "
         "trình và tích hợp lên Cổng DVC quốc gia", "half", "percentage"),
        ("KH_THUE_BAO_BRDD", "Số thuê bao băng rộng di động trên 100 dân", "half", "number"),
        ("KH_TAI_KHOAN_15_TUOI", "Tỷ lệ người từ 15 tuổi trở lên có tài khoản giao dịch (số liệu "
         "tỉnh báo cáo)", "half", "percentage"),
        ("KH_CO_SO_Y_TE_CDS", "Tỷ lệ cơ sở y tế thực hiện chuyển đổi số", "half", "percentage"),
        ("KH_SO_HOA_TTHC", "Tỷ lệ TTHC được số hóa từ khâu tiếp nhận đến trả kết quả", "year",
         "percentage"),
        ("KH_NHAN_LUC_NONG_COT", "Tỷ lệ nhân lực công nghệ số nòng cốt được đào tạo, tập huấn về "
         "chuyển đổi số, an toàn thông tin", "year", "percentage"),
        ("KH_HOP_DONG_DIEN_TU", "Tỷ lệ doanh nghiệp được cung cấp dịch vụ điện, nước, viễn thông "
         "bằng hợp đồng điện tử", "year", "percentage"),
        ("KH_HOC_BA_DIEN_TU", "Tỷ lệ trường học từ tiểu học đến THPT triển khai học bạ điện tử",
         "year", "percentage"),
        ("KH_KHU_DAN_CU_BANG_RONG", "Tỷ lệ khu dân cư tập trung có kết nối Internet băng rộng cố "
         "định (số liệu tỉnh báo cáo)", "year", "percentage"),
    ]
    for code, name, freq, vtype in specs:
        extra = {"unit_of_measure": "thuê bao/100 dân", "decimals": 0} if vtype == "number" else {}
        own[code] = _metric(code, name, frequency=freq, value_type=vtype,
                            reporting_kinds=[K.PROVINCE], **extra)
    seed = "Kết quả 6 tháng đầu năm 2023 theo báo Quảng Ninh, 17/07/2023."
    for code, figure in [("KH_TTHC_MOI_TOAN_TRINH", 100), ("KH_THUE_BAO_BRDD", 95),
                         ("KH_TAI_KHOAN_15_TUOI", 100), ("KH_CO_SO_Y_TE_CDS", 100)]:
        _values(own[code], qn, {H1: figure}, illustrative=False, comment=seed)
    for code in ("KH_SO_HOA_TTHC", "KH_NHAN_LUC_NONG_COT", "KH_HOP_DONG_DIEN_TU",
                 "KH_HOC_BA_DIEN_TU", "KH_KHU_DAN_CU_BANG_RONG"):
        _values(own[code], qn, {"2023": 100}, illustrative=True,
                comment="Cả năm 2023 (minh họa; bài báo nêu 100% trong 6 tháng đầu năm).")
    shared = {m.code: m for m in Metric.objects.filter(code__in=[
        "CQS_TTHC_TRUC_TUYEN", "KTS_THUE_DIEN_TU_DN", "KTS_THUE_DIEN_TU_HKD", "XHS_CAP_QUANG"])}
    a = agencies.get
    rows = [  # code, pillar, statement, metric, goal, lead
        ("1", "CQS", "100% TTHC ban hành mới đủ điều kiện theo quy định của pháp luật được cung cấp "
         "dịch vụ công trực tuyến toàn trình và tích hợp lên Cổng dịch vụ công quốc gia",
         own["KH_TTHC_MOI_TOAN_TRINH"], 100, a("QN-VPUBND")),
        ("2", "CQS", "100% TTHC được số hóa từ khâu tiếp nhận đến trả kết quả",
         own["KH_SO_HOA_TTHC"], 100, a("QN-VPUBND")),
        ("3", "CQS", "100% nhân lực công nghệ số nòng cốt trong bộ máy nhà nước được đào tạo, tập "
         "huấn về chuyển đổi số, an toàn thông tin mạng", own["KH_NHAN_LUC_NONG_COT"], 100, a("QN-SNV")),
        ("4", "CQS", "80% TTHC được xử lý hoàn toàn trực tuyến", shared.get("CQS_TTHC_TRUC_TUYEN"),
         80, a("QN-VPUBND")),
        ("5", "KTS", "100% doanh nghiệp trên địa bàn tỉnh được cung cấp dịch vụ điện, nước, viễn "
         "thông sử dụng hợp đồng điện tử", own["KH_HOP_DONG_DIEN_TU"], 100, a("QN-SCT")),
        ("6", "KTS", "Trên 99% doanh nghiệp và tổ chức kinh doanh thực hiện nộp thuế điện tử",
         shared.get("KTS_THUE_DIEN_TU_DN"), 99, a("QN-THUE")),
        ("7", "KTS", "30% hộ kinh doanh cá thể nộp thuế theo phương pháp kê khai thực hiện nộp thuế "
         "điện tử", shared.get("KTS_THUE_DIEN_TU_HKD"), 30, a("QN-THUE")),
        ("8", "XHS", "100% khu dân cư tập trung có kết nối Internet băng rộng cố định",
         own["KH_KHU_DAN_CU_BANG_RONG"], 100, skhcn),
        ("9", "XHS", "Tỷ lệ thuê bao băng rộng di động đạt 92 thuê bao/100 dân",
         own["KH_THUE_BAO_BRDD"], 92, skhcn),
        ("10", "XHS", "88% hộ gia đình có đường Internet cáp quang băng rộng",
         shared.get("XHS_CAP_QUANG"), 88, skhcn),
        ("11", "XHS", "95% người dân từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc các "
         "tổ chức được phép khác", own["KH_TAI_KHOAN_15_TUOI"], 95, a("QN-STC")),
        ("12", "XHS", "95% cơ sở y tế thực hiện chuyển đổi số", own["KH_CO_SO_Y_TE_CDS"], 95, a("QN-SYT")),
        ("13", "XHS", "100% trường học từ tiểu học đến THPT triển khai học bạ điện tử",
         own["KH_HOC_BA_DIEN_TU"], 100, a("QN-SGDDT")),
    ]
    targets = {}
    for code, pillar, statement, metric, goal, lead in rows:
        targets[code] = _target(plan, code, statement, {2023: goal}, pillar=AREAS[pillar],
                                metric=metric, lead_unit=lead or skhcn)
    groups = _groups(plan, ["Hoàn thiện thể chế, nâng cao nhận thức", "Phát triển hạ tầng, nền tảng, "
                            "dữ liệu số", "Phát triển chính quyền số", "Bảo đảm an toàn thông tin, "
                            "đào tạo kỹ năng số"])
    tasks = [  # code, group, description, lead, start, due, completed, coordinating, updates, extra
        ("1", 0, "Triển khai Bộ chỉ số đo chuyển đổi số tỉnh Quảng Ninh (QN_DTI) cấp sở, ngành, địa "
         "phương năm 2023", skhcn, "01/03/2023", "30/06/2023", "28/06/2023", ("QN-SNV",), {}),
        ("2", 1, "Xây dựng nền tảng cơ sở dữ liệu đất đai, tiên phong triển khai trên địa bàn "
         "TP Hạ Long", a("QN-SNNMT") or skhcn, "01/03/2023", "31/12/2023", None, ("QN-SKHCN",),
         {"updates": ((d("20/06/2023"), 40, "Hoàn thành số hóa hồ sơ địa chính 12/33 phường.", None),
                      (d("25/06/2023"), None, "Sở KH&CN đã bố trí hạ tầng máy chủ cho CSDL.", skhcn))}),
        ("3", 0, "Xây dựng các sản phẩm truyền thông mới về chuyển đổi số cung cấp cho tổ công nghệ "
         "số cộng đồng", a("QN-SVHTTDL") or skhcn, "01/03/2023", "31/05/2023", "30/05/2023", (), {}),
        ("4", 1, "Kết nối mạng truyền số liệu chuyên dùng đến 100% xã, phường", skhcn, "15/02/2023",
         "30/04/2023", "12/04/2023", (), {}),
        ("5", 3, "Tập huấn kỹ năng số cho cán bộ, công chức, viên chức cấp xã", a("QN-SNV") or skhcn,
         "01/03/2023", "30/06/2023", "20/06/2023", ("QN-SKHCN",), {}),
        ("6", 2, "Tích hợp 100% TTHC mới đủ điều kiện lên Cổng dịch vụ công quốc gia",
         a("QN-VPUBND") or skhcn, "17/02/2023", "31/03/2023", "29/03/2023", (), {}),
        ("7", 3, "Diễn tập thực chiến an toàn thông tin mạng cấp tỉnh", a("QN-CAT") or skhcn,
         "01/04/2023", "30/09/2023", "10/11/2023", ("QN-SKHCN",), {}),
        ("8", 2, "Xây dựng phần mềm giám sát, đánh giá trực tuyến theo thời gian thực mức độ chuyển "
         "đổi số cấp sở, ngành, địa phương", skhcn, "01/04/2023", "31/12/2023", None, (),
         {"updates": ((d("15/08/2023"), 20, "Đã xây dựng xong đề cương, đang lựa chọn nhà thầu.", None),)}),
        ("9", 1, "Triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh", a("QN-SYT") or skhcn,
         "01/03/2023", "31/12/2023", "28/12/2023", (), {}),
        ("10", 2, "Thí điểm trợ lý ảo hỗ trợ người dân tra cứu thủ tục hành chính", skhcn,
         "01/05/2023", "31/12/2023", None, (),
         {"cancelled": True, "cancel_reason": "Chuyển sang dùng nền tảng trợ lý ảo dùng chung của "
          "quốc gia (minh họa)."}),
    ]
    for code, group, description, lead, start, due, completed, coord, extra in tasks:
        updates = extra.pop("updates", ())
        if completed and not updates:
            updates = ((d(completed), 100, "Hoàn thành, đã có báo cáo kết quả.", None),)
        _task(plan, code, description, lead, start=d(start), due=d(due),
              completed_at=d(completed) if completed else None, solution_group=groups[group],
              coordinating=tuple(agencies[c] for c in coord if c in agencies),
              is_illustrative=True, updates=updates, **extra)
    return plan


def health_plan(qn: OrgUnit, parent: Plan, agencies: dict) -> Plan | None:
    syt = agencies.get("QN-SYT")
    if syt is None:
        return None
    plan = _plan("", syt, "Kế hoạch chuyển đổi số ngành y tế tỉnh Quảng Ninh năm 2023–2026",
                 owner=syt, start_year=2023, end_year=2026, parent=parent, is_illustrative=True,
                 note="Kế hoạch của cơ quan, minh họa cho tầng thấp nhất của chuỗi kế hoạch.")
    metric = Metric.objects.filter(code="CQS_BENH_AN_DIEN_TU").first()
    target = _target(plan, "1", "Số cơ sở y tế triển khai bệnh án điện tử theo Thông tư 46/2018/TT-BYT",
                     {2023: 5, 2026: 12}, pillar=AREAS["XHS"], metric=metric, lead_unit=syt,
                     unit=syt, is_illustrative=True)
    today = timezone.localdate()
    _task(plan, "1", "Triển khai bệnh án điện tử tại các trung tâm y tế khu vực", syt,
          start=d("01/01/2025"), due=dt.date(today.year + 1, 6, 30), targets=(target,),
          coordinating=tuple(agencies[c] for c in ("QN-SKHCN", "QN-STC") if c in agencies),
          is_illustrative=True,
          updates=((d("15/09/2025"), 30, "Đã khảo sát hạ tầng 6 trung tâm y tế khu vực.", None),))
    _task(plan, "2", "Kết nối dữ liệu khám chữa bệnh với Cổng giám định bảo hiểm y tế", syt,
          start=d("01/03/2024"), due=d("31/12/2024"), is_illustrative=True,
          coordinating=tuple(agencies[c] for c in ("QN-BHXH",) if c in agencies))
    return plan


# --- Ninh Thuận 2023 (per-level targets) ---------------------------------------------------------
NT_DISTRICTS = ["Thành phố Phan Rang – Tháp Chàm", "Huyện Bác Ái", "Huyện Ninh Hải", "Huyện Ninh Phước",
                "Huyện Ninh Sơn", "Huyện Thuận Bắc", "Huyện Thuận Nam"]
NT_AGENCIES = [("NT-STTTT", "Sở Thông tin và Truyền thông tỉnh Ninh Thuận"),
               ("NT-STP", "Sở Tư pháp tỉnh Ninh Thuận"),
               ("NT-SKHDT", "Sở Kế hoạch và Đầu tư tỉnh Ninh Thuận")]


def ninh_thuan(parent: Plan) -> Plan | None:
    nt = OrgUnit.objects.filter(code="T58-den-2025").first()
    if nt is None:
        return None
    agencies = [_unit(code, name=name, kind=K.DEPARTMENT, parent=nt, valid_to=d("28/02/2025"),
                      note="Thêm bởi demo kế hoạch; Sở TT&TT hợp nhất vào Sở KH&CN từ 01/03/2025.")
                for code, name in NT_AGENCIES]
    districts = [_unit(f"NT-H{i}", name=name, kind=K.PROVINCIAL_CITY if i == 0 else K.DISTRICT,
                       parent=nt, valid_to=LEAVE_DISTRICTS, note="Thêm bởi demo kế hoạch.")
                 for i, name in enumerate(NT_DISTRICTS)]
    plan = _plan("", nt, "Kế hoạch chuyển đổi số tỉnh Ninh Thuận năm 2023", start_year=2023,
                 end_year=2023, parent=parent, report_frequency=Period.Kind.HALF,
                 note="Ban Điều hành CĐS tỉnh góp ý ngày 20/02/2023 (báo Ninh Thuận). Số liệu thực "
                      "hiện là minh họa.")
    groups = _groups(plan, [
        "Đẩy mạnh tuyên truyền, nâng cao nhận thức, đổi mới tư duy về chuyển đổi số",
        "Phát triển hạ tầng số, kết nối mạng LAN, Internet và mạng truyền số liệu chuyên dùng",
        "Xây dựng nền tảng tích hợp dữ liệu, kho dữ liệu dùng chung",
        "Triển khai các nền tảng số quốc gia phục vụ Chính phủ số, kinh tế số, xã hội số",
        "Bảo đảm an toàn thông tin mạng",
        "Đào tạo, phát triển nguồn nhân lực chuyển đổi số",
        "Hoàn thiện thể chế, cơ chế, chính sách (minh họa)",
        "Kiểm tra, giám sát, đánh giá (minh họa)"])
    dvc = Metric.objects.filter(code="CQS_DVCTT_PHAT_SINH").first()
    tthc = Metric.objects.filter(code="CQS_TTHC_TRUC_TUYEN").first()
    dnnvv = Metric.objects.filter(code="KTS_DNNVV_NEN_TANG_SO").first()
    phone = _metric("KH_DIEN_THOAI_TM_15", "Tỷ lệ dân số trên 15 tuổi có điện thoại thông minh "
                    "(số liệu tỉnh báo cáo)", frequency="year", reporting_kinds=[K.PROVINCE])
    _target(plan, "1", "Tỷ lệ dân số trên 15 tuổi có điện thoại thông minh đạt 85%", {2023: 85},
            pillar=AREAS["XHS"], metric=phone, lead_unit=agencies[0])
    _values(phone, nt, {"2023": 82.6})
    _target(plan, "2", "Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ đạt 55% đối với cấp tỉnh, 40% "
            "đối với cấp huyện và 20% đối với cấp xã",
            {(2023, Level.PROVINCIAL): 55, (2023, Level.DISTRICT): 40, (2023, Level.COMMUNE): 20},
            pillar=AREAS["CQS"], metric=dvc, lead_unit=agencies[0], solution_group=groups[3])
    _target(plan, "3", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 60%", {2023: 60},
            pillar=AREAS["CQS"], metric=tthc, lead_unit=agencies[0])
    _target(plan, "4", "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt 30%", {2023: 30},
            pillar=AREAS["KTS"], metric=dnnvv, lead_unit=agencies[2])
    _target(plan, "5", "Tỷ trọng doanh thu thương mại điện tử trong tổng mức bán lẻ đạt 7%", {2023: 7},
            pillar=AREAS["KTS"])
    # Per-level figures (illustrative): agencies above 55 %, districts below 40 %.
    for metric, agency_base, district_base in ((dvc, 56, 30), (tthc, 61, 48)):
        if metric is None:
            continue
        for k, code in enumerate(_codes(metric, 2023)):
            for i, unit in enumerate(agencies):
                _values(metric, unit, {code: agency_base + 3 * i + k})
            for i, unit in enumerate(districts):
                _values(metric, unit, {code: district_base + i + k})
    if dnnvv:
        _values(dnnvv, agencies[2], {"2023": 31.4})
    for code, description, due, group, done in [
        ("1", "Thành lập Ban Chỉ đạo, Tổ chuyển đổi số của các cơ quan, đơn vị và ban hành kế hoạch "
         "chuyển đổi số năm 2023, trong đó có ít nhất 1 sản phẩm chuyển đổi số", "31/03/2023", 6,
         "28/03/2023"),
        ("2", "Hoàn thành kế hoạch, đề cương giám sát công tác chuyển đổi số của tỉnh chậm nhất trong "
         "quý II", "30/06/2023", 7, "14/07/2023"),
        ("3", "Mở hộp thư chung của Ban Điều hành chuyển đổi số tỉnh, cung cấp đầy đủ thông tin, văn "
         "bản về công tác chuyển đổi số", "31/03/2023", 0, "15/03/2023"),
        ("4", "Xây dựng lại Kế hoạch chuyển đổi số của tỉnh năm 2023 ngắn gọn, súc tích, kèm phụ lục "
         "chi tiết về xây dựng chính quyền số", "15/03/2023", 6, None),
    ]:
        _task(plan, code, description, agencies[0], start=d("20/02/2023"), due=d(due),
              completed_at=d(done) if done else None, solution_group=groups[group],
              coordinating=tuple(districts[:2]), is_illustrative=True,
              updates=((d(done), 100, "Hoàn thành.", None),) if done else
              ((d("01/03/2023"), 50, "Đã có dự thảo, đang lấy ý kiến các sở, ngành.", None),))
    return plan


# --- Lạng Sơn 72-KH/BCĐ ----------------------------------------------------------------------------
def lang_son(parent: Plan) -> Plan | None:
    ls = OrgUnit.objects.filter(code="T20").first()
    if ls is None:
        return None
    plan = _plan("72-KH/BCĐ", ls, "Triển khai mô hình tỉnh chuyển đổi số điển hình, thực hiện chuyển "
                 "đổi số tổng thể và toàn diện năm 2023", signed_on=d("23/05/2023"), start_year=2023,
                 end_year=2023, parent=parent,
                 note="Ban Chỉ đạo về chuyển đổi số tỉnh ban hành; Sở TT&TT là cơ quan thường trực. "
                      "Số liệu thực hiện là minh họa.")
    _groups(plan, ["Chuyển đổi nhận thức", "Tổ chức quản lý, chỉ đạo điều hành",
                   "Xây dựng cơ chế, chính sách, hoàn thiện môi trường pháp lý", "Phát triển nhân lực số",
                   "Phát triển hạ tầng, nền tảng số", "Phát triển chính quyền số", "Phát triển kinh tế số",
                   "Phát triển xã hội số", "Phát triển cửa khẩu số",
                   "Tạo lập niềm tin, bảo đảm an toàn, an ninh mạng",
                   "Chuyển đổi số trong các ngành, lĩnh vực"])
    m = {x.code: x for x in Metric.objects.filter(code__in=[
        "CQS_DVCTT_PHAT_SINH", "CQS_TTHC_TRUC_TUYEN", "KTS_HOA_DON_DIEN_TU", "XHS_CAP_QUANG",
        "XHS_DIEN_THOAI_TM", "XHS_TAI_KHOAN_NH", "CQS_HTTT_CAP_DO", "CQS_MAY_TINH_PHONG_MA_DOC"])}
    rows = [
        ("1", "CQS", "Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ đạt 85%", "CQS_DVCTT_PHAT_SINH", 85, 87.2),
        ("2", "CQS", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 70%", "CQS_TTHC_TRUC_TUYEN", 70, 64.5),
        ("3", "CQS", "Duy trì 100% hoạt động chỉ đạo, điều hành và quản trị nội bộ của cơ quan hành "
         "chính nhà nước thực hiện trên nền tảng quản trị tổng thể, thống nhất", None, 100, None),
        ("4", "KTS", "Kinh tế số chiếm từ 10% GRDP của tỉnh", None, 10, None),
        ("5", "KTS", "Tỷ lệ doanh nghiệp sử dụng hóa đơn điện tử đạt 100%", "KTS_HOA_DON_DIEN_TU", 100, 99.1),
        ("6", "XHS", "Tỷ lệ hộ gia đình có đường truyền Internet cáp quang băng rộng đạt 75%",
         "XHS_CAP_QUANG", 75, 78.3),
        ("7", "XHS", "Tỷ lệ dân số có điện thoại di động thông minh đạt 85%", "XHS_DIEN_THOAI_TM", 85, 85.0),
        ("8", "XHS", "Tỷ lệ người dân từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc các "
         "tổ chức được phép khác đạt 75%", "XHS_TAI_KHOAN_NH", 75, 81.0),
        ("9", "CK", "100% phương tiện vận tải, doanh nghiệp, thương nhân xuất nhập khẩu hàng hóa được "
         "cung cấp dịch vụ số trên một Nền tảng cửa khẩu số", None, 100, None),
        ("10", "CK", "100% cơ quan, đơn vị có liên quan sử dụng Nền tảng cửa khẩu số trong quản lý "
         "phương tiện, hàng hóa luân chuyển qua cửa khẩu", None, 100, None),
        ("11", "ATTT", "100% hệ thống thông tin được xác định cấp độ và triển khai phương án bảo đảm an "
         "toàn thông tin theo cấp độ", "CQS_HTTT_CAP_DO", 100, 100.0),
        ("12", "ATTT", "Tối thiểu 90% thiết bị đầu cuối được cài đặt giải pháp bảo vệ",
         "CQS_MAY_TINH_PHONG_MA_DOC", 90, 93.0),
    ]
    for code, area, statement, metric_code, goal, figure in rows:
        metric = m.get(metric_code) if metric_code else None
        _target(plan, code, statement, {2023: goal}, pillar=AREAS[area], metric=metric)
        if metric is not None and figure is not None:
            _values(metric, ls, {_codes(metric, 2023)[-1]: figure})
    return plan


# --- Bạc Liêu 2024 ------------------------------------------------------------------------------------
def bac_lieu(parent: Plan) -> Plan | None:
    bl = OrgUnit.objects.filter(code="T95-den-2025").first()
    if bl is None:
        return None
    plan = _plan("", bl, "Mục tiêu chuyển đổi số tỉnh Bạc Liêu năm 2024", start_year=2024,
                 end_year=2024, parent=parent,
                 note="Ban Chỉ đạo CĐS tỉnh đề ra tại Hội nghị ngày 08/03/2024. Số liệu thực hiện "
                      "năm 2024 là minh họa.")
    tthc = Metric.objects.filter(code="CQS_TTHC_TRUC_TUYEN").first()
    so_hoa = Metric.objects.filter(code="CQS_SO_HOA_HO_SO").first()
    dnnvv = Metric.objects.filter(code="KTS_DNNVV_NEN_TANG_SO").first()
    dinh_danh = _metric("KH_DINH_DANH_XAC_THUC", "Tỷ lệ người dân, doanh nghiệp sử dụng DVCTT được định "
                        "danh và xác thực thông suốt", frequency="year", reporting_kinds=[K.PROVINCE])
    rows = [
        ("1", "100% dịch vụ công trực tuyến được cung cấp trên nhiều phương tiện truy cập khác nhau",
         None, 100, None, {}),
        ("2", "90% người dân, doanh nghiệp sử dụng dịch vụ công trực tuyến được định danh và xác thực "
         "thông suốt, hợp nhất trên tất cả hệ thống của các cấp chính quyền", dinh_danh, 90, 91.5, {}),
        ("3", "50% hồ sơ thủ tục hành chính tiếp nhận, giải quyết và trả kết quả trực tuyến", tthc, 50,
         46.8, {}),
        ("4", "100% hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa", so_hoa, 100, 100.0, {}),
        ("5", "50% doanh nghiệp nhỏ và vừa sử dụng nền tảng số", dnnvv, 50, 44.0,
         {"note": "Bài báo nêu cả \"50%\" và \"trên 45%\" cho cùng chỉ tiêu; bản demo dùng 50%."}),
    ]
    for code, statement, metric, goal, figure, extra in rows:
        _target(plan, code, statement, {2024: goal}, pillar=AREAS["CQS"] if code != "5" else AREAS["KTS"],
                metric=metric, **extra)
        if metric is not None and figure is not None:
            _values(metric, bl, {_codes(metric, 2024)[-1]: figure})
    return plan


# --- Tây Ninh: tasks to lift each DTI group -------------------------------------------------------
TN_AGENCIES = [("TN-STTTT", "Sở Thông tin và Truyền thông tỉnh Tây Ninh"),
               ("TN-STC", "Sở Tài chính tỉnh Tây Ninh"),
               ("TN-SKHDT", "Sở Kế hoạch và Đầu tư tỉnh Tây Ninh"),
               ("TN-STNMT", "Sở Tài nguyên và Môi trường tỉnh Tây Ninh")]


def tay_ninh(parent: Plan) -> Plan | None:
    tn = OrgUnit.objects.filter(code="T72-den-2025").first()
    if tn is None:
        return None
    a = {code: _unit(code, name=name, kind=K.DEPARTMENT, parent=tn, valid_to=LEAVE_DISTRICTS,
                     note="Thêm bởi demo kế hoạch.") for code, name in TN_AGENCIES}
    resolution = _plan("02-NQ/TU", tn, "Nghị quyết của Tỉnh ủy về chuyển đổi số đến năm 2025 và định "
                       "hướng đến năm 2030", kind=Plan.Kind.RESOLUTION, signed_on=d("26/01/2021"),
                       start_year=2021, end_year=2025, parent=parent)
    plan = _plan("", tn, "Nhiệm vụ, giải pháp trọng tâm nâng cao chỉ số DTI tỉnh Tây Ninh đến năm 2025",
                 start_year=2022, end_year=2025, parent=resolution,
                 note="Theo báo Tây Ninh, 10/12/2022: DTI 2021 xếp thứ 44 (0,3426 điểm), 2020 thứ 46. "
                      "Thứ hạng trụ cột từ 2022 là minh họa.")
    ranks = {}
    for key, name, figures in [
        ("CQS", "Thứ hạng trụ cột chính quyền số (DTI cấp tỉnh)", {"2022": 41, "2023": 33, "2024": 27}),
        ("KTS", "Thứ hạng trụ cột kinh tế số (DTI cấp tỉnh)", {"2022": 52, "2023": 47, "2024": 44}),
        ("XHS", "Thứ hạng trụ cột xã hội số (DTI cấp tỉnh)", {"2022": 35, "2023": 31, "2024": 29}),
    ]:
        ranks[key] = _metric(f"KH_DTI_HANG_{key}", name, value_type="number", unit_of_measure="hạng",
                             decimals=0, direction=-1, min_value=1)
        _values(ranks[key], tn, figures)
    t1 = _target(plan, "1", "Trụ cột chính quyền số vào nhóm 25 tỉnh, thành phố dẫn đầu",
                 {2023: 35, 2024: 30, 2025: 25}, pillar=AREAS["CQS"], metric=ranks["CQS"],
                 comparison="top", lead_unit=a["TN-STTTT"])
    t2 = _target(plan, "2", "Trụ cột kinh tế số vào nhóm 30 tỉnh, thành phố dẫn đầu", {2025: 30},
                 pillar=AREAS["KTS"], metric=ranks["KTS"], comparison="top", lead_unit=a["TN-SKHDT"])
    _target(plan, "3", "Trụ cột xã hội số vào nhóm 30 tỉnh, thành phố dẫn đầu", {2025: 30},
            pillar=AREAS["XHS"], metric=ranks["XHS"], comparison="top", lead_unit=a["TN-STTTT"])
    tasks = [
        ("1", "Chỉ đạo xây dựng chuyên trang về chuyển đổi số; phát tin về chuyển đổi số trên hệ thống "
         "truyền thanh cơ sở ít nhất 1 lần/tuần", "TN-STTTT", "NHAN_THUC_SO", "31/12/2023", "20/12/2023", ()),
        ("2", "Tham mưu ban hành chính sách thuê chuyên gia công nghệ số, khuyến khích dùng dịch vụ công "
         "trực tuyến, hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số", "TN-STTTT", "THE_CHE_SO",
         "30/06/2023", "15/09/2023", ()),
        ("3", "Bố trí ngân sách chi cho chuyển đổi số khoảng 1% tổng chi ngân sách hằng năm", "TN-STC",
         "THE_CHE_SO", "31/12/2023", "31/12/2023", ("TN-SKHDT",)),
        ("4", "Xây dựng nền tảng bản đồ số dùng chung của tỉnh, cung cấp API cho các ứng dụng quản lý",
         "TN-STTTT", "HA_TANG_SO", "31/12/2023", None, ("TN-STNMT",)),
        ("5", "100% máy tính làm việc trong cơ quan nhà nước cài phần mềm phòng, chống mã độc kết nối "
         "Trung tâm giám sát an toàn thông tin mạng", "TN-STTTT", "ATTT", "30/06/2024", "28/06/2024", ()),
        ("6", "Thúc đẩy doanh nghiệp nhỏ và vừa sử dụng nền tảng số, tham gia chương trình SMEdx; doanh "
         "nghiệp sử dụng hợp đồng điện tử", "TN-SKHDT", "HD_KINH_TE_SO", "31/12/2024", None, ()),
    ]
    for code, description, lead, component, due, done, coord in tasks:
        serves = (t1,) if component in ("THE_CHE_SO", "HA_TANG_SO", "ATTT") else (
            (t2,) if component == "HD_KINH_TE_SO" else ())
        _task(plan, code, description, a[lead], start=d("01/01/2023"), due=d(due),
              completed_at=d(done) if done else None, dti_component=component,
              coordinating=tuple(a[c] for c in coord), targets=serves, is_illustrative=True,
              updates=((d(done), 100, "Hoàn thành.", None),) if done else
              ((d("30/06/2023"), 45, "Đang triển khai, đã hoàn thành khảo sát.", None),))
    return plan


@transaction.atomic
def load(stdout=None) -> dict:
    vn = OrgUnit.objects.filter(code="VN").first()
    qn = OrgUnit.objects.filter(code="T22").first()
    if vn is None or qn is None:
        return {"plans": 0}
    programme = national(vn)
    qn_parts = quang_ninh(qn, programme)
    yearly = quang_ninh_2023(qn, qn_parts["resolution"], qn_parts["agencies"], qn_parts["skhcn"])
    health_plan(qn, yearly, qn_parts["agencies"])
    ninh_thuan(programme)
    lang_son(programme)
    bac_lieu(programme)
    tay_ninh(programme)
    return {"plans": Plan.objects.count(), "targets": Target.objects.count(),
            "tasks": Task.objects.count(), "updates": TaskUpdate.objects.count()}
