"""Evidence files: extension and magic bytes must agree, the size limit holds, files land
at a random path under MEDIA_ROOT; links carry a document number and date."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.metrics import evidence, services
from chiso.metrics.models import Evidence

PDF = b"%PDF-1.7\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100


def office(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


@pytest.fixture
def dv(metrics, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": 3}, user=None)


@pytest.mark.parametrize("name,content,mime", [
    ("bao-cao.pdf", PDF, "application/pdf"),
    ("anh.PNG", PNG, "image/png"),
    ("anh.jpg", JPEG, "image/jpeg"),
    ("van-ban.docx", office("word/document.xml"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("so-lieu.xlsx", office("xl/workbook.xml"),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_accepted_formats(dv, people, name, content, mime, tmp_path):
    ev = evidence.attach_file(SimpleUploadedFile(name, content), user=people["reporter"],
                              data_value=dv)
    assert ev.mime_type == mime and ev.original_name == name and ev.unit == dv.unit
    assert ev.size == len(content) and len(ev.sha256) == 64
    assert name not in ev.file.name and ev.file.name.startswith(f"evidence/{dv.unit_id}/")
    assert (tmp_path / ev.file.name).read_bytes() == content


@pytest.mark.parametrize("name,content,reason", [
    ("virus.exe", b"MZ\x90\x00", "chỉ nhận PDF, DOCX, XLSX, PNG hoặc JPEG"),
    ("gia.pdf", b"MZ\x90\x00" + b"0" * 50, "nội dung không phải là tệp PDF"),
    ("anh.png", JPEG, "nội dung không phải là tệp PNG"),
    ("van-ban.docx", office("xl/workbook.xml"), "nội dung không phải là tệp DOCX"),
    ("so-lieu.xlsx", b"PK\x03\x04 not really a zip", "nội dung không phải là tệp XLSX"),
    ("rong.pdf", b"", "rỗng"),
])
def test_wrong_type_or_content_is_refused(dv, people, name, content, reason):
    with pytest.raises(evidence.EvidenceRejected, match=reason):
        evidence.attach_file(SimpleUploadedFile(name, content), user=people["reporter"],
                             data_value=dv)
    assert not Evidence.objects.exists()


def test_size_limit_comes_from_the_setting(dv, people, settings):
    settings.CHISO_EVIDENCE_MAX_MB = 1
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(evidence.EvidenceRejected, match=r"quá lớn \(1,0 MB\); dung lượng tối đa là 1 MB"):
        evidence.attach_file(big, user=people["reporter"], data_value=dv)
    assert not Evidence.objects.exists()


def test_a_document_reference_reads_like_an_official_citation(dv, people):
    ev = evidence.attach_link(user=people["reporter"], data_value=dv, title="Quyết định",
                              document_number="311/QĐ-UBND", document_date=dt.date(2023, 2, 8))
    assert ev.display == "Quyết định số 311/QĐ-UBND ngày 08/02/2023"
    with pytest.raises(evidence.EvidenceRejected):
        evidence.attach_link(user=people["reporter"], data_value=dv, title="Trống")
    with pytest.raises(evidence.EvidenceRejected, match="https://"):
        evidence.attach_link(user=people["reporter"], data_value=dv, url="javascript:alert(1)")


def test_only_editors_of_the_unit_attach(dv, people, tree):
    with pytest.raises(PermissionDenied):
        evidence.attach_file(SimpleUploadedFile("a.pdf", PDF), user=people["head"], data_value=dv)
    with pytest.raises(PermissionDenied):
        evidence.attach_link(user=people["reporter"], unit=tree["C2"], document_number="1/QĐ")


def test_evidence_may_belong_to_something_else_than_a_value(people, tree, settings, tmp_path):
    """A later app (plans) attaches evidence to its own objects through `owner`."""
    settings.MEDIA_ROOT = tmp_path
    owner = tree["C1"]  # any model instance stands in for a task update
    ev = evidence.attach_file(SimpleUploadedFile("a.pdf", PDF), user=people["reporter"],
                              unit=tree["C1"], owner=owner)
    assert ev.data_value is None and ev.owner == owner
