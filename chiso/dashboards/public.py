"""The public dashboard (no login): only what the province chose to publish.

What counts as published:
- assessments in the "published" state whose visibility is "public" (a provincial DTI of
  its communes and agencies, say): each unit's total and pillar scores and ranks;
- official results already published by the Ministry (`PublishedResult`) for the
  province itself: its DTI and rank over the years.
Nothing else (no figure in review, no provisional score, no assessment kept internal).

The same rows feed the page, the CSV and the JSON downloads, so the open data is exactly
what the page shows. Responses carry an ETag and Last-Modified derived from the latest
publication and `Cache-Control: public, max-age=60`: a proxy or a browser serves repeat
visits, and a conditional request costs one small query.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from chiso.assessments.models import TOTAL_CODE, Assessment, FrameworkNode, PublishedResult, Result
from chiso.orgs.models import OrgUnit

MAX_AGE = 60  # seconds


def public_assessments(unit: OrgUnit):
    return (Assessment.objects.filter(owner__path__startswith=unit.path,
                                      state=Assessment.State.PUBLISHED,
                                      visibility=Assessment.Visibility.PUBLIC)
            .select_related("framework", "owner").order_by("-year", "name"))


def official_results(unit: OrgUnit):
    return (PublishedResult.objects.filter(unit=unit).order_by("year", "node_code"))


def rows(unit: OrgUnit) -> list[dict]:
    """Every published figure for the page and the downloads, in a stable order."""
    out: list[dict] = []
    for r in official_results(unit):
        out.append({"source": "official", "year": r.year, "assessment": r.get_scope_display(),
                    "unit_code": unit.code, "unit_name": unit.name, "node": r.node_code,
                    "node_name": r.node_name or r.node_code, "value": r.value, "rank": r.rank,
                    "rank_of": r.rank_of})
    for a in public_assessments(unit):
        results = (Result.objects.filter(assessment=a, node__kind__in=[
            FrameworkNode.Kind.TOTAL, FrameworkNode.Kind.PILLAR])
            .select_related("unit", "node").order_by("node__order", "rank", "unit__name"))
        n_ranked = {}
        for r in results:
            key = (r.node_id, r.origin)  # scored and merged units are ranked apart
            n_ranked[key] = n_ranked.get(key, 0) + (r.rank is not None)
        for r in results:
            out.append({"source": "assessment", "year": a.year, "assessment": a.name,
                        "unit_code": r.unit.code, "unit_name": r.unit.name,
                        "node": r.node.code, "node_name": r.node.name,
                        "value": r.score, "rank": r.rank, "rank_of": n_ranked[(r.node_id, r.origin)]})
    return out


def last_modified(request: HttpRequest, code: str, fmt: str | None = None) -> dt.datetime | None:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        return None
    latest = public_assessments(unit).aggregate(m=Max("published_at"))["m"]
    count = official_results(unit).count()
    # Official results have no timestamp: a change in their number moves the date too.
    base = latest or timezone.make_aware(dt.datetime(2020, 1, 1))
    return base + dt.timedelta(seconds=count)


def etag(request: HttpRequest, code: str, fmt: str | None = None) -> str | None:
    when = last_modified(request, code, fmt)
    if when is None:
        return None
    lang = getattr(request, "LANGUAGE_CODE", "vi")
    raw = f"{code}|{fmt or 'html'}|{when.isoformat()}|{lang}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _cache(response: HttpResponse, request: HttpRequest, code: str, fmt: str | None = None
           ) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    when = last_modified(request, code, fmt)
    if when is not None:
        response["Last-Modified"] = http_date(when.timestamp())
        response["ETag"] = quote_etag(etag(request, code, fmt))
    response["Vary"] = "Accept-Language, Cookie"
    return response


@condition(etag_func=etag, last_modified_func=last_modified)
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, code=code)
    data = rows(unit)
    official = [r for r in data if r["source"] == "official" and r["node"] == TOTAL_CODE]
    chart = {"kind": "line_rank", "unit": "score",
             "categories": [str(r["year"]) for r in official],
             "series": [{"name": _("Chỉ số DTI"), "data": [r["value"] for r in official]},
                        {"name": _("Xếp hạng"), "data": [r["rank"] for r in official],
                         "unit": "rank"}]}
    assessments = []
    for a in public_assessments(unit):
        mine = [r for r in data if r["source"] == "assessment" and r["assessment"] == a.name
                and r["node"] == TOTAL_CODE and r["year"] == a.year]
        mine.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit_name"]))
        assessments.append({"assessment": a, "rows": mine, "chart": {
            "kind": "ranking", "unit": "score",
            "categories": [r["unit_name"] for r in mine],
            "series": [{"name": _("Chỉ số"), "data": [r["value"] for r in mine]}]}})
    response = render(request, "dashboards/public.html", {
        "unit": unit, "official": official, "official_chart": chart,
        "assessments": assessments, "stream_url": reverse("public_feed", args=[unit.code]),
        "has_data": bool(data)})
    return _cache(response, request, code)


COLUMNS = [("source", "Nguồn"), ("year", "Năm"), ("assessment", "Kỳ đánh giá / phạm vi"),
           ("unit_code", "Mã đơn vị"), ("unit_name", "Tên đơn vị"), ("node", "Mã chỉ số"),
           ("node_name", "Tên chỉ số"), ("value", "Giá trị"), ("rank", "Xếp hạng"),
           ("rank_of", "Trên tổng số")]


def csv_text(data: list[dict]) -> str:
    """UTF-8 CSV with a BOM (Excel shows the diacritics) and decimal commas, as the
    metrics export writes them."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_(label) for _key, label in COLUMNS])
    for r in data:
        writer.writerow(["" if r[k] is None else
                         (str(r[k]).replace(".", ",") if isinstance(r[k], float) else r[k])
                         for k, _label in COLUMNS])
    return "\ufeff" + buf.getvalue()


@condition(etag_func=etag, last_modified_func=last_modified)
def download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, code=code)
    data = rows(unit)
    if fmt == "csv":
        response = HttpResponse(csv_text(data), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        body = {"unit": {"code": unit.code, "name": unit.name},
                "fields": [k for k, _label in COLUMNS], "rows": data}
        response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=1),
                                content_type="application/json; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="chiso-{unit.code}-cong-khai.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: other sites may read it
    return _cache(response, request, code, fmt)

