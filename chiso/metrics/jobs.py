"""Import jobs: a file of values imported in the background, with a progress bar.

    job = jobs.start(upload, user=request.user, unit=unit, dry_run=False)
    ...the task `tasks.run_import_job(job.pk)` runs `intake.import_file` and records how far
    it is on the job row; the job page polls `jobs.progress_text(job)` and `percent(job)`.

Who sees a job: the user who uploaded it, and whoever may `manage` its unit (the
secretariat of the unit's province, a superuser). Nobody else learns that it exists
(404), not even another reporter of the same unit: the errors list quotes the file.

Files live under MEDIA_ROOT/imports/ only while the job needs them: deleted when the job
ends, or when it is found interrupted (`sweep`). Job rows are kept KEEP_DAYS days.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend

from chiso.lib.formatting import format_number
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import tabular
from .intake import IntakeResult
from .models import ImportJob
from .tabular import MAX_ERRORS, CellError

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=10)  # running and silent this long: the process died
KEEP_DAYS = 30  # job rows (counts and errors) are deleted after this many days
RECENT = 10  # jobs listed on the upload page
S = ImportJob.State


def background_threshold() -> int:
    return int(getattr(settings, "CHISO_IMPORT_BACKGROUND_BYTES", 1024 * 1024))


def should_run_in_background(size: int, forced: bool) -> bool:
    """Too large a file is not stored at all: the direct path refuses it unread."""
    if size > tabular.MAX_BYTES:
        return False
    return forced or size > background_threshold()


def start(upload: UploadedFile, *, user, unit: OrgUnit, dry_run: bool = False) -> ImportJob:
    """Store the upload, create its job and enqueue the task (which starts after commit)."""
    from .tasks import run_import_job  # tasks imports this module

    job = ImportJob(user=user, unit=unit, file_name=upload.name[:255], size=upload.size or 0,
                    dry_run=dry_run)
    try:
        with transaction.atomic():
            job.file.save(upload.name, upload, save=False)
            job.save()
            run_import_job.enqueue(job.pk)
    except BaseException:
        # The row is rolled back; the stored file would be left with nothing to find it.
        if job.file:
            job.file.delete(save=False)
        raise
    return job


# --- who sees what -----------------------------------------------------------------------
def visible_to(user) -> QuerySet[ImportJob]:
    if not getattr(user, "is_authenticated", False):
        return ImportJob.objects.none()
    if user.is_superuser:
        return ImportJob.objects.all()
    managed = permissions.units_for(user, "manage").values("pk")
    return ImportJob.objects.filter(Q(user=user) | Q(unit__in=managed))


def recent_for(user, unit: OrgUnit) -> list[ImportJob]:
    """The user's own latest jobs for the unit (the upload page's list), each with its
    `progress_text` for those still under way."""
    recent = list(ImportJob.objects.filter(user=user, unit=unit)[:RECENT])
    for job in recent:
        job.progress_text = progress_text(job)
    return recent


# --- ending jobs -------------------------------------------------------------------------
def result_json(result: IntakeResult) -> dict:
    """What the job page shows afterwards: counts and the first MAX_ERRORS problems."""
    return {
        "ok": result.ok, "fmt": result.fmt, "rows": result.rows, "created": result.created,
        "updated": result.updated, "unchanged": result.unchanged, "dry_run": result.dry_run,
        "error_count": len(result.errors),
        "errors": [{"message": e.message, "row": e.row, "column": e.column, "sheet": e.sheet,
                    "code": e.code} for e in result.errors[:MAX_ERRORS]],
    }


def result_from_json(data: dict) -> IntakeResult:
    """Back to the object the synchronous page shows (errors keep their sheet/row/column)."""
    errors = [CellError(e["message"], e.get("row"), e.get("column"), e.get("sheet"),
                        e.get("code") or "") for e in data.get("errors", [])]
    return IntakeResult(ok=bool(data.get("ok")), fmt=data.get("fmt", ""),
                        rows=data.get("rows", 0), created=data.get("created", 0),
                        updated=data.get("updated", 0), unchanged=data.get("unchanged", 0),
                        errors=errors, dry_run=bool(data.get("dry_run")))


def delete_file(job: ImportJob) -> None:
    if job.file:
        try:
            job.file.delete(save=False)
        except OSError:  # already gone: the goal is reached
            logger.warning("Could not delete import file %s", job.file.name)
    ImportJob.objects.filter(pk=job.pk).update(file="")


def _silent_states() -> list[str]:
    """States in which a job left alone too long has died. A queued job only where the
    queue dies with the process (the thread backend); a database queue keeps it for its
    worker however long that takes."""
    return [S.RUNNING] if default_task_backend.supports_get_result else [S.RUNNING, S.QUEUED]


def _interrupt(job: ImportJob, now: dt.datetime) -> bool:
    # Conditional: a job that reported meanwhile is left alone.
    if ImportJob.objects.filter(pk=job.pk, state=job.state, updated_at=job.updated_at) \
            .update(state=S.INTERRUPTED, finished_at=now, updated_at=now):
        delete_file(job)
        return True
    return False


def check_interrupted(job: ImportJob, now: dt.datetime | None = None) -> ImportJob:
    """The job, marked interrupted first if it has been silent too long (the job page)."""
    now = now or timezone.now()
    if job.state in _silent_states() and job.updated_at < now - STALE_AFTER \
            and _interrupt(job, now):
        job.refresh_from_db()
    return job


def sweep(now: dt.datetime | None = None) -> int:
    """Mark every silent job interrupted (deleting its file) and forget old jobs."""
    now = now or timezone.now()
    stale = ImportJob.objects.filter(state__in=_silent_states(),
                                     updated_at__lt=now - STALE_AFTER)
    interrupted = sum(_interrupt(job, now) for job in stale)
    old = ImportJob.objects.filter(created_at__lt=now - dt.timedelta(days=KEEP_DAYS))
    for job in old.exclude(file=""):
        delete_file(job)
    old.delete()
    return interrupted


# --- what the page says ------------------------------------------------------------------
def percent(job: ImportJob) -> int:
    """Reading ~10 %, checking 10–80 % by rows, writing 85 %, done 100 %."""
    if job.finished:
        return 100
    if job.phase == "check" and job.total:
        return 10 + int(70 * min(job.done, job.total) / job.total)
    return {"read": 10, "write": 85, "done": 99}.get(job.phase, 0)


def progress_text(job: ImportJob) -> str:
    if job.state == S.QUEUED:
        return _("Đang chờ đến lượt")
    if job.state == S.INTERRUPTED:
        return _("Bị gián đoạn")
    if job.finished:
        return _("Đã xong")
    if job.phase == "check":
        return _("Đang kiểm tra %(done)s/%(total)s dòng") % {
            "done": format_number(job.done), "total": format_number(job.total)}
    if job.phase == "read":
        return _("Đã đọc %(n)s dòng, đang kiểm tra") % {"n": format_number(job.total)}
    if job.phase in ("write", "done"):
        return _("Đang ghi vào cơ sở dữ liệu")
    return _("Đang đọc tệp")
