"""Who sees an import job: its uploader and whoever may manage its unit (the province's
secretariat); everybody else gets 404, as if it did not exist. Starting one needs the
right to enter the unit's data, like any upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.conftest import make_user
from chiso.metrics import jobs
from chiso.metrics.models import ImportJob
from chiso.orgs.models import Role

from .intake_helpers import csv_file

ROWS = [["C1", "CHI_CDS", "2024", "10"]]


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def job(metrics, people, tree):
    upload = SimpleUploadedFile("so-lieu.csv", csv_file(ROWS).getvalue())
    return jobs.start(upload, user=people["reporter"], unit=tree["C1"])


@pytest.fixture
def others(tree):
    return {
        "second_reporter": make_user("reporter2_c1", Role.REPORTER, tree["C1"]),
        "other_reporter": make_user("reporter_c2", Role.REPORTER, tree["C2"]),
        "other_admin": make_user("admin_p2", Role.ADMIN, tree["P2"]),
    }


@pytest.mark.parametrize("who,status", [
    ("reporter", 200), ("admin", 200), ("second_reporter", 404), ("other_reporter", 404),
    ("other_admin", 404), ("head", 404), ("leader", 404), ("reviewer", 404)])
def test_who_may_see_a_job(client, job, people, others, who, status):
    client.force_login({**people, **others}[who])
    for name in ("import_job", "import_job_status"):
        response = client.get(reverse(name, args=["C1", job.pk]))
        assert response.status_code == status, name
        if status == 200:
            assert "so-lieu.csv" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, job):
    for name in ("import_job", "import_job_status"):
        response = client.get(reverse(name, args=["C1", job.pk]))
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_job_is_found_only_under_its_own_unit(client, job, people):
    client.force_login(people["admin"])  # may see C2 too, but the job is not C2's
    assert client.get(reverse("import_job", args=["C2", job.pk])).status_code == 404


def test_a_superuser_sees_every_job(client, job):
    client.force_login(make_user("root", is_superuser=True))
    assert client.get(reverse("import_job", args=["C1", job.pk])).status_code == 200


@pytest.mark.parametrize("role,unit,status", [
    ("reporter", "C2", 403), ("head", "C1", 403), ("leader", "C1", 403), ("admin", "C3", 403)])
def test_starting_a_job_needs_the_right_to_enter_the_units_data(client, metrics, people, role,
                                                                unit, status):
    client.force_login(people[role])
    upload = SimpleUploadedFile("so-lieu.csv", csv_file(ROWS).getvalue())
    response = client.post(reverse("values_upload", args=[unit]), {"tep": upload, "nen": "1"})
    assert response.status_code == status
    assert not ImportJob.objects.exists()


def test_the_recent_jobs_list_shows_nobody_elses_jobs(client, job, others):
    client.force_login(others["second_reporter"])
    html = client.get(reverse("values_upload", args=["C1"])).content.decode()
    assert "so-lieu.csv" not in html and "id=\"import-jobs\"" not in html
