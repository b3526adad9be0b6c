"""Background tasks of the metrics app (django-tasks; backends in settings.TASKS)."""

from __future__ import annotations

import logging
import threading
import time

from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from . import jobs
from .intake import import_file
from .models import ImportJob
from .tabular import CellError

logger = logging.getLogger(__name__)

SAVE_EVERY = 0.5  # seconds between two progress saves of the same phase
S = ImportJob.State


class ProgressSaver:
    """`progress(phase, done, total)` for `import_file`: saves to the job row, at most every
    SAVE_EVERY seconds within a phase (a new phase is always saved, so the page never
    misses "writing"). Intake calls it outside its transaction, so each save commits and
    the job page sees it at once."""

    def __init__(self, job_id: int, clock=time.monotonic):
        self.job_id = job_id
        self.clock = clock
        self.phase = ""
        self.saved_at = float("-inf")
        self.saves = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = self.clock()
        if phase == self.phase and now - self.saved_at < SAVE_EVERY:
            return
        self.phase, self.saved_at = phase, now
        self.saves += 1
        try:
            ImportJob.objects.filter(pk=self.job_id).update(
                phase=phase, done=done, total=total, updated_at=timezone.now())
        except DatabaseError:
            # Progress is for the page only: a save that fails (SQLite busy for longer
            # than its timeout while another import writes) must not fail the import,
            # least of all after it has committed ("done").
            logger.warning("Could not save the progress of import job %s", self.job_id,
                           exc_info=True)


class Heartbeat:
    """Touches the running job's row every `every` seconds from a thread of its own, so
    that a long silent step (reading a 50 MB workbook, waiting for locks) is not taken
    for a dead process (`jobs.STALE_AFTER`)."""

    def __init__(self, job_id: int, every: float = 60.0):
        self.job_id = job_id
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"chiso-job-{job_id}-heartbeat")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    ImportJob.objects.filter(pk=self.job_id, state=S.RUNNING).update(
                        updated_at=timezone.now())
                except DatabaseError:
                    logger.warning("Heartbeat of import job %s failed", self.job_id,
                                   exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only


@task()
def run_import_job(job_id: int) -> dict:
    """Run one queued import job to its end; returns its final state and counts."""
    claimed = ImportJob.objects.filter(pk=job_id, state=S.QUEUED).update(
        state=S.RUNNING, started_at=timezone.now(), updated_at=timezone.now())
    if not claimed:  # run already (a task enqueued twice) or deleted meanwhile
        return {"job": job_id, "state": "skipped"}
    job = ImportJob.objects.select_related("user", "unit").get(pk=job_id)
    try:
        with Heartbeat(job_id), job.file.open("rb") as fileobj:
            result = import_file(fileobj, job.file_name, user=job.user, size=job.size,
                                 within=job.unit, dry_run=job.dry_run,
                                 progress=ProgressSaver(job_id))
        data = jobs.result_json(result)
        state = S.DONE if result.ok else S.FAILED
    except Exception:
        # A failure of ours, not of the file: intake's transaction rolled back, so nothing
        # was written; the owner gets a plain message, the log gets the traceback.
        logger.exception("Import job %s failed", job_id)
        data = jobs.result_json(jobs.IntakeResult(ok=False, dry_run=job.dry_run, errors=[
            CellError(_("Lỗi hệ thống khi nhập tệp; không số liệu nào được ghi. "
                        "Hãy thử lại hoặc báo quản trị hệ thống."), code="system")]))
        state = S.FAILED
    finally:
        try:
            jobs.delete_file(job)
        except Exception:  # the outcome below must be recorded all the same
            logger.exception("Could not delete the file of import job %s", job_id)
    now = timezone.now()
    # Written whatever `sweep` decided meanwhile: this is what really happened.
    ImportJob.objects.filter(pk=job_id).update(
        state=state, result=data, finished_at=now, updated_at=now,
        phase="done", done=data["rows"], total=data["rows"])
    return {"job": job_id, "state": state, "created": data["created"],
            "updated": data["updated"], "errors": data["error_count"]}
