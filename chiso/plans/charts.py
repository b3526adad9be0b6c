"""The data behind a target's chart (drawn by static/plans/target_chart.js with ECharts):
the accepted values, the plan's steps, and the Theil–Sen projection with its interval."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Target
from .status import TargetResult


def _r(v: float) -> float:
    return round(float(v), 4)


def target_chart(target: Target, result: TargetResult) -> dict | None:
    metric = target.metric
    if metric is None:
        return None
    lines = []
    for line in result.lines:
        points = line.points
        fc = line.projection
        projection = None
        if fc is not None:
            last_x = max(fc.xs)
            projection = {"from": [_r(last_x), _r(fc.predict(last_x))], "to": [_r(fc.at), _r(fc.value)],
                          "low": None if fc.low is None else _r(fc.low),
                          "high": None if fc.high is None else _r(fc.high),
                          "level": round(fc.level * 100)}
        lines.append({
            "name": line.level_label or metric.name,
            "points": [[_r(x), _r(y)] for x, y in points],
            "goals": [[year + 0.999, _r(v)] for year, v in sorted(line.steps.items())],
            "projection": projection,
        })
    return {
        "percent": metric.is_percentage, "unit": metric.unit_of_measure,
        "inverse": target.comparison == Target.Comparison.TOP_N,
        "lines": lines,
        "labels": {"values": _("Số liệu đã chấp nhận"), "goals": _("Mục tiêu theo năm"),
                   "projection": _("Dự báo (Theil–Sen)"), "interval": _("Khoảng dự báo"),
                   "year": "", "yearEnd": _("hết")},
    }
