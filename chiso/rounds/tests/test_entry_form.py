"""Saving one field of the entry form: Vietnamese numbers, versions, conflicts, outliers,
percentages, and the form locking itself."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.metrics import services
from chiso.metrics.models import DataValue, Period
from chiso.rounds import workflow
from chiso.rounds.models import RoundItem

from .conftest import AFTER


def post(client, round, metric, data, code="C1"):
    item = RoundItem.objects.get(round=round, metric=metric)
    return client.post(reverse("save_field", args=[round.pk, code, item.pk]), data)


@pytest.fixture
def reporter(client, people, clock):
    client.force_login(people["reporter"])
    return client


def test_a_number_typed_the_vietnamese_way_is_saved(reporter, round, metrics):
    response = post(reporter, round, metrics["services"], {"value": "1.234,5", "version": "0"})
    html = response.content.decode()
    assert "đã lưu" in html and 'name="version" value="1"' in html
    assert DataValue.objects.get(metric=metrics["services"]).value == 1234.5


def test_the_page_shows_stored_numbers_the_vietnamese_way(reporter, round, metrics):
    post(reporter, round, metrics["services"], {"value": "1.234,5", "version": "0"})
    html = reporter.get(reverse("submission_form", args=[round.pk, "C1"])).content.decode()
    assert 'value="1.234,5"' in html


def test_a_bad_number_is_named_inline_and_nothing_is_saved(reporter, round, metrics):
    html = post(reporter, round, metrics["services"], {"value": "12,3,4", "version": "0"}
                ).content.decode()
    assert "không phải là số hợp lệ" in html and 'role="alert"' in html
    assert not DataValue.objects.exists()


def test_percentage_from_numerator_and_denominator(reporter, round, metrics):
    html = post(reporter, round, metrics["online"],
                {"numerator": "45", "denominator": "50", "version": "0"}).content.decode()
    assert "90,0" in html
    value = DataValue.objects.get(metric=metrics["online"])
    assert (value.numerator, value.denominator, value.value) == (45, 50, 90)


def test_numerator_above_denominator_is_refused(reporter, round, metrics):
    html = post(reporter, round, metrics["online"],
                {"numerator": "60", "denominator": "50", "version": "0"}).content.decode()
    assert "Tử số (60) lớn hơn mẫu số (50)" in html
    assert not DataValue.objects.exists()


def test_yes_no_and_comment(reporter, round, metrics):
    post(reporter, round, metrics["portal"], {"value": "1", "comment": "Cổng mới", "version": "0"})
    value = DataValue.objects.get(metric=metrics["portal"])
    assert (value.value, value.comment) == (1, "Cổng mới")


def test_a_stale_version_gets_a_conflict_not_a_lost_update(reporter, round, metrics, people):
    post(reporter, round, metrics["services"], {"value": "10", "version": "0"})
    # Someone else (the secretariat) changes the value meanwhile.
    services.save_value(metrics["services"], round.submissions.get(unit__code="C1").unit,
                        round.period, {"value": 11}, user=people["admin"], expected_version=1)
    html = post(reporter, round, metrics["services"], {"value": "12", "version": "1"}
                ).content.decode()
    assert "đã được" in html and "admin_p1" in html and "Tải lại" in html
    assert DataValue.objects.get(metric=metrics["services"]).value == 11


def test_an_outlier_is_kept_only_with_an_explanation(reporter, round, metrics, tree, people):
    # Five earlier quarters of about 10 services make 500 an outlier for C1.
    for code, v in (("2025Q2", 10), ("2025Q3", 11), ("2025Q4", 9), ("2026Q1", 10),
                    ("2026Q2", 12)):
        services.save_value(metrics["services"], tree["C1"], Period.objects.for_code(code),
                            {"value": v}, user=None)
    html = post(reporter, round, metrics["services"], {"value": "500", "version": "0"}
                ).content.decode()
    assert "cao bất thường" in html and "Xác nhận và giải trình" in html
    assert not DataValue.objects.filter(period=round.period).exists()
    html = post(reporter, round, metrics["services"],
                {"value": "500", "version": "0", "confirm_outlier": "1", "explanation": ""}
                ).content.decode()
    assert "Xác nhận và giải trình" in html  # still needs the explanation
    html = post(reporter, round, metrics["services"],
                {"value": "500", "version": "0", "confirm_outlier": "1",
                 "explanation": "Triển khai thêm dịch vụ liên thông"}).content.decode()
    assert "đã lưu" in html
    value = DataValue.objects.get(period=round.period, metric=metrics["services"])
    assert value.comment == "Triển khai thêm dịch vụ liên thông"
    assert "Triển khai thêm" in value.changes.first().reason


def test_fields_are_refused_after_the_deadline(reporter, round, metrics, clock, people):
    clock.now = AFTER
    reporter.force_login(people["reporter"])  # sessions expire with the faked clock too
    response = post(reporter, round, metrics["services"], {"value": "10", "version": "0"})
    assert response.status_code == 403
    html = reporter.get(reverse("submission_form", args=[round.pk, "C1"])).content.decode()
    assert "biểu mẫu đã khóa" in html and 'hx-post' not in html


def test_fields_are_refused_once_submitted(reporter, submitted, round, metrics):
    response = post(reporter, round, metrics["services"], {"value": "10", "version": "1"})
    assert response.status_code == 403


def test_after_a_return_only_the_returned_section_is_editable(reporter, submitted, round,
                                                               metrics, people, sections):
    workflow.return_(submitted, people["reviewer"], "Sai", sections=[sections[1]])
    assert post(reporter, round, metrics["services"], {"value": "13", "version": "1"}
                ).status_code == 403
    assert post(reporter, round, metrics["portal"], {"value": "0", "version": "2"}
                ).status_code == 200


def test_evidence_upload_checks_type_and_attaches(reporter, filled, round, metrics, tmp_path,
                                                  settings):
    settings.MEDIA_ROOT = tmp_path
    metrics["services"].evidence_required = True
    metrics["services"].save()
    item = RoundItem.objects.get(round=round, metric=metrics["services"])
    url = reverse("upload_evidence", args=[round.pk, "C1", item.pk])
    html = reporter.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")}).content.decode()
    assert "chỉ nhận PDF" in html
    assert "Chưa có minh chứng" in " ".join(workflow.missing_items(filled))
    html = reporter.post(url, {"file": SimpleUploadedFile("QD-311.pdf", b"%PDF-1.4")}
                         ).content.decode()
    assert "QD-311.pdf" in html
    assert workflow.missing_items(filled) == []


def test_submit_button_posts_the_transition(reporter, filled, round):
    response = reporter.post(reverse("transition", args=[round.pk, "C1", "gui"]), follow=True)
    assert "Đã gửi biểu mẫu" in response.content.decode()
    filled.refresh_from_db()
    assert filled.state == "submitted"


def test_an_incomplete_submit_shows_what_is_missing(reporter, sub, round):
    response = reporter.post(reverse("transition", args=[round.pk, "C1", "gui"]), follow=True)
    assert "Chưa nhập “Số dịch vụ công trực tuyến”" in response.content.decode()


def test_a_document_reference_as_evidence(reporter, filled, round, metrics):
    item = RoundItem.objects.get(round=round, metric=metrics["services"])
    url = reverse("upload_evidence", args=[round.pk, "C1", item.pk])
    html = reporter.post(url, {"document_number": "311/QĐ-UBND", "document_date": "8/2/23x"}
                         ).content.decode()
    assert "không đúng dạng dd/mm/yyyy" in html
    html = reporter.post(url, {"document_number": "311/QĐ-UBND", "document_date": "08/02/2023"}
                         ).content.decode()
    assert "số 311/QĐ-UBND ngày 08/02/2023" in html
