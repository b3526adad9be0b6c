"""What must not turn a good import job into a wrong story: a progress save that fails,
a long silent step, too many uploads at once."""

from __future__ import annotations

import threading
import time
from unittest import mock

import pytest
from django.db import DatabaseError
from django.utils import timezone

from chiso.lib.tasks import ThreadBackend
from chiso.metrics import tasks
from chiso.metrics.models import ImportJob


def test_a_failing_progress_save_does_not_fail_the_import(tree, people):
    job = ImportJob.objects.create(user=people["reporter"], unit=tree["C1"], file_name="a.csv",
                                   state=ImportJob.State.RUNNING)
    saver = tasks.ProgressSaver(job.pk)
    with mock.patch.object(ImportJob.objects, "filter", side_effect=DatabaseError("locked")):
        saver("done", 10, 10)  # no exception
    saver("write", 0, 10)
    job.refresh_from_db()
    assert (job.phase, job.total) == ("write", 10)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_silent_running_job_fresh(tree, people):
    old = timezone.now() - timezone.timedelta(minutes=30)
    job = ImportJob.objects.create(user=people["reporter"], unit=tree["C1"], file_name="a.csv",
                                   state=ImportJob.State.RUNNING, updated_at=old)
    with tasks.Heartbeat(job.pk, every=0.05):
        deadline = time.monotonic() + 10
        while ImportJob.objects.get(pk=job.pk).updated_at == old:
            assert time.monotonic() < deadline, "no heartbeat within 10 s"
            time.sleep(0.05)
    assert ImportJob.objects.get(pk=job.pk).updated_at > old + timezone.timedelta(minutes=29)


def test_the_thread_backend_runs_at_most_max_running_tasks_at_once():
    backend = ThreadBackend("default", {"OPTIONS": {"max_running": 2}})
    running, peak, lock, release = 0, 0, threading.Lock(), threading.Event()

    def work(result):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        release.wait(5)
        with lock:
            running -= 1

    with mock.patch.object(ThreadBackend, "_execute_task", lambda self, r: work(r)):
        for _ in range(5):
            backend._start(mock.Mock(id="abcdefgh12"))
        deadline = time.monotonic() + 10
        while running < 2:  # two start (however slowly the machine is)…
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.3)  # …and the three others wait
        assert peak == 2
        release.set()
        assert backend.join(timeout=10)
    assert peak == 2 and running == 0
