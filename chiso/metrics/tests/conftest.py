"""Fixtures for the metrics tests: a few metrics of each value type on top of `tree`."""

from __future__ import annotations

import pytest

from chiso.metrics.models import Metric, Period
from chiso.orgs.models import OrgUnit

K = OrgUnit.Kind
LOCAL = [K.COMMUNE, K.WARD, K.DEPARTMENT]


@pytest.fixture
def metrics(db):
    T, R, TR = Metric.ValueType, Metric.Rollup, Metric.TimeRollup
    return {
        "rate": Metric.objects.create(
            code="TTHC_TT", name="Tỷ lệ hồ sơ TTHC xử lý trực tuyến", value_type=T.PERCENTAGE,
            unit_of_measure="%", rollup=R.RATIO, time_rollup=TR.RATIO, frequency="quarter",
            min_value=0, max_value=100, decimals=1, reporting_kinds=LOCAL,
            numerator_label="Số hồ sơ xử lý trực tuyến", denominator_label="Tổng số hồ sơ"),
        "count": Metric.objects.create(
            code="HS_TT", name="Số hồ sơ trực tuyến", value_type=T.COUNT, rollup=R.SUM,
            time_rollup=TR.SUM, frequency="month", min_value=0, reporting_kinds=LOCAL),
        "number": Metric.objects.create(
            code="CHI_CDS", name="Chi cho chuyển đổi số", value_type=T.NUMBER, rollup=R.SUM,
            time_rollup=TR.SUM, frequency="year", min_value=0, max_value=1000,
            reporting_kinds=LOCAL, unit_of_measure="triệu đồng"),
        "yes_no": Metric.objects.create(
            code="CO_CONG", name="Có cổng thông tin điện tử", value_type=T.YES_NO,
            rollup=R.SUM, time_rollup=TR.LATEST, reporting_kinds=LOCAL),
        "choice": Metric.objects.create(
            code="MUC_DO", name="Mức độ sẵn sàng", value_type=T.CHOICE, rollup=R.NONE,
            time_rollup=TR.LATEST, reporting_kinds=LOCAL,
            choices=[{"code": "A", "label": "Cao", "value": 3}, {"code": "B", "label": "Trung bình"},
                     {"code": "C", "label": "Thấp"}]),
        "text": Metric.objects.create(
            code="GHI_CHU", name="Mô tả nền tảng", value_type=T.TEXT, rollup=R.NONE,
            time_rollup=TR.NONE, reporting_kinds=LOCAL),
    }


@pytest.fixture
def q1(db):
    return Period.objects.for_code("2024Q1")
