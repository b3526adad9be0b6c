"""Import jobs on the real backends, with committed transactions:
- the embedded one (chiso.lib.tasks.ThreadBackend): the upload returns at once and the job
  finishes in a thread of its own, with its own database connection; the test waits for
  it by polling its row;
- django-tasks-db's DatabaseBackend: the job waits, queued, until `chiso db_worker` runs."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import default_task_backend

from chiso.metrics.models import DataValue, ImportJob

from .intake_helpers import csv_file

pytestmark = pytest.mark.django_db(transaction=True)

THREAD = {"default": {"BACKEND": "chiso.lib.tasks.ThreadBackend"}}


def wait_for(job_id: int, timeout: float = 60.0) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job.state} after {timeout} s")


def test_an_upload_sent_to_the_background_finishes_in_a_thread(client, settings, tmp_path,
                                                               metrics, people):
    settings.TASKS = THREAD
    settings.MEDIA_ROOT = tmp_path
    rows = [["C1", "HS_TT", f"2023-{m:02d}", str(m * 10)] for m in range(1, 13)]
    client.force_login(people["reporter"])
    response = client.post(reverse("values_upload", args=["C1"]), {
        "tep": SimpleUploadedFile("nam-2023.csv", csv_file(rows).getvalue()), "nen": "1"})
    assert response.status_code == 302
    job = wait_for(ImportJob.objects.get().pk)
    assert default_task_backend.join(timeout=30)  # its thread has closed its connection
    assert job.state == ImportJob.State.DONE and job.result["created"] == 12
    assert DataValue.objects.filter(unit__code="C1", metric__code="HS_TT").count() == 12
    assert not job.file and not any(p.is_file() for p in tmp_path.rglob("*"))
    assert "12 số liệu mới" in client.get(response["Location"]).content.decode()


def test_a_failing_task_in_a_thread_is_recorded_on_its_result(settings):
    settings.TASKS = THREAD
    from chiso.metrics.tasks import run_import_job

    result = run_import_job.enqueue("not a number")  # no transaction: starts at once
    assert default_task_backend.join(timeout=30)
    assert result.status == "FAILED" and result.errors


def test_with_the_database_backend_a_job_waits_for_chiso_db_worker(client, settings, tmp_path,
                                                                   metrics, people):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["reporter"])
    client.post(reverse("values_upload", args=["C1"]), {
        "tep": SimpleUploadedFile("a.csv", csv_file([["C1", "CHI_CDS", "2024", "7"]]).getvalue()),
        "nen": "1"})
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.QUEUED and DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.result["created"] == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
