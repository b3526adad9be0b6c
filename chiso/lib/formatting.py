"""Number, percentage and date formatting for Vietnamese (and English) pages.

Vietnamese official documents write `1.234,5` (dot for thousands, comma for decimals),
`93,4 %` and `08/02/2023`. These helpers are plain functions (no Django needed) so that
reports, exports and templates format the same way. `lang` defaults to the active
Django language when Django is configured, else Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)
MISSING = "–"


def _active_lang(lang: str | None) -> str:
    if lang:
        return "en" if lang.lower().startswith("en") else "vi"
    try:
        from django.utils.translation import get_language

        current = get_language() or "vi"
    except Exception:  # Django not configured: the engine's CLI, scripts
        current = "vi"
    return "en" if current.lower().startswith("en") else "vi"


def _to_decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    try:
        # str() keeps the shortest repr of a float, so 0.935 rounds to 0,94 (half up)
        # as a person would, not to 0,93 as the binary value 0.93499999… would.
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value: object, decimals: int = 0, lang: str | None = None,
                  strip_zeros: bool = False) -> str:
    """`1234.5` → `1.234,5` (vi) or `1,234.5` (en); half-up rounding; `–` if missing.

    strip_zeros drops trailing zeros of the decimals (`12,50` → `12,5`, `12,00` → `12`).
    """
    number = _to_decimal(value)
    if number is None:
        return MISSING
    thousands, decimal_sep = SEPARATORS[_active_lang(lang)]
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    negative = number < 0
    text = f"{abs(number):.{decimals}f}"
    integer, _, fraction = text.partition(".")
    if strip_zeros:
        fraction = fraction.rstrip("0")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    out = thousands.join(groups)
    if fraction:
        out = f"{out}{decimal_sep}{fraction}"
    if negative and number != 0:  # no "-0" after rounding a tiny negative
        out = "-" + out
    return out


def format_percent(value: object, decimals: int = 1, lang: str | None = None,
                   ratio: bool = False) -> str:
    """`93.4` → `93,4 %` (vi) / `93.4%` (en). With ratio=True, `0.934` → `93,4 %`."""
    number = _to_decimal(value)
    if number is None:
        return MISSING
    if ratio:
        number *= 100
    text = format_number(number, decimals, lang)
    # Vietnamese typography puts a (non-breaking) space before %; English does not.
    return f"{text}\u00a0%" if _active_lang(lang) == "vi" else f"{text}%"


def format_score(value: object, lang: str | None = None) -> str:
    """Index values as published by the DTI: 4 decimals, `0,7024`."""
    return format_number(value, 4, lang)


def format_date(value: dt.date | dt.datetime | None) -> str:
    """`dd/mm/yyyy`, the order used in Vietnamese documents (in both languages)."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime | None) -> str:
    """`HH:MM dd/mm/yyyy` in local time when Django is configured."""
    if value is None:
        return MISSING
    try:
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
    except Exception:
        pass
    return value.strftime("%H:%M %d/%m/%Y")


def parse_number(text: str, lang: str | None = None) -> Decimal:
    """Read a number typed by a person: `1.234,5` (vi) or `1,234.5` (en).

    Raises ValueError with a Vietnamese message for anything else, so a form or an
    import can name the field.
    """
    raw = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if raw.endswith("%"):
        raw = raw[:-1]
    if not raw:
        raise ValueError("Giá trị trống, cần một số.")
    thousands, decimal_sep = SEPARATORS[_active_lang(lang)]
    if raw.count(decimal_sep) > 1:
        raise ValueError(f"“{text}” không phải là số hợp lệ (nhiều dấu thập phân).")
    integer, _, fraction = raw.partition(decimal_sep)
    if thousands in integer:
        parts = integer.lstrip("-+").split(thousands)
        if any(len(p) != 3 for p in parts[1:]) or not parts[0]:
            raise ValueError(f"“{text}” không phải là số hợp lệ (sai vị trí dấu phân cách hàng nghìn).")
        integer = integer.replace(thousands, "")
    candidate = integer + ("." + fraction if fraction else "")
    try:
        number = Decimal(candidate)
    except InvalidOperation:
        raise ValueError(f"“{text}” không phải là số hợp lệ.") from None
    if not number.is_finite():
        raise ValueError(f"“{text}” không phải là số hợp lệ.")
    return number
