"""Checks of one value against its metric, with messages in Vietnamese naming the field.

Pure functions over a `Metric` and a dict, so entry forms can show the same messages
inline (htmx) that the services raise when saving. `clean()` returns the normalised fields
that are stored; `validate()` only the issues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from chiso.lib.formatting import format_number, parse_number

from .models import Metric

FIELD_LABELS = {
    "value": "Giá trị",
    "numerator": "Tử số",
    "denominator": "Mẫu số",
    "text": "Nội dung",
    "comment": "Ghi chú",
}
YES = {"1", "1.0", "1.000000", "true", "có", "co", "yes", "x", "đạt"}
NO = {"0", "0.0", "0.000000", "false", "không", "khong", "no", "chưa", "chua"}
HUNDRED = Decimal(100)
# Digits with at most one decimal comma and no thousands separator: `-12`, `12,5`.
_PLAIN = re.compile(r"-?[0-9]{1,30}(?:,[0-9]{1,30})?\Z")


@dataclass(frozen=True)
class Issue:
    field: str  # value, numerator, denominator, text
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return self.message


def fmt(x: Decimal) -> str:
    """`45`, `1.234,5`: Vietnamese notation, as many decimals as the number has."""
    x = Decimal(str(x)).normalize()
    exponent = x.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_number(x, min(decimals, 6), lang="vi")


def _decimal(raw: object) -> Decimal | None:
    """Decimal from a Decimal/int/float, or from text: `1.234,5` (Vietnamese) or `1234.5`."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return Decimal(int(raw))
    if isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int | float):
        number = Decimal(str(raw))
    elif isinstance(raw, str) and _PLAIN.match(raw):
        # Most cells of an import ("45", "1250", "12,5") read the same either way: no need
        # for the full Vietnamese/machine parsing below (a large file has 100,000 of them).
        number = Decimal(raw.replace(",", "."))
    else:
        text = str(raw).strip()
        if not text:
            return None
        # Text typed by a person is read the Vietnamese way first ("1.000" is a thousand);
        # what that cannot read ("1234.5", "1e3") falls back to the machine notation.
        try:
            number = parse_number(text, lang="vi")
        except ValueError as err:
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise err from None
    if not number.is_finite():
        raise ValueError(f"“{raw}” không phải là số hợp lệ.")
    return number


def clean(metric: Metric, data: dict) -> tuple[dict, list[Issue]]:
    """Normalise `data` for `metric`; return (fields to store, issues)."""
    issues: list[Issue] = []
    out: dict = {"value": None, "numerator": None, "denominator": None, "text": "",
                 "comment": str(data.get("comment") or "").strip()}
    numbers: dict[str, Decimal | None] = {"value": None}
    T = Metric.ValueType
    kind = metric.value_type
    # A yes/no answer or a choice code in `value` is read below, not as a number.
    numeric = ("numerator", "denominator") if kind in (T.YES_NO, T.CHOICE, T.TEXT) else (
        "value", "numerator", "denominator")
    for field in numeric:
        try:
            numbers[field] = _decimal(data.get(field))
        except ValueError as err:
            numbers[field] = None
            issues.append(Issue(field, f"{FIELD_LABELS[field]}: {err}", "type"))
    if issues:
        return out, issues
    text = str(data.get("text") or "").strip()

    if kind != T.PERCENTAGE:
        for field in ("numerator", "denominator"):
            if numbers[field] is not None:
                issues.append(Issue(field, f"{FIELD_LABELS[field]}: chỉ tiêu “{metric.name}” "
                                           "không dùng tử số, mẫu số.", "coherence"))

    if kind == T.PERCENTAGE:
        num, den = numbers["numerator"], numbers["denominator"]
        if num is None:
            issues.append(Issue("numerator", "Tử số: chưa nhập.", "required"))
        if den is None:
            issues.append(Issue("denominator", "Mẫu số: chưa nhập.", "required"))
        if num is not None and num < 0:
            issues.append(Issue("numerator", f"Tử số ({fmt(num)}) không được âm.", "range"))
        if den is not None and den <= 0:
            issues.append(Issue("denominator", f"Mẫu số ({fmt(den)}) phải lớn hơn 0.", "range"))
        if num is not None and den is not None and den > 0 and num > den:
            issues.append(Issue("numerator", f"Tử số ({fmt(num)}) lớn hơn mẫu số ({fmt(den)}).",
                                "numerator_gt_denominator"))
        if num is not None and den is not None and 0 <= num <= den and den > 0:
            out["numerator"], out["denominator"] = num, den
            out["value"] = (HUNDRED * num / den).quantize(Decimal("0.000001"))
            given = numbers["value"]
            # A caller that also sends the rate must agree with its parts (to 0,1 point).
            if given is not None and abs(given - out["value"]) > Decimal("0.1"):
                issues.append(Issue("value", f"Giá trị ({fmt(given)} %) không khớp với tử số / "
                                             f"mẫu số ({fmt(out['value'].normalize())} %).",
                                    "coherence"))
    elif kind == T.YES_NO:
        raw = data.get("value")
        word = str(raw).strip().lower() if raw is not None else ""
        if isinstance(raw, bool):
            word = "1" if raw else "0"
        if word in YES:
            out["value"] = Decimal(1)
        elif word in NO:
            out["value"] = Decimal(0)
        elif word == "":
            issues.append(Issue("value", "Giá trị: chưa chọn Có hoặc Không.", "required"))
        else:
            issues.append(Issue("value", f"Giá trị “{raw}” không hợp lệ: chỉ nhận Có hoặc Không.",
                                "type"))
        if text:
            issues.append(Issue("text", "Nội dung: chỉ tiêu Có/Không không nhận nội dung văn bản.",
                                "coherence"))
    elif kind == T.CHOICE:
        codes = [str(c.get("code")) for c in metric.choices or []]
        if not text:
            issues.append(Issue("text", "Mức lựa chọn: chưa chọn.", "required"))
        elif text not in codes:
            allowed = ", ".join(f"{c} ({metric.choice_label(c)})" for c in codes)
            issues.append(Issue("text", f"Mức lựa chọn “{text}” không có trong danh sách: {allowed}.",
                                "choice"))
        else:
            out["text"] = text
            # A choice may carry a numeric level ({"code": "3", "label": "…", "value": 3}).
            level = next((c.get("value") for c in metric.choices if str(c.get("code")) == text),
                         None)
            out["value"] = _decimal(level) if level is not None else None
    elif kind == T.TEXT:
        if not text:
            issues.append(Issue("text", "Nội dung: chưa nhập.", "required"))
        out["text"] = text
    else:  # number, count
        value = numbers["value"]
        if value is None:
            issues.append(Issue("value", "Giá trị: chưa nhập.", "required"))
        elif kind == T.COUNT and (value != value.to_integral_value() or value < 0):
            issues.append(Issue("value", f"Giá trị ({fmt(value)}) phải là số nguyên không âm.",
                                "type"))
        out["value"] = value

    value = out["value"]
    if value is not None and kind in (T.NUMBER, T.COUNT, T.PERCENTAGE):
        unit = " %" if kind == T.PERCENTAGE else ""
        if metric.min_value is not None and value < metric.min_value:
            issues.append(Issue("value", f"Giá trị ({fmt(value.normalize())}{unit}) nhỏ hơn mức "
                                         f"tối thiểu cho phép ({fmt(metric.min_value)}{unit}).",
                                "range"))
        if metric.max_value is not None and value > metric.max_value:
            issues.append(Issue("value", f"Giá trị ({fmt(value.normalize())}{unit}) lớn hơn mức "
                                         f"tối đa cho phép ({fmt(metric.max_value)}{unit}).",
                                "range"))
    return out, issues


def validate(metric: Metric, data: dict) -> list[Issue]:
    """Every problem of `data` for `metric`; empty when it may be saved."""
    return clean(metric, data)[1]
