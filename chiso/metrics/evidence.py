"""Attaching evidence (minh chứng): files checked by extension *and* content, and links or
document references.

A file is accepted only if its extension is one of PDF, DOCX, XLSX, PNG, JPEG and its first
bytes are those of that format (an `.exe` renamed to `.pdf` is refused; a DOCX must be a
ZIP holding `word/document.xml`, an XLSX one holding `xl/workbook.xml`). The size limit is
`settings.CHISO_EVIDENCE_MAX_MB` (20 MB by default). Files are stored under MEDIA_ROOT at
a random path (`models.evidence_path`) and served only by `views.evidence_download`,
after a permission check — never from MEDIA_URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import models

from chiso.lib.formatting import format_number
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from .models import DataValue, Evidence

# extension -> (MIME type, magic prefix or None for ZIP-based formats, ZIP member required)
FORMATS: dict[str, tuple[str, bytes | None, str | None]] = {
    ".pdf": ("application/pdf", b"%PDF-", None),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n", None),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff", None),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff", None),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", None,
              "word/document.xml"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None,
              "xl/workbook.xml"),
}
ZIP_MAGIC = b"PK\x03\x04"


class EvidenceRejected(ValueError):
    """The file or link cannot be accepted; the message says why, in Vietnamese."""


def max_bytes() -> int:
    return int(getattr(settings, "CHISO_EVIDENCE_MAX_MB", 20)) * 1024 * 1024


def check_file(upload: UploadedFile) -> str:
    """The file's MIME type if it may be stored; raises EvidenceRejected otherwise."""
    name = upload.name or ""
    ext = PurePath(name).suffix.lower()
    if ext not in FORMATS:
        raise EvidenceRejected(
            f"Tệp “{name}”: chỉ nhận PDF, DOCX, XLSX, PNG hoặc JPEG.")
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise EvidenceRejected(
            f"Tệp “{name}” quá lớn ({format_number((upload.size or 0) / 1048576, 1, 'vi')} MB); "
            f"dung lượng tối đa là {limit // 1048576} MB.")
    if upload.size == 0:
        raise EvidenceRejected(f"Tệp “{name}” rỗng.")
    mime, magic, member = FORMATS[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    wrong = EvidenceRejected(f"Tệp “{name}”: nội dung không phải là tệp {ext[1:].upper()} "
                             "như phần mở rộng của tên tệp.")
    if magic is not None:
        if not head.startswith(magic):
            raise wrong
    else:
        if not head.startswith(ZIP_MAGIC):
            raise wrong
        try:
            with zipfile.ZipFile(upload) as archive:
                if member not in archive.namelist():
                    raise wrong
        except zipfile.BadZipFile:
            raise wrong from None
        finally:
            upload.seek(0)
    return mime


def _owner_fields(owner: models.Model | None) -> dict:
    if owner is None:
        return {}
    return {"owner_type": ContentType.objects.get_for_model(owner), "owner_id": owner.pk}


def _unit_of(unit: OrgUnit | None, data_value: DataValue | None) -> OrgUnit:
    if data_value is not None:
        if unit is not None and unit.pk != data_value.unit_id:
            raise ValueError("Evidence unit differs from the value's unit")
        return data_value.unit
    if unit is None:
        raise ValueError("Evidence needs a unit or a data value")
    return unit


def attach_file(upload: UploadedFile, *, user, unit: OrgUnit | None = None,
                data_value: DataValue | None = None, owner: models.Model | None = None,
                title: str = "") -> Evidence:
    unit = _unit_of(unit, data_value)
    if user is not None and not permissions.can(user, "edit_data", unit):
        raise PermissionDenied("Bạn không có quyền thêm minh chứng cho đơn vị này.")
    mime = check_file(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(unit=unit, data_value=data_value, kind=Evidence.Kind.FILE,
                        title=title.strip(), original_name=PurePath(upload.name).name[:255],
                        mime_type=mime, size=upload.size, sha256=digest.hexdigest(),
                        uploaded_by=user, **_owner_fields(owner))
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    return evidence


def attach_link(*, user, unit: OrgUnit | None = None, data_value: DataValue | None = None,
                owner: models.Model | None = None, title: str = "", url: str = "",
                document_number: str = "", document_date: dt.date | None = None) -> Evidence:
    """A link or a document reference, e.g. title "Quyết định", number "311/QĐ-UBND",
    date 08/02/2023 → "Quyết định số 311/QĐ-UBND ngày 08/02/2023"."""
    unit = _unit_of(unit, data_value)
    if user is not None and not permissions.can(user, "edit_data", unit):
        raise PermissionDenied("Bạn không có quyền thêm minh chứng cho đơn vị này.")
    url, number = url.strip(), document_number.strip()
    if not url and not number:
        raise EvidenceRejected("Minh chứng cần một đường dẫn hoặc số, ký hiệu văn bản.")
    if url and not url.lower().startswith(("https://", "http://")):
        raise EvidenceRejected(f"Đường dẫn “{url}” phải bắt đầu bằng https:// hoặc http://.")
    return Evidence.objects.create(
        unit=unit, data_value=data_value, kind=Evidence.Kind.LINK, title=title.strip(), url=url,
        document_number=number, document_date=document_date, uploaded_by=user,
        **_owner_fields(owner))
