"""Import jobs: a file imported in the background, from queued to done (or failed), with its
progress saved on the job row and the result shown on the job page.

The task runs with django-tasks' immediate backend here (inside `jobs.start`), or not at
all with the dummy backend when a test wants to see a job before it runs; the thread
backend has its own test (test_import_jobs_thread.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chiso.metrics import jobs, tasks
from chiso.metrics.models import DataValue, ImportJob

from .intake_helpers import csv_file

S = ImportJob.State
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
GOOD = [["C1", "CHI_CDS", "2024", "10"], ["C1", "HS_TT", "2024-03", "120"]]
BAD = [["C1", "CHI_CDS", "2024", "10"], ["C1", "CHI_CDS", "2025", "năm mươi"]]


@pytest.fixture(autouse=True)
def job_settings(settings, tmp_path):
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path
    return settings


def upload(rows, name="so-lieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_file(rows).getvalue(), content_type="text/csv")


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_job_goes_from_queued_through_running_to_done_with_counts(
        metrics, people, tree, job_settings, monkeypatch):
    job_settings.TASKS = DUMMY  # enqueued, not run: the job waits
    job = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    job.refresh_from_db()
    assert job.state == S.QUEUED and job.started_at is None
    assert len(stored_files(job_settings)) == 1
    assert stored_files(job_settings)[0].parent.parent.name == "imports"

    seen = []
    real = tasks.import_file

    def spy(*args, **kwargs):
        seen.append(ImportJob.objects.get(pk=job.pk).state)
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "import_file", spy)
    summary = tasks.run_import_job.call(job.pk)

    job.refresh_from_db()
    assert seen == [S.RUNNING]
    assert summary["state"] == S.DONE
    assert job.state == S.DONE and job.started_at and job.finished_at
    assert (job.result["ok"], job.result["rows"], job.result["created"]) == (True, 2, 2)
    assert DataValue.objects.filter(unit__code="C1").count() == 2
    assert not job.file and stored_files(job_settings) == []  # deleted once done


def test_a_rejected_file_fails_the_job_with_located_errors_and_writes_nothing(
        metrics, people, tree, job_settings):
    job = jobs.start(upload(BAD), user=people["reporter"], unit=tree["C1"])
    job.refresh_from_db()
    assert job.state == S.FAILED
    assert job.result["ok"] is False and job.result["error_count"] == 1
    error = job.result["errors"][0]
    assert (error["row"], error["column"]) == (3, "value")
    assert not DataValue.objects.exists()
    assert stored_files(job_settings) == []


def test_a_dry_run_job_counts_but_writes_nothing(metrics, people, tree):
    job = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"], dry_run=True)
    job.refresh_from_db()
    assert job.state == S.DONE and job.result["dry_run"] and job.result["created"] == 2
    assert not DataValue.objects.exists()


def test_the_errors_kept_are_capped_but_all_are_counted(metrics, people, tree, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_ERRORS", 5)
    rows = [["C1", "CHI_CDS", str(2000 + i), "không phải số"] for i in range(12)]
    job = jobs.start(upload(rows), user=people["reporter"], unit=tree["C1"])
    job.refresh_from_db()
    assert job.result["error_count"] == 12 and len(job.result["errors"]) == 5


def test_a_crash_fails_the_job_with_a_plain_message_and_deletes_the_file(
        metrics, people, tree, job_settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks, "import_file", broken)
    job = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    job.refresh_from_db()
    assert job.state == S.FAILED
    assert "Lỗi hệ thống" in job.result["errors"][0]["message"]
    assert "database went away" not in str(job.result)
    assert stored_files(job_settings) == []


def test_a_job_enqueued_twice_runs_once(metrics, people, tree):
    job = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    assert tasks.run_import_job.call(job.pk)["state"] == "skipped"
    assert DataValue.objects.count() == 2


def test_the_uploader_losing_the_right_meanwhile_fails_the_job(metrics, people, tree,
                                                                job_settings):
    job_settings.TASKS = DUMMY
    reporter = people["reporter"]
    job = jobs.start(upload(GOOD), user=reporter, unit=tree["C1"])
    reporter.memberships.all().delete()
    tasks.run_import_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == S.FAILED and job.result["errors"][0]["code"] == "permission"
    assert not DataValue.objects.exists()


# --- progress --------------------------------------------------------------------------
def test_progress_is_saved_to_the_job_row_at_most_twice_a_second_per_phase(metrics, people,
                                                                           tree, job_settings):
    job_settings.TASKS = DUMMY
    job = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    ImportJob.objects.filter(pk=job.pk).update(state=S.RUNNING)
    now = [100.0]
    saver = tasks.ProgressSaver(job.pk, clock=lambda: now[0])

    saver("read", 100_000, 100_000)
    saver("check", 0, 100_000)  # a new phase: saved at once
    now[0] += 0.2
    saver("check", 5_000, 100_000)  # too soon: skipped
    job.refresh_from_db()
    assert (job.phase, job.done, job.total) == ("check", 0, 100_000)

    now[0] += 0.4
    saver("check", 12_000, 100_000)
    job.refresh_from_db()
    assert (job.phase, job.done) == ("check", 12_000)
    assert jobs.progress_text(job) == "Đang kiểm tra 12.000/100.000 dòng"
    assert jobs.percent(job) == 10 + int(70 * 0.12)

    saver("write", 0, 100_000)  # 0.0 s later, but a new phase
    job.refresh_from_db()
    assert job.phase == "write" and jobs.progress_text(job) == "Đang ghi vào cơ sở dữ liệu"
    assert saver.saves == 4


def test_a_running_job_reports_each_phase_to_its_row(metrics, people, tree, monkeypatch):
    phases = []
    real_call = tasks.ProgressSaver.__call__

    def record(self, phase, done, total):
        real_call(self, phase, done, total)
        row = ImportJob.objects.get(pk=self.job_id)
        phases.append((phase, row.phase, row.state))

    monkeypatch.setattr(tasks.ProgressSaver, "__call__", record)
    jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    assert [p[0] for p in phases][0] == "read" and "write" in [p[0] for p in phases]
    assert all(saved == phase and state == S.RUNNING for phase, saved, state in phases)


# --- the upload page and the job page --------------------------------------------------
def test_a_small_file_is_imported_at_once_without_a_job(client, metrics, people):
    client.force_login(people["reporter"])
    response = client.post(reverse("values_upload", args=["C1"]), {"tep": upload(GOOD)})
    assert response.status_code == 200 and "2 số liệu mới" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_checkbox_sends_a_small_file_to_the_background(client, metrics, people):
    client.force_login(people["reporter"])
    response = client.post(reverse("values_upload", args=["C1"]), {"tep": upload(GOOD),
                                                                  "nen": "1"})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_job", args=["C1", job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "2 số liệu mới" in page and "hx-trigger" not in page


def test_a_file_over_the_threshold_becomes_a_job(client, metrics, people, job_settings):
    job_settings.CHISO_IMPORT_BACKGROUND_BYTES = 50
    file = upload(GOOD)
    assert file.size > 50
    client.force_login(people["reporter"])
    response = client.post(reverse("values_upload", args=["C1"]), {"tep": file, "thu": "1"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.dry_run and job.state == S.DONE and not DataValue.objects.exists()


def test_the_threshold_is_one_megabyte_by_default(job_settings):
    del job_settings.CHISO_IMPORT_BACKGROUND_BYTES
    assert not jobs.should_run_in_background(1024 * 1024, forced=False)
    assert jobs.should_run_in_background(1024 * 1024 + 1, forced=False)
    assert jobs.should_run_in_background(10, forced=True)


def test_a_file_over_the_size_limit_is_refused_at_once_not_stored(client, metrics, people,
                                                                  job_settings, monkeypatch):
    from chiso.metrics import tabular

    monkeypatch.setattr(tabular, "MAX_BYTES", 60)
    client.force_login(people["reporter"])
    response = client.post(reverse("values_upload", args=["C1"]), {"tep": upload(GOOD),
                                                                  "nen": "1"})
    assert response.status_code == 422 and "Tệp quá lớn" in response.content.decode()
    assert not ImportJob.objects.exists() and stored_files(job_settings) == []


def test_a_failed_jobs_page_lists_each_error_with_its_row_and_column(client, metrics, people,
                                                                     tree):
    job = jobs.start(upload(BAD), user=people["reporter"], unit=tree["C1"])
    client.force_login(people["reporter"])
    html = client.get(reverse("import_job", args=["C1", job.pk])).content.decode()
    assert "Tệp bị từ chối: không số liệu nào được ghi" in html
    assert "Dòng 3, cột “Giá trị”" in html


def test_a_running_jobs_status_shows_the_phase_and_keeps_polling(client, metrics, people, tree,
                                                                 job_settings):
    job_settings.TASKS = DUMMY
    job = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    ImportJob.objects.filter(pk=job.pk).update(state=S.RUNNING, phase="check", done=12_000,
                                               total=100_000)
    client.force_login(people["reporter"])
    html = client.get(reverse("import_job_status", args=["C1", job.pk])).content.decode()
    assert "Đang kiểm tra 12.000/100.000 dòng" in html
    assert 'hx-trigger="every 1s"' in html and 'value="18"' in html

    ImportJob.objects.filter(pk=job.pk).update(phase="write")
    html = client.get(reverse("import_job", args=["C1", job.pk])).content.decode()
    assert "Đang ghi vào cơ sở dữ liệu" in html


def test_a_job_silent_for_ten_minutes_shows_as_interrupted(client, metrics, people, tree,
                                                           job_settings):
    job_settings.TASKS = DUMMY
    quiet = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    busy = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    now = timezone.now()
    ImportJob.objects.filter(pk=quiet.pk).update(state=S.RUNNING,
                                                 updated_at=now - dt.timedelta(minutes=11))
    ImportJob.objects.filter(pk=busy.pk).update(state=S.RUNNING,
                                                updated_at=now - dt.timedelta(minutes=9))
    client.force_login(people["reporter"])
    html = client.get(reverse("import_job", args=["C1", quiet.pk])).content.decode()
    assert "bị gián đoạn" in html and "Hãy tải tệp lên lại" in html
    assert "hx-trigger" not in html
    quiet.refresh_from_db()
    busy.refresh_from_db()
    assert quiet.state == S.INTERRUPTED and not quiet.file
    assert busy.state == S.RUNNING and busy.file
    assert len(stored_files(job_settings)) == 1


def test_a_queued_job_waits_as_long_as_it_takes_for_a_database_worker(people, tree, metrics,
                                                                      job_settings):
    job_settings.TASKS = DUMMY
    job = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    job_settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert jobs.sweep() == 0
    job_settings.TASKS = DUMMY  # a queue that does not survive a restart
    assert jobs.sweep() == 1


def test_jobs_older_than_the_keeping_time_are_forgotten(people, tree, metrics):
    job = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(days=jobs.KEEP_DAYS + 1))
    jobs.sweep()
    assert not ImportJob.objects.exists()


def test_the_upload_page_lists_the_users_own_recent_jobs(client, metrics, people, tree):
    mine = jobs.start(upload(GOOD, "cua-toi.csv"), user=people["reporter"], unit=tree["C1"])
    jobs.start(upload(GOOD, "cua-so.csv"), user=people["admin"], unit=tree["C1"])
    client.force_login(people["reporter"])
    html = client.get(reverse("values_upload", args=["C1"])).content.decode()
    assert "id=\"import-jobs\"" in html and "Việc nhập tệp gần đây" in html
    assert "cua-toi.csv" in html and reverse("import_job", args=["C1", mine.pk]) in html
    assert "cua-so.csv" not in html


def test_the_recent_list_says_how_far_a_running_job_is(client, metrics, people, tree,
                                                       job_settings):
    job_settings.TASKS = DUMMY
    job = jobs.start(upload(GOOD), user=people["reporter"], unit=tree["C1"])
    ImportJob.objects.filter(pk=job.pk).update(state=S.RUNNING, phase="check", done=3_000,
                                               total=40_000)
    client.force_login(people["reporter"])
    html = client.get(reverse("values_upload", args=["C1"])).content.decode()
    assert "Đang kiểm tra 3.000/40.000 dòng" in html
