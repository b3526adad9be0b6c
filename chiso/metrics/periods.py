"""Period codes, parsed without Django: `2024` (year), `2024S1` (half), `2024Q3` (quarter),
`2024-07` (month).

Periods nest: a month lies in its quarter, half and year. Containment is decided from the
dates alone (start/end), so it also holds between kinds that are not adjacent (a month in
a year). The roll-up uses `sub_periods` to find the months or quarters of a year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

YEAR, HALF, QUARTER, MONTH = "year", "half", "quarter", "month"
KINDS = (YEAR, HALF, QUARTER, MONTH)
# How many periods of each kind a year holds (and the size, in months, of one).
PER_YEAR = {YEAR: 1, HALF: 2, QUARTER: 4, MONTH: 12}
MONTHS = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}
MIN_YEAR, MAX_YEAR = 1990, 2100

_PATTERNS = [
    (re.compile(r"^(\d{4})$"), YEAR),
    (re.compile(r"^(\d{4})S([12])$"), HALF),
    (re.compile(r"^(\d{4})Q([1-4])$"), QUARTER),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), MONTH),
]


class PeriodError(ValueError):
    """A period code that cannot be read; the message is Vietnamese and names the code."""


@dataclass(frozen=True, order=True)
class ParsedPeriod:
    start: dt.date
    end: dt.date
    kind: str
    year: int
    number: int  # 1 for a year; 1–2 half; 1–4 quarter; 1–12 month

    @property
    def code(self) -> str:
        return make_code(self.kind, self.year, self.number)

    def contains(self, other: ParsedPeriod) -> bool:
        """True if `other` lies within this period (a period contains itself)."""
        return self.start <= other.start and other.end <= self.end


def make_code(kind: str, year: int, number: int = 1) -> str:
    if kind == YEAR:
        return f"{year}"
    if kind == HALF:
        return f"{year}S{number}"
    if kind == QUARTER:
        return f"{year}Q{number}"
    if kind == MONTH:
        return f"{year}-{number:02d}"
    raise PeriodError(f"Loại kỳ “{kind}” không hợp lệ.")


def build(kind: str, year: int, number: int = 1) -> ParsedPeriod:
    if kind not in KINDS:
        raise PeriodError(f"Loại kỳ “{kind}” không hợp lệ (năm, nửa năm, quý hoặc tháng).")
    if not (1 <= number <= PER_YEAR[kind]):
        raise PeriodError(f"Kỳ số {number} không hợp lệ cho loại kỳ “{kind}”.")
    if not (MIN_YEAR <= year <= MAX_YEAR):
        raise PeriodError(f"Năm {year} nằm ngoài khoảng cho phép ({MIN_YEAR}–{MAX_YEAR}).")
    size = MONTHS[kind]
    first_month = (number - 1) * size + 1
    last_month = first_month + size - 1
    start = dt.date(year, first_month, 1)
    end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    return ParsedPeriod(start=start, end=end, kind=kind, year=year, number=number)


def parse(code: str) -> ParsedPeriod:
    """`2024Q3` → ParsedPeriod(kind="quarter", year=2024, number=3, 01/07/2024–30/09/2024)."""
    text = (code or "").strip().upper()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if match:
            year = int(match.group(1))
            number = int(match.group(2)) if match.lastindex and match.lastindex > 1 else 1
            return build(kind, year, number)
    raise PeriodError(
        f"Mã kỳ “{code}” không hợp lệ. Dùng một trong các dạng: 2024 (năm), 2024S1 (6 tháng), "
        "2024Q3 (quý), 2024-07 (tháng).")


def sub_periods(period: ParsedPeriod, kind: str) -> list[ParsedPeriod]:
    """The periods of `kind` inside `period`, in order (empty if `kind` is coarser)."""
    if MONTHS[kind] > MONTHS[period.kind]:
        return []
    per = MONTHS[kind]
    first = (period.start.month - 1) // per + 1
    count = MONTHS[period.kind] // per
    return [build(kind, period.year, first + i) for i in range(count)]


def containing(period: ParsedPeriod, kind: str) -> ParsedPeriod:
    """The period of `kind` that contains `period` (e.g. the year of a quarter)."""
    if MONTHS[kind] < MONTHS[period.kind]:
        raise PeriodError(f"Kỳ {period.code} không nằm trong một kỳ loại “{kind}”.")
    return build(kind, period.year, (period.start.month - 1) // MONTHS[kind] + 1)


def previous(period: ParsedPeriod, steps: int = 1) -> ParsedPeriod:
    """The period `steps` before this one, of the same kind (2024Q1 → 2023Q4)."""
    index = period.year * PER_YEAR[period.kind] + (period.number - 1) - steps
    year, number = divmod(index, PER_YEAR[period.kind])
    return build(period.kind, year, number + 1)
