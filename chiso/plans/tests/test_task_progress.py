"""Only the lead unit reports a task's progress; coordinating units add notes; evidence is
attached with the update, and a refused file leaves nothing behind."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.conftest import make_user
from chiso.metrics.models import Evidence
from chiso.orgs.models import Role
from chiso.plans.models import Task, TaskUpdate

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def task(plan, tree):
    task = Task.objects.create(plan=plan, description="Số hóa hồ sơ một cửa", lead_unit=tree["C1"],
                               start_date=dt.date(2023, 1, 1), due_date=dt.date(2030, 12, 31))
    task.coordinating_units.add(tree["A1"])
    return task


@pytest.fixture
def a1_reporter(tree):
    return make_user("reporter_a1", Role.REPORTER, tree["A1"])


def post(client, task, **data):
    return client.post(reverse("task_update", args=[task.pk]), data)


def test_the_lead_units_reporter_reports_progress_with_a_file(client, task, people):
    client.force_login(people["reporter"])
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert 'id="progress-form"' in page and 'id="note-form"' not in page
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    response = post(client, task, loai="progress", tien_do="45", noi_dung="Đã số hóa 4.500 hồ sơ",
                    tep=upload, tieu_de="Biên bản nghiệm thu")
    assert response.status_code == 302
    update = TaskUpdate.objects.get(task=task)
    assert (update.kind, update.percent, update.unit_id, update.author) == \
        ("progress", 45, task.lead_unit_id, people["reporter"])
    evidence = Evidence.objects.get(task_update=update)
    assert evidence.original_name == "bien-ban.pdf" and evidence.unit_id == task.lead_unit_id
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert "Biên bản nghiệm thu" in page and 'data-status="in_progress"' in page


def test_a_coordinating_unit_cannot_report_progress_but_adds_a_note(client, task, a1_reporter, tree):
    client.force_login(a1_reporter)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert 'id="note-form"' in page and 'id="progress-form"' not in page
    assert post(client, task, loai="progress", tien_do="90", noi_dung="x").status_code == 403
    response = post(client, task, loai="note", don_vi=tree["A1"].pk, noi_dung="Đã cấp tài khoản",
                    so_van_ban="311/QĐ-UBND", ngay_van_ban="2023-02-08", tieu_de="Quyết định")
    assert response.status_code == 302
    note = TaskUpdate.objects.get(task=task)
    assert (note.kind, note.percent, note.unit_id) == ("note", None, tree["A1"].pk)
    assert note.evidence.get().display == "Quyết định số 311/QĐ-UBND ngày 08/02/2023"


def test_a_note_only_for_ones_own_coordinating_unit(client, task, people, tree):
    client.force_login(people["reporter"])  # C1 leads; it is not a coordinating unit
    assert post(client, task, loai="note", don_vi=tree["A1"].pk, noi_dung="x").status_code == 403
    assert not TaskUpdate.objects.exists()


@pytest.mark.parametrize("role", ["head", "leader", "reviewer"])
def test_roles_without_data_entry_cannot_write(client, task, people, role):
    client.force_login(people[role])
    assert client.get(reverse("task_detail", args=[task.pk])).status_code == 200
    assert post(client, task, loai="progress", tien_do="50", noi_dung="x").status_code == 403
    assert not TaskUpdate.objects.exists()


def test_an_uninvolved_unit_cannot_see_or_write(client, task, tree):
    outsider = make_user("reporter_c2", Role.REPORTER, tree["C2"])
    client.force_login(outsider)
    assert client.get(reverse("task_detail", args=[task.pk])).status_code == 403
    assert post(client, task, loai="progress", tien_do="50", noi_dung="x").status_code == 403


def test_the_secretariat_may_report_for_the_lead_unit(client, task, people):
    client.force_login(people["admin"])
    assert post(client, task, loai="progress", tien_do="100", noi_dung="Xong").status_code == 302
    task.refresh_from_db()
    assert task.completed_at is not None
    post(client, task, loai="progress", tien_do="80", noi_dung="Nghiệm thu chưa đạt, làm lại")
    task.refresh_from_db()
    assert task.completed_at is None


def test_bad_input_is_named_and_nothing_is_written(client, task, people):
    client.force_login(people["reporter"])
    response = post(client, task, loai="progress", tien_do="một nửa", noi_dung="x")
    assert response.status_code == 400
    assert "Tiến độ “một nửa” không phải là số phần trăm" in response.content.decode()
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post(client, task, loai="progress", tien_do="50", noi_dung="Có tệp", tep=fake)
    assert response.status_code == 400
    assert "không phải là tệp PDF" in response.content.decode()
    assert not TaskUpdate.objects.exists() and not Evidence.objects.exists()
    response = post(client, task, loai="progress", tien_do="50", noi_dung="x", ngay_van_ban="31/02/2023",
                    so_van_ban="1/QĐ")
    assert response.status_code == 400 and "31/02/2023" in response.content.decode()


def test_a_cancelled_task_takes_no_update(client, task, people):
    Task.objects.filter(pk=task.pk).update(cancelled=True, cancel_reason="Gộp vào nhiệm vụ khác")
    client.force_login(people["reporter"])
    assert post(client, task, loai="progress", tien_do="50", noi_dung="x").status_code == 403
