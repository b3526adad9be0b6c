"""Dates typed by people: dd/mm/yyyy, or ISO from a date input; a clear message otherwise."""

import datetime as dt

import pytest

from chiso.lib.dates import parse_date


@pytest.mark.parametrize("text, day", [
    ("08/02/2023", dt.date(2023, 2, 8)),
    (" 8/2/2023 ", dt.date(2023, 2, 8)),
    ("2023-02-08", dt.date(2023, 2, 8)),
    ("", None),
    (None, None),
])
def test_vietnamese_and_iso_dates_are_read(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["8/2/23x", "31/02/2023", "02/08", "hôm qua", "2023-13-01"])
def test_a_bad_date_is_refused_quoting_what_was_typed(text):
    with pytest.raises(ValueError, match=f"Ngày “{text}” không đúng dạng dd/mm/yyyy"):
        parse_date(text)
