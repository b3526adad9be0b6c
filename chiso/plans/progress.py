"""Writing on a task: the lead unit's progress and the coordinating units' notes, each with
its evidence, all or nothing (a refused file leaves no update behind)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.metrics import evidence as evidence_service
from chiso.orgs.models import OrgUnit

from . import access
from .models import Task, TaskUpdate


@dataclass
class EvidenceInput:
    file: UploadedFile | None = None
    title: str = ""
    url: str = ""
    document_number: str = ""
    document_date: dt.date | None = None

    @property
    def empty(self) -> bool:
        return self.file is None and not self.url.strip() and not self.document_number.strip()


def _attach(update: TaskUpdate, user, unit: OrgUnit, evidence: EvidenceInput | None) -> None:
    if evidence is None or evidence.empty:
        return
    try:
        if evidence.file is not None:
            evidence_service.attach_file(evidence.file, user=user, unit=unit, owner=update,
                                         title=evidence.title)
        else:
            evidence_service.attach_link(user=user, unit=unit, owner=update, title=evidence.title,
                                         url=evidence.url, document_number=evidence.document_number,
                                         document_date=evidence.document_date)
    except evidence_service.EvidenceRejected as exc:
        raise ValidationError({"evidence": str(exc)}) from exc


def report_progress(task: Task, user, percent: int, text: str,
                    evidence: EvidenceInput | None = None, at: dt.datetime | None = None) -> TaskUpdate:
    """The lead unit's progress. 100 % completes the task (today); a later, lower figure
    (a correction) reopens it."""
    if not access.can_report_progress(user, task):
        raise PermissionDenied(_("Chỉ đơn vị chủ trì cập nhật tiến độ của nhiệm vụ này."))
    errors = {}
    if percent is None or not 0 <= percent <= 100:
        errors["percent"] = _("Tiến độ phải là số phần trăm từ 0 đến 100.")
    if not (text or "").strip():
        errors["text"] = _("Hãy ghi kết quả đã làm được (nội dung cập nhật).")
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        update = TaskUpdate.objects.create(task=task, unit=task.lead_unit, author=user,
                                           kind=TaskUpdate.Kind.PROGRESS, percent=percent,
                                           text=text.strip(), created_at=at)
        _attach(update, user, task.lead_unit, evidence)
        completed = timezone.localdate(at) if percent == 100 else None
        if (percent == 100 and task.completed_at is None) or (percent < 100 and task.completed_at):
            Task.objects.filter(pk=task.pk).update(completed_at=completed)
            task.completed_at = completed
    return update


def add_note(task: Task, user, unit: OrgUnit, text: str,
             evidence: EvidenceInput | None = None, at: dt.datetime | None = None) -> TaskUpdate:
    """A coordinating unit's part: a note (no percent), with its evidence."""
    if unit.pk not in {u.pk for u in access.note_units(user, task)}:
        raise PermissionDenied(_("Chỉ đơn vị phối hợp của nhiệm vụ ghi ý kiến cho đơn vị mình."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Hãy ghi nội dung phần việc đã phối hợp.")})
    with transaction.atomic():
        update = TaskUpdate.objects.create(task=task, unit=unit, author=user,
                                           kind=TaskUpdate.Kind.NOTE, text=text.strip(),
                                           created_at=at or timezone.now())
        _attach(update, user, unit, evidence)
    return update
