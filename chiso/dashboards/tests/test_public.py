"""The public dashboard: no login, published figures only, open data equal to the page,
cache-friendly."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import timezone

from chiso.assessments.models import Assessment
from chiso.dashboards import public

pytestmark = pytest.mark.django_db


def test_anyone_opens_it_and_sees_the_official_results(client, dti):
    response = client.get("/cong-khai/P1/")
    assert response.status_code == 200
    assert response.context["official"][-1]["value"] == 0.62
    assert "/cong-khai/P1/du-lieu.csv" in response.content.decode()


def test_a_provisional_or_internal_assessment_is_never_public(client, dti):
    data = public.rows(dti["local"].owner)
    assert {r["source"] for r in data} == {"official"}
    body = client.get("/cong-khai/P1/").content.decode()
    assert "Đánh giá CĐS cấp xã 2025" not in body
    # Published but kept for the owner: still not public.
    Assessment.objects.filter(pk=dti["local"].pk).update(state="published")
    assert {r["source"] for r in public.rows(dti["local"].owner)} == {"official"}
    Assessment.objects.filter(pk=dti["local"].pk).update(visibility="public")
    rows = [r for r in public.rows(dti["local"].owner) if r["source"] == "assessment"]
    assert {(r["unit_code"], r["node"], r["value"]) for r in rows if r["node"] == "DTI"} == \
        {("C1", "DTI", 0.70), ("C2", "DTI", 0.82), ("A1", "DTI", 0.40)}


def test_the_nation_publishes_its_provinces_ranking(client, dti):
    response = client.get("/cong-khai/VN/")
    (a,) = response.context["assessments"]
    assert [(r["unit_code"], r["rank"]) for r in a["rows"]] == [("P1", 1), ("P2", 2)]
    assert a["chart"]["series"][0]["data"] == [0.6512, 0.502]


def test_downloads_hold_the_same_figures_as_the_page(client, dti):
    expected = public.rows(dti["national"].owner)
    body = json.loads(client.get("/cong-khai/VN/du-lieu.json").content)
    assert body["rows"] == expected
    text = client.get("/cong-khai/VN/du-lieu.csv").content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][0] == "Nguồn" and len(table) == len(expected) + 1
    p1_total = next(row for row in table[1:] if row[3] == "P1" and row[5] == "DTI")
    assert p1_total[7] == "0,6512" and p1_total[8] == "1"


def test_an_unknown_format_or_unit_is_not_found(client, dti):
    assert client.get("/cong-khai/VN/du-lieu.xml").status_code == 404
    assert client.get("/cong-khai/KHONG-CO/").status_code == 404


def test_responses_are_cacheable_and_revalidate(client, dti):
    first = client.get("/cong-khai/VN/du-lieu.json")
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/cong-khai/VN/du-lieu.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    page = client.get("/cong-khai/VN/")
    assert client.get("/cong-khai/VN/", HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304
    # A new publication changes the validators.
    before = client.get("/cong-khai/P1/")["ETag"]
    assert client.get("/cong-khai/P1/", HTTP_IF_NONE_MATCH=before).status_code == 304
    Assessment.objects.filter(pk=dti["local"].pk).update(
        state="published", visibility="public", published_at=timezone.now())
    assert client.get("/cong-khai/P1/", HTTP_IF_NONE_MATCH=before).status_code == 200
