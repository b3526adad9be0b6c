"""Period codes: parsing, dates, containment, and the Vietnamese error for bad codes."""

import datetime as dt

import pytest

from chiso.metrics import periods as P
from chiso.metrics.models import Period


@pytest.mark.parametrize("code,kind,start,end", [
    ("2024", "year", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("2024S1", "half", dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
    ("2024S2", "half", dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
    ("2024Q3", "quarter", dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
    ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2023-02", "month", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
    (" 2024q4 ", "quarter", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
])
def test_it_parses_every_kind(code, kind, start, end):
    p = P.parse(code)
    assert (p.kind, p.start, p.end) == (kind, start, end)
    assert P.parse(p.code) == p


@pytest.mark.parametrize("code", ["", "24", "2024Q5", "2024S3", "2024-13", "2024-7", "2024M07",
                                  "abcd", "1800", "2024Q0"])
def test_it_rejects_bad_codes_in_vietnamese(code):
    with pytest.raises(P.PeriodError) as err:
        P.parse(code)
    assert "không hợp lệ" in str(err.value) or "ngoài khoảng" in str(err.value)


def test_a_quarter_lies_in_its_year_and_half_but_not_the_next_year():
    q3 = P.parse("2024Q3")
    assert P.parse("2024").contains(q3)
    assert P.parse("2024S2").contains(q3)
    assert not P.parse("2024S1").contains(q3)
    assert not P.parse("2025").contains(q3)
    assert q3.contains(P.parse("2024-08")) and not q3.contains(P.parse("2024-10"))
    assert not q3.contains(P.parse("2024"))


def test_sub_periods_containing_and_previous():
    assert [p.code for p in P.sub_periods(P.parse("2024S2"), "quarter")] == ["2024Q3", "2024Q4"]
    assert len(P.sub_periods(P.parse("2024"), "month")) == 12
    assert P.sub_periods(P.parse("2024Q1"), "year") == []
    assert P.containing(P.parse("2024-08"), "quarter").code == "2024Q3"
    assert P.previous(P.parse("2024Q1")).code == "2023Q4"
    assert P.previous(P.parse("2024-01"), 13).code == "2022-12"


def test_for_code_creates_once_and_keeps_dates(db):
    a = Period.objects.for_code("2024Q3")
    b = Period.objects.for_code("2024q3")
    assert a.pk == b.pk and Period.objects.count() == 1
    assert (a.start, a.end, a.kind) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30), "quarter")
    assert str(a.label) == "Quý III/2024"
    year = Period.objects.for_code("2024")
    assert year.contains(a) and not a.contains(year)
    assert [p.code for p in year.sub_periods("quarter")] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]


def test_for_code_refuses_a_bad_code_with_a_clear_message(db):
    with pytest.raises(ValueError, match="Mã kỳ “2024Q9” không hợp lệ"):
        Period.objects.for_code("2024Q9")
    assert Period.objects.count() == 0
