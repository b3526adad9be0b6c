import datetime as dt
from decimal import Decimal

import pytest

from chiso.lib.formatting import (
    format_date,
    format_number,
    format_percent,
    format_score,
    parse_number,
)


def test_it_formats_vietnamese_numbers():
    assert format_number(1234.5, 1, "vi") == "1.234,5"
    assert format_number(1234567, 0, "vi") == "1.234.567"
    assert format_number(-1234.5, 2, "vi") == "-1.234,50"
    assert format_number(999, 0, "vi") == "999"
    assert format_number(0.5, 0, "vi") == "1"  # half up, not banker's rounding


def test_it_formats_english_numbers():
    assert format_number(1234.5, 1, "en") == "1,234.5"


def test_it_rounds_decimal_literals_half_up():
    # 0.935 is stored as 0.93499999…; people expect 0,94.
    assert format_number(0.935, 2, "vi") == "0,94"
    assert format_score(0.70245, "vi") == "0,7025"


def test_it_strips_trailing_zeros_on_request():
    assert format_number(12.5, 2, "vi", strip_zeros=True) == "12,5"
    assert format_number(12, 2, "vi", strip_zeros=True) == "12"


def test_it_shows_a_dash_for_missing_values():
    assert format_number(None) == "–"
    assert format_number(float("nan")) == "–"
    assert format_percent(None) == "–"


def test_it_formats_percentages():
    assert format_percent(93.4, 1, "vi") == "93,4\u00a0%"
    assert format_percent(0.934, 1, "vi", ratio=True) == "93,4\u00a0%"
    assert format_percent(93.4, 1, "en") == "93.4%"


def test_it_formats_scores_with_four_decimals():
    assert format_score(0.7024, "vi") == "0,7024"
    assert format_score(0.3426, "en") == "0.3426"


def test_it_formats_dates_day_first():
    assert format_date(dt.date(2023, 2, 8)) == "08/02/2023"
    assert format_date(dt.datetime(2022, 3, 1, 10, 0)) == "01/03/2022"
    assert format_date(None) == "–"


def test_it_parses_numbers_typed_the_vietnamese_way():
    assert parse_number("1.234,5", "vi") == Decimal("1234.5")
    assert parse_number("93,4 %", "vi") == Decimal("93.4")
    assert parse_number("1,234.5", "en") == Decimal("1234.5")
    assert parse_number("-12", "vi") == Decimal("-12")


@pytest.mark.parametrize("bad", ["", "abc", "1,2,3", "12.34", "1.23.4,5", "NaN"])
def test_it_rejects_malformed_numbers_with_a_vietnamese_message(bad):
    with pytest.raises(ValueError) as err:
        parse_number(bad, "vi")
    assert "số" in str(err.value)


def test_a_tiny_negative_does_not_show_minus_zero():
    assert format_number(-0.0004, 2, "vi") == "0,00"
