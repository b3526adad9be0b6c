"""Values exported as DHIS2 JSON or CSV import back unchanged (0 created, 0 updated), and
the files have DHIS2's shape: codes, `202407` months, TU_SO / MAU_SO halves, true/false."""

import io
import json
from decimal import Decimal

import pytest

from chiso.metrics import dhis2, export, intake, services
from chiso.metrics.models import DataValue, Metric, Period
from chiso.orgs.models import OrgUnit


@pytest.fixture
def stored(people, metrics):
    Metric.objects.filter(pk=metrics["number"].pk).update(min_value=-1000)
    metrics["number"].refresh_from_db()
    user = people["admin"]
    rows = [
        ("rate", "C1", "2024Q1", {"numerator": 45, "denominator": 50, "comment": "Quý I"}),
        ("rate", "C2", "2024Q1", {"numerator": Decimal("0.5"), "denominator": 3}),
        ("count", "C1", "2024-07", {"value": 1234}),
        ("number", "C1", "2024", {"value": Decimal("-1.234"), "comment": "=HYPERLINK(\"x\")"}),
        ("yes_no", "C1", "2024", {"value": "Không"}),
        ("choice", "C1", "2024", {"text": "A"}),
        ("text", "C1", "2024", {"text": "+84 tổng đài, 1.2.3"}),
        ("text", "C2", "2024", {"text": "007"}),
    ]
    for key, unit, period, data in rows:
        services.save_value(metrics[key], OrgUnit.objects.get(code=unit),
                            Period.objects.for_code(period), data, user=user)
    return DataValue.objects.count()


def snapshot():
    return sorted((dv.metric.code, dv.unit.code, dv.period.code, dv.value, dv.numerator,
                   dv.denominator, dv.text, dv.comment, dv.version)
                  for dv in DataValue.objects.select_related("metric", "unit", "period"))


def all_values():
    return export.values_for(OrgUnit.objects.all())


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_imports_back_unchanged(people, stored, fmt):
    before = snapshot()
    chunks = export.dhis2_json_chunks if fmt == "json" else export.dhis2_csv_lines
    content = "".join(chunks(all_values())).encode()
    result = intake.import_file(io.BytesIO(content), f"x.{fmt}", user=people["admin"])
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 0, stored)
    assert snapshot() == before


def test_the_json_export_has_dhis2_shape(people, stored):
    document = json.loads("".join(export.dhis2_json_chunks(all_values())))
    items = {(v["dataElement"], v["orgUnit"], v["period"], v.get("categoryOptionCombo")): v
             for v in document["dataValues"]}
    assert len(document["dataValues"]) == stored + 2  # the two rates travel as two halves
    assert items[("TTHC_TT", "C1", "2024Q1", "TU_SO")]["value"] == "45"
    assert items[("TTHC_TT", "C1", "2024Q1", "MAU_SO")]["value"] == "50"
    month = items[("HS_TT", "C1", "202407", None)]
    assert month["value"] == "1234" and month["storedBy"] == "admin_p1"
    assert month["lastUpdated"].startswith("20") and "T" in month["lastUpdated"]
    assert items[("CO_CONG", "C1", "2024", None)]["value"] == "false"
    assert items[("MUC_DO", "C1", "2024", None)]["value"] == "A"
    assert items[("CHI_CDS", "C1", "2024", None)]["value"] == "-1.234"
    # JSON is not a spreadsheet: text goes out as it is.
    assert items[("CHI_CDS", "C1", "2024", None)]["comment"] == "=HYPERLINK(\"x\")"


def test_the_csv_export_neutralises_formulas_but_not_numbers(people, stored):
    lines = list(export.dhis2_csv_lines(all_values()))
    assert lines[0].strip() == ",".join(dhis2.CSV_COLUMNS)
    text = "".join(lines)
    assert "'=HYPERLINK" in text and "'+84 tổng đài" in text
    assert ",-1.234," in text  # a negative number stays a number
    assert "TTHC_TT,2024Q1,C1,TU_SO,,45," in text
