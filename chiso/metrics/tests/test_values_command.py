"""`chiso values import|export`: the user's permissions apply, errors go to stderr with
their row and column and exit 1 with nothing written; exports go to stdout or a file."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from chiso.metrics import services
from chiso.metrics.models import DataValue, DataValueChange, Period, Source
from chiso.orgs.models import OrgUnit

from .intake_helpers import csv_file, xlsx_file

GOOD_ROWS = [["C1", "TTHC_TT", "2024Q1", "", "45", "50", "Quý I"],
             ["C1", "HS_TT", "2024-01", "12", "", "", ""]]


def write(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("values", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_of_a_csv_prints_the_counts_and_records_the_user(tmp_path, people, metrics):
    path = write(tmp_path, "a.csv", csv_file(GOOD_ROWS).getvalue())
    out, _err = run("import", path, "--user", "reporter_c1")
    assert "2 mới, 0 cập nhật, 0 không đổi" in out
    change = DataValueChange.objects.get(data_value__metric__code="HS_TT")
    assert change.changed_by == people["reporter"] and change.source == Source.CSV
    out, _err = run("import", path, "--user", "reporter_c1")
    assert "0 mới, 0 cập nhật, 2 không đổi" in out


def test_import_of_an_xlsx_and_a_dhis2_json(tmp_path, people, metrics):
    path = write(tmp_path, "a.xlsx", xlsx_file(GOOD_ROWS).getvalue())
    assert "2 mới" in run("import", path, "--user", "reporter_c1")[0]
    document = {"orgUnit": "C1", "dataValues": [
        {"dataElement": "HS_TT", "period": "202401", "value": "13"}]}
    path = write(tmp_path, "b.json", json.dumps(document).encode())
    assert "1 cập nhật" in run("import", path, "--user", "reporter_c1")[0]
    assert DataValue.objects.get(metric__code="HS_TT").value == 13


def test_a_dry_run_writes_nothing(tmp_path, people, metrics):
    path = write(tmp_path, "a.csv", csv_file(GOOD_ROWS).getvalue())
    out, _err = run("import", path, "--user", "reporter_c1", "--dry-run")
    assert out.startswith("Thử (không ghi gì)") and "2 mới" in out
    assert not DataValue.objects.exists()


def test_errors_go_to_stderr_with_row_and_column_and_nothing_is_written(tmp_path, people,
                                                                       metrics):
    rows = GOOD_ROWS + [["C1", "NOPE", "2024", "1", "", "", ""],
                        ["C1", "TTHC_TT", "2024Q2", "", "60", "50", ""]]
    path = write(tmp_path, "bad.csv", csv_file(rows).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không số liệu nào được ghi: 2 lỗi"):
        call_command("values", "import", path, "--user", "reporter_c1", stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Dòng 4, cột “Mã chỉ tiêu”: Không có chỉ tiêu mã “NOPE”")
    assert lines[1].startswith("Dòng 5, cột “Tử số”")
    assert not DataValue.objects.exists()


def test_a_dhis2_error_names_the_data_value_and_field(tmp_path, people, metrics):
    document = {"orgUnit": "C1", "dataValues": [
        {"dataElement": "HS_TT", "period": "2024W1", "value": "13"}]}
    path = write(tmp_path, "b.json", json.dumps(document).encode())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("values", "import", path, "--user", "reporter_c1", stderr=err)
    assert err.getvalue().startswith("Giá trị thứ 1 (dataValues[0]), trường “period”")


def test_the_users_permissions_apply(tmp_path, people, metrics):
    rows = [["C3", "HS_TT", "2024-01", "12", "", "", ""]]
    path = write(tmp_path, "other.csv", csv_file(rows).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("values", "import", path, "--user", "reporter_c1", stderr=err)
    assert "không có quyền nhập số liệu" in err.getvalue()
    with pytest.raises(CommandError):  # --unit keeps rows inside that unit's subtree
        call_command("values", "import", path, "--user", "admin_p1", "--unit", "P1",
                     stderr=io.StringIO())
    assert not DataValue.objects.exists()


def test_an_unknown_user_or_missing_file_is_an_error(tmp_path, people):
    with pytest.raises(CommandError, match="Không có người dùng “ai”"):
        run("import", str(tmp_path / "x.csv"), "--user", "ai")
    with pytest.raises(CommandError, match="Không mở được tệp"):
        run("import", str(tmp_path / "x.csv"), "--user", "admin_p1")


@pytest.fixture
def some_values(people, metrics):
    admin = people["admin"]
    for unit in ("C1", "C3"):
        services.save_value(metrics["count"], OrgUnit.objects.get(code=unit),
                            Period.objects.for_code("2024-07"), {"value": 5}, user=None)
    services.save_value(metrics["rate"], OrgUnit.objects.get(code="C1"),
                        Period.objects.for_code("2024Q1"), {"numerator": 1, "denominator": 4},
                        user=admin)


def test_export_formats(tmp_path, some_values):
    out, _ = run("export")
    assert out.startswith("\ufeffMã đơn vị") and out.count("\n") == 4
    out, _ = run("export", "--format", "dhis2-json", "--unit", "P1", "--subtree")
    document = json.loads(out)
    assert {v["orgUnit"] for v in document["dataValues"]} == {"C1"}
    assert {v.get("categoryOptionCombo") for v in document["dataValues"]} == {
        None, "TU_SO", "MAU_SO"}
    out, _ = run("export", "--format", "dhis2-csv", "--period", "2024-07")
    assert out.splitlines()[1].startswith("HS_TT,202407,C1,,,5,")
    assert len(out.splitlines()) == 3
    target = tmp_path / "so-lieu.xlsx"
    run("export", "--format", "xlsx", "--metric", "TTHC_TT", "-o", str(target))
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[2]][:3] == ["C1", "Xã Một", "TTHC_TT"]
    with pytest.raises(CommandError, match="--output"):
        run("export", "--format", "xlsx")


def test_export_for_a_user_shows_only_what_they_may_see(some_values):
    out, _ = run("export", "--format", "dhis2-csv", "--user", "reporter_c1")
    assert ",C1," in out and ",C3," not in out
    with pytest.raises(CommandError, match="không được xem"):
        run("export", "--unit", "C3", "--user", "reporter_c1")
