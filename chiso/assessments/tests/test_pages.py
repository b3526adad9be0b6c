"""The result pages show what scoring wrote: ranking (sort, group filter, downloads), a
unit's score card, the explanation down to declared figures and evidence, comparison,
the gap to the top with "turn into a task", publishing, and the framework pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chiso.assessments.models import ComponentEntry, ImprovementLink
from chiso.metrics import evidence as evidence_service

pytestmark = pytest.mark.django_db


def login(client, people, who):
    client.force_login(people[who])
    return client


def test_the_ranking_lists_units_best_first_with_pillars_and_provisional_state(client, people, scored):
    response = login(client, people, "leader").get(reverse("assessments:ranking", args=[scored.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kết quả tạm tính – chưa công bố" in html
    assert html.index("Phường Hai") < html.index("Xã Một") < html.index("Sở Y tế")
    assert "0,7000" in html and "0,6750" in html and "0,3929" in html  # 27,5 / 70
    assert "Trụ cột A" in html and "Trụ cột B" in html


def test_the_group_filter_shows_ranks_within_the_group(client, people, scored):
    response = login(client, people, "leader").get(
        reverse("assessments:ranking", args=[scored.pk]), {"nhom": "so"})
    html = response.content.decode()
    assert "Sở Y tế" in html and "Xã Một" not in html
    assert '<td class="num rank">1</td>' in html


def test_sorting_by_a_pillar_orders_by_its_value(client, people, scored):
    # Pillar B: C1 (12,5 + 30) / 50 = 0,85 beats C2 (20 + 0) / 50 = 0,40.
    html = login(client, people, "leader").get(
        reverse("assessments:ranking", args=[scored.pk]), {"sap-xep": "B"}).content.decode()
    assert html.index("Xã Một") < html.index("Phường Hai")


def test_the_ranking_downloads_as_excel_and_csv(client, people, scored):
    c = login(client, people, "leader")
    url = reverse("assessments:ranking", args=[scored.pk])
    xlsx = c.get(url, {"tai": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[2][:4] == ("Hạng", "Mã đơn vị", "Đơn vị", "Chỉ số tổng hợp")
    assert rows[3][:4] == (1, "C2", "Phường Hai", 0.7)
    text = c.get(url, {"tai": "csv"}).content.decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text)))
    assert records[2][:4] == ["2", "C1", "Xã Một", "0,675"]


def test_a_score_card_shows_three_points_per_component_and_strengths(client, people, scored, tree):
    entry = ComponentEntry.objects.get(assessment=scored, unit=tree["C1"], node__code="2.1")
    entry.appraised_points, entry.appraisal_reason = 0.0, "Không có quyết định"
    entry.save()
    html = login(client, people, "leader").get(
        reverse("assessments:scorecard", args=[scored.pk, "C1"])).content.decode()
    assert "Điểm các chỉ số thành phần" in html
    assert "25,00" in html and "0,00" in html  # self 25, appraised 0
    assert "Điểm mạnh" in html and "Điểm yếu" in html
    assert 'id="radar"' in html and "vendor/echarts/echarts.min.js" in html


def test_the_explanation_of_a_component_shows_figures_rule_and_evidence(client, people, scored, tree):
    entry = ComponentEntry.objects.get(assessment=scored, unit=tree["C1"], node__code="1.1")
    evidence_service.attach_link(unit=tree["C1"], user=people["reporter"], owner=entry,
                                 title="Thông báo kết luận", document_number="15/TB-UBND")
    html = login(client, people, "leader").get(
        reverse("assessments:explain", args=[scored.pk, "C1", "1.1"])).content.decode()
    assert "Số cuộc họp do Chủ tịch chủ trì: <strong>3</strong>" in html
    assert "7,50 điểm" in html  # the engine's sentence for a/b × 10
    assert "15/TB-UBND" in html and "Giải trình C1 1.1" in html


def test_the_explanation_of_a_main_index_lists_its_components(client, people, scored):
    html = login(client, people, "leader").get(
        reverse("assessments:explain", args=[scored.pk, "C1", "NT"])).content.decode()
    assert "Giá trị <strong>0,6250</strong>" in html
    assert "Tỷ lệ cuộc họp do Chủ tịch chủ trì" in html and "Số lần Ban Chỉ đạo họp" in html


def test_comparison_puts_units_side_by_side(client, people, scored):
    html = login(client, people, "leader").get(
        reverse("assessments:compare", args=[scored.pk]),
        {"don-vi": ["C1", "C2"]}).content.decode()
    assert 'id="compare-table"' in html and "Xã Một" in html and "Phường Hai" in html
    assert "0,6750" in html and "0,7000" in html


def test_the_gap_to_the_top_names_components_and_points(client, people, scored):
    html = login(client, people, "admin").get(
        reverse("assessments:gap", args=[scored.pk, "C1"]), {"top": 1}).content.decode()
    # C1 needs 70 − 67,5 = 2,5 points to tie C2: 2.1 (25 → 27,5) is the single component.
    assert 'id="gap-table"' in html and "27,50" in html


def test_a_weak_component_becomes_a_stored_task_request(client, people, scored, tree):
    response = login(client, people, "admin").post(
        reverse("assessments:make_task", args=[scored.pk, "C1"]),
        {"node": "2.1", "target": "A1", "points": "27.5", "note": "Kiện toàn Ban Chỉ đạo",
         "top": 1})
    assert response.status_code == 302
    link = ImprovementLink.objects.get()
    assert (link.unit, link.node.code, link.target_unit, link.created_by) == (
        tree["C1"], "2.1", tree["A1"], people["admin"])
    assert link.points_gap == 27.5 and link.note == "Kiện toàn Ban Chỉ đạo"


def test_the_secretariat_publishes(client, people, scored):
    response = login(client, people, "admin").post(
        reverse("assessments:publish", args=[scored.pk]))
    assert response.status_code == 302
    scored.refresh_from_db()
    assert scored.is_published
    html = client.get(reverse("assessments:ranking", args=[scored.pk])).content.decode()
    assert "Đã công bố ngày" in html


def test_a_units_page_lists_its_assessments(client, people, scored):
    html = login(client, people, "reporter").get(
        reverse("assessments:unit", args=["C1"])).content.decode()
    assert scored.name in html and "0,6750" in html


def test_the_framework_tree_and_its_downloads(client, people, framework):
    c = login(client, people, "reporter")
    html = c.get(reverse("assessments:framework_detail", args=[framework.pk])).content.decode()
    assert "cũng thuộc: A, B" in html and "Tỷ lệ cuộc họp do Chủ tịch chủ trì" in html
    yaml_text = c.get(reverse("assessments:framework_export", args=[framework.pk, "yaml"]))
    assert "code: TEST" in yaml_text.content.decode()
    xlsx = c.get(reverse("assessments:framework_export", args=[framework.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_the_secretariat_imports_and_clones_a_framework(client, people, framework):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chiso.assessments import frameworks

    c = login(client, people, "admin")
    text = frameworks.dump_yaml(framework).replace("code: TEST\n", "code: TEST2\n", 1)
    response = c.post(reverse("assessments:framework_import"),
                      {"file": SimpleUploadedFile("bo.yaml", text.encode())})
    assert response.status_code == 302
    response = c.post(reverse("assessments:framework_clone", args=[framework.pk]))
    assert response.status_code == 302
    assert framework.clones.get().year == 2027


def test_the_gap_can_aim_at_a_pillar(client, people, scored):
    # Pillar B = (NT + HB) / 50: C2 has 20 / 50 = 0,40 against C1's 42,5 / 50 = 0,85, so to
    # lead B it needs 22,5 points more: HB's 3.1 (0 → 30) alone is enough.
    html = login(client, people, "admin").get(
        reverse("assessments:gap", args=[scored.pk, "C2"]),
        {"top": 1, "chi-so": "B"}).content.decode()
    assert "3.1 · Có cổng thông tin điện tử" in html
    assert "2.1 · Trưởng Ban Chỉ đạo" not in html  # HA does not count in pillar B


def test_the_gap_aims_at_the_top_of_the_units_own_group_by_default(client, people, scored):
    # A1 (27,5 / 70 = 0,39) is the only unit of group "so": first there, third of all.
    c = login(client, people, "admin")
    url = reverse("assessments:gap", args=[scored.pk, "A1"])
    html = c.get(url, {"top": 1}).content.decode()
    assert "Xếp hạng trong nhóm “Sở, ngành” (1 đơn vị)." in html
    assert "Hiện tại: hạng 1," in html and 'id="gap-table"' not in html
    html = c.get(url, {"top": 1, "pham-vi": "tat-ca"}).content.decode()
    assert "Xếp hạng trong tất cả 3 đơn vị được đánh giá." in html
    assert "Hiện tại: hạng 3," in html and 'id="gap-table"' in html


def test_the_gap_within_a_group_uses_the_group_ranks(scored, tree):
    from chiso.assessments import reading
    from chiso.assessments.models import Result

    plan = reading.gap_to_top(scored, tree["C1"], 1, group="xa")
    assert (plan.group, plan.compared) == ("xa", 2)
    shown = Result.objects.get(assessment=scored, unit=tree["C1"], node__kind="total")
    assert plan.rank_before == shown.rank_in_group == 2
    assert reading.ranked_group(scored, tree["A1"]) == ("so", "Sở, ngành")
