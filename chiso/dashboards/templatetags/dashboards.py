"""`{% chart chart title %}`: an ECharts chart and the table of the same numbers.

The chart's data goes to the page as JSON (read by static/chiso/dashboards/charts.js);
the table is rendered here with the Vietnamese number format, so that what a screen
reader, a printout or a test reads is exactly what the chart draws.
"""

from __future__ import annotations

import secrets

from django import template

from chiso.lib.formatting import format_number, format_percent, format_score

register = template.Library()


def fmt(value, unit: str) -> str:
    if unit == "percent":
        return format_percent(value, 1)
    if unit == "score":
        return format_score(value)
    if unit == "rank":
        return format_number(value, 0)
    return format_number(value, 0 if unit == "count" else 2, strip_zeros=True)


def table_of(chart: dict) -> dict:
    """{head: [...], rows: [[label, cell, …]]} for any chart kind."""
    unit = chart.get("unit", "")
    if chart["kind"] == "heatmap":
        grid = {(x, y): v for x, y, v in chart["cells"]}
        head = [""] + list(chart.get("x_names") or chart["x"])
        rows = [[name] + [fmt(grid.get((x, y)), unit) for x in range(len(chart["x"]))]
                for y, name in enumerate(chart["y"])]
        return {"head": head, "rows": rows}
    labels = chart.get("names") or chart["categories"]
    head = [""] + [s["name"] for s in chart["series"]]
    rows = [[label] + [fmt(s["data"][i], s.get("unit", unit)) for s in chart["series"]]
            for i, label in enumerate(labels)]
    return {"head": head, "rows": rows}


@register.inclusion_tag("dashboards/_chart.html")
def chart(data: dict, title: str = "", height: str = ""):
    n = secrets.token_hex(4)  # unique across processes: a refetched panel may come from another
    return {"chart": data, "title": title, "table": table_of(data),
            "id": f"chart-{n}", "data_id": f"chart-{n}-data", "height": height,
            "empty": not any(s.get("data") for s in data.get("series", []))
            and not data.get("cells")}
