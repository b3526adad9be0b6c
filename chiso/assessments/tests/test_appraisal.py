"""Appraisal: an appraiser sees and scores only the components assigned to them, a changed
score needs a reason, three scores are kept, and the results are scored again."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chiso.assessments import appraisal, selfassess
from chiso.assessments.models import AppraiserAssignment, ComponentEntry, Result

from .test_entry_support import *  # noqa: F403  (the fixtures)
from .test_entry_support import fill_all, sub_of


@pytest.fixture
def sent(live, people):
    fill_all(live, "C1", people["reporter"])
    return selfassess.send(live, sub_of(live, "C1"), people["reporter"])


def entry(live, node) -> ComponentEntry:
    return ComponentEntry.objects.get(assessment=live, unit__code="C1", node=node)


def total(live) -> float:
    return Result.objects.get(assessment=live, unit__code="C1", node__code="DTI").score


def test_assignment_of_a_main_index_covers_its_components(live, appraiser, nodes, people):
    assert appraisal.assigned_components(appraiser, live) == {nodes["1.1"].pk, nodes["1.2"].pk}
    assert appraisal.assigned_components(people["admin"], live) is None  # the secretariat
    assert appraisal.assigned_components(people["leader"], live) == set()


def test_the_appraiser_page_shows_only_assigned_components(client, live, appraiser, sent):
    client.force_login(appraiser)
    html = client.get(reverse("assessments:appraisal_unit", args=[live.pk, "C1"])).content.decode()
    assert "Tỷ lệ cuộc họp do Chủ tịch chủ trì" in html and "Số lần Ban Chỉ đạo họp" in html
    assert "Trưởng Ban Chỉ đạo" not in html and "Có cổng thông tin điện tử" not in html
    # The unit's whole form is not theirs to read either: it sends them to their page.
    response = client.get(reverse("assessments:selfassess_form", args=[live.pk, "C1"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:appraisal_unit", args=[live.pk, "C1"])


def test_changing_a_score_needs_a_reason(client, live, appraiser, sent, nodes):
    n = nodes["1.1"]
    client.force_login(appraiser)
    url = reverse("assessments:appraisal_save", args=[live.pk, "C1", n.pk])
    html = client.post(url, {"points": "5", "reason": ""}).content.decode()
    assert "cần ghi lý do điều chỉnh" in html
    assert entry(live, n).appraised_points is None
    before = total(live)
    html = client.post(url, {"points": "5", "reason": "Chỉ 2/4 cuộc họp có biên bản"}
                       ).content.decode()
    e = entry(live, n)
    assert (e.self_points, e.appraised_points, e.final_points) == (7.5, 5.0, 5.0)
    assert e.appraisal_reason == "Chỉ 2/4 cuộc họp có biên bản" and e.appraised_by == appraiser
    assert "đã tính lại kết quả" in html
    # The results were scored again by the engine: 2,5 points fewer out of 100.
    assert total(live) == pytest.approx(before - 0.025)


def test_confirming_keeps_the_score_without_a_reason(client, live, appraiser, sent, nodes):
    n = nodes["1.2"]
    client.force_login(appraiser)
    client.post(reverse("assessments:appraisal_save", args=[live.pk, "C1", n.pk]),
                {"points": "", "reason": "", "confirm": "1"})
    e = entry(live, n)
    assert e.appraised_points == 5 and e.final_points == 5 and e.appraisal_reason == ""


def test_points_outside_the_components_range_are_refused(client, live, appraiser, sent, nodes):
    n = nodes["1.1"]
    client.force_login(appraiser)
    html = client.post(reverse("assessments:appraisal_save", args=[live.pk, "C1", n.pk]),
                       {"points": "12", "reason": "thừa"}).content.decode()
    assert "từ 0 đến 10" in html
    assert entry(live, n).appraised_points is None


def test_an_unassigned_component_cannot_be_appraised(client, live, appraiser, sent, nodes):
    n = nodes["2.1"]
    client.force_login(appraiser)
    response = client.post(reverse("assessments:appraisal_save", args=[live.pk, "C1", n.pk]),
                           {"points": "0", "reason": "không có quyết định"})
    assert response.status_code == 403
    assert entry(live, n).appraised_points is None


def test_a_draft_is_not_shown_to_appraisers(client, live, appraiser, people):
    fill_all(live, "C1", people["reporter"])
    client.force_login(appraiser)
    assert client.get(reverse("assessments:appraisal_unit", args=[live.pk, "C1"])).status_code == 403
    assert client.get(reverse("assessments:selfassess_form", args=[live.pk, "C1"])).status_code == 403
    rows = appraisal.queue(appraiser, live)
    assert rows == []


def test_the_queue_counts_progress_on_assigned_components(client, live, appraiser, sent,
                                                          nodes):
    client.force_login(appraiser)
    client.post(reverse("assessments:appraisal_save", args=[live.pk, "C1", nodes["1.1"].pk]),
                {"points": "5", "reason": "Thiếu biên bản"})
    [row] = appraisal.queue(appraiser, live)
    assert (row.sub.unit.code, row.assigned, row.appraised, row.changed) == ("C1", 2, 1, 1)
    html = client.get(reverse("assessments:appraisal_list", args=[live.pk])).content.decode()
    assert "1 / 2" in html


def test_scores_cannot_change_once_accepted(live, appraiser, sent, nodes, people):
    from chiso.rounds import workflow

    workflow.accept(sent, people["admin"])
    with pytest.raises(PermissionDenied):
        appraisal.appraise(live, sub_of(live, "C1"), nodes["1.1"], appraiser, points="1",
                           reason="muộn")


def test_a_unit_correcting_figures_sends_them_back_to_appraisal(client, live, appraiser, sent,
                                                              nodes, people):
    from chiso.rounds import workflow

    from .test_entry_support import post_of

    n = nodes["1.1"]
    appraisal.appraise(live, sent, n, appraiser, points="5", reason="Thiếu biên bản")
    workflow.return_(sub_of(live, "C1"), appraiser, "Bổ sung biên bản")
    e = entry(live, n)
    selfassess.save_component(live, sub_of(live, "C1"), n, post_of(n, e.version, a="4", b="4"),
                              people["reporter"])
    e = entry(live, n)
    assert (e.self_points, e.appraised_points, e.final_points) == (10.0, None, 10.0)


def test_whole_framework_assignment_sees_everything(live, people, others, sent):
    AppraiserAssignment.objects.create(assessment=live, user=others["reviewer_free"])
    assert appraisal.assigned_components(others["reviewer_free"], live) is None
    assert appraisal.visible_components(others["reviewer_free"], live, sent) is None
