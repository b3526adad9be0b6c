"""Outlier warnings for a value being entered: "confirm and explain", never block.

DHIS2's min–max checks cry wolf on skewed data (a commune's applications jump from 4 to
40 and back). A robust z-score does not: with the median and the median absolute
deviation (MAD) of the comparison values,

    z = 0.6745 · (x − median) / MAD,   flagged when |z| > 3.5   (Iglewicz & Hoaglin)

The value is compared with the unit's own history (earlier periods of the same kind) and
with its peers (units of the same kind under the same parent, same period). When MAD is 0
(more than half the values are equal), the mean absolute deviation stands in
(z = (x − median) / (1.253314 · meanAD)); when that is 0 too, all values were equal and
only a change of more than 10 % of the median is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from chiso.orgs.models import OrgUnit

from .models import DataValue, Metric, Period
from .validation import fmt

THRESHOLD = 3.5
MIN_POINTS = 5  # fewer comparison values say nothing robust
HISTORY_PERIODS = 24
NUMERIC_TYPES = {Metric.ValueType.NUMBER, Metric.ValueType.COUNT, Metric.ValueType.PERCENTAGE}


@dataclass(frozen=True)
class OutlierWarning:
    basis: str  # "history" or "peers"
    z: float
    median: float
    mad: float
    n: int
    value: float
    message: str

    def __str__(self) -> str:
        return self.message


def robust_z(x: float, sample: np.ndarray) -> tuple[float, float, float]:
    """(z, median, MAD) of x against the sample; z is ±inf when all values are equal and
    x differs from them by more than 10 % of the median, 0 when it does not."""
    median = float(np.median(sample))
    mad = float(np.median(np.abs(sample - median)))
    if mad > 0:
        return 0.6745 * (x - median) / mad, median, mad
    mean_ad = float(np.mean(np.abs(sample - median)))
    if mean_ad > 0:
        return (x - median) / (1.253314 * mean_ad), median, mad
    if abs(x - median) > 0.1 * max(abs(median), 1e-9):
        return (np.inf if x > median else -np.inf), median, mad
    return 0.0, median, mad


def _num(x: float) -> str:
    return fmt(Decimal(str(round(x, 2))).normalize())


def check(x: float, sample: list[float] | np.ndarray, *, basis: str, context: str) -> OutlierWarning | None:
    data = np.asarray(sample, dtype=float)
    data = data[np.isfinite(data)]
    if len(data) < MIN_POINTS:
        return None
    z, median, mad = robust_z(x, data)
    if abs(z) <= THRESHOLD:
        return None
    word = "cao" if x > median else "thấp"
    message = f"{word} bất thường so với {context}: trung vị {_num(median)}, giá trị {_num(x)}"
    return OutlierWarning(basis=basis, z=float(z), median=median, mad=mad, n=len(data),
                          value=x, message=message)


def outlier_check(metric: Metric, unit: OrgUnit, period: Period, value) -> list[OutlierWarning]:
    """Warnings for `value` of `metric` at `unit` in `period` (empty if it looks ordinary).

    Messages read like "cao bất thường so với 12 kỳ trước của đơn vị: trung vị 40,
    giá trị 400".
    """
    if value is None or metric.value_type not in NUMERIC_TYPES:
        return []
    x = float(value)
    warnings = []
    history = list(
        DataValue.objects.filter(metric=metric, unit=unit, period__kind=period.kind,
                                 period__start__lt=period.start, value__isnull=False)
        .order_by("-period__start").values_list("value", flat=True)[:HISTORY_PERIODS])
    found = check(x, [float(v) for v in history], basis="history",
                  context=f"{len(history)} kỳ trước của đơn vị")
    if found:
        warnings.append(found)
    if unit.parent_id:
        peers = list(
            DataValue.objects.filter(metric=metric, period=period, unit__parent_id=unit.parent_id,
                                     unit__kind=unit.kind, value__isnull=False)
            .exclude(unit=unit).values_list("value", flat=True))
        parent_name = OrgUnit.objects.filter(pk=unit.parent_id).values_list("name", flat=True).first()
        found = check(x, [float(v) for v in peers], basis="peers",
                      context=f"{len(peers)} đơn vị cùng loại thuộc {parent_name}, cùng kỳ")
        if found:
            warnings.append(found)
    return warnings
