"""The self-assessment form: points computed by the engine's rule as the reporter types,
autosave, not applicable, pre-filled figures, evidence, the running total."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments import selfassess
from chiso.assessments.models import ComponentEntry
from chiso.index.rules import score
from chiso.metrics import services
from chiso.metrics.models import Evidence, Metric
from chiso.metrics.models import State as ValueState

from .test_entry_support import *  # noqa: F403  (the fixtures)
from .test_entry_support import PDF, fill_all, post_of


def save_url(a, code, node):
    return reverse("assessments:selfassess_save", args=[a.pk, code, node.pk])


def entry_of(a, code, node) -> ComponentEntry:
    return ComponentEntry.objects.get(assessment=a, unit__code=code, node=node)


@pytest.fixture
def c1_form(client, live, people):
    client.force_login(people["reporter"])
    response = client.get(reverse("assessments:selfassess_form", args=[live.pk, "C1"]))
    assert response.status_code == 200
    return response


def test_typing_figures_returns_the_engines_points_and_sentence(client, live, nodes, c1_form):
    n = nodes["1.1"]
    # A demo's invented entry stops being "minh họa" once a person types into it.
    ComponentEntry.objects.filter(assessment=live, unit__code="C1", node=n).update(
        is_illustrative=True)
    response = client.post(save_url(live, "C1", n), post_of(n, 1, a="3", b="4"))
    assert response.status_code == 200
    html = response.content.decode()
    expected = score(n.rule, {"a": [3], "b": [4]})
    assert expected.points[0] == 7.5
    assert "7,50" in html
    assert expected.explanations("vi")[0] in html  # the engine's own sentence
    entry = entry_of(live, "C1", n)
    assert entry.declared == {"a": 3, "b": 4}
    assert entry.self_points == 7.5 and entry.final_points == 7.5
    assert entry.version == 2
    assert not entry.is_illustrative
    # The next keystroke carries the new version (swapped in out of band).
    assert f'id="ver-{n.pk}" name="version" value="2"' in html


def test_vietnamese_numbers_and_steps(client, live, nodes, c1_form):
    n = nodes["1.1"]
    client.post(save_url(live, "C1", n), post_of(n, 1, a="1.234,5", b="2.469"))
    assert entry_of(live, "C1", n).declared == {"a": 1234.5, "b": 2469}
    assert entry_of(live, "C1", n).self_points == pytest.approx(5.0)
    steps = nodes["1.2"]
    response = client.post(save_url(live, "C1", steps), post_of(steps, 1, value="3"))
    assert entry_of(live, "C1", steps).self_points == 5
    assert "3 ≥ 2 → 5,00 điểm" in response.content.decode()


def test_choice_and_yes_no_components(client, live, nodes, c1_form):
    choice, portal = nodes["2.1"], nodes["3.1"]
    client.post(save_url(live, "C1", choice), post_of(choice, 1, value="pho_chu_tich"))
    assert entry_of(live, "C1", choice).self_points == 25
    client.post(save_url(live, "C1", portal), post_of(portal, 1, value="1"))
    assert entry_of(live, "C1", portal).self_points == 30
    client.post(save_url(live, "C1", portal), post_of(portal, 2, value="0"))
    assert entry_of(live, "C1", portal).self_points == 0


def test_bad_input_names_the_field_and_writes_nothing(client, live, nodes, c1_form):
    n = nodes["1.1"]
    response = client.post(save_url(live, "C1", n), post_of(n, 1, a="ba", b="4"))
    html = response.content.decode()
    assert "Số cuộc họp do Chủ tịch chủ trì" in html and "không phải là số" in html
    entry = entry_of(live, "C1", n)
    assert entry.declared == {} and entry.version == 1 and entry.self_points is None
    choice = nodes["2.1"]
    response = client.post(save_url(live, "C1", choice), post_of(choice, 1, value="bi_thu"))
    assert "không có trong danh sách" in response.content.decode()
    assert entry_of(live, "C1", choice).declared == {}


def test_a_stale_version_is_refused(client, live, nodes, c1_form):
    n = nodes["1.2"]
    client.post(save_url(live, "C1", n), post_of(n, 1, value="4"))
    response = client.post(save_url(live, "C1", n), post_of(n, 1, value="1"))
    assert "vừa được người khác sửa" in response.content.decode()
    assert entry_of(live, "C1", n).declared == {"value": 4}


def test_not_applicable_leaves_the_denominator(client, live, nodes, c1_form, people):
    unit = live.round.submissions.get(unit__code="C1").unit
    before = selfassess.running_totals(live, unit)
    assert before.max_points == 100
    n = nodes["3.1"]
    client.post(save_url(live, "C1", n),
                post_of(n, 1, not_applicable="1", explanation="Xã chưa có cổng riêng"))
    entry = entry_of(live, "C1", n)
    assert entry.not_applicable and entry.self_points is None
    after = selfassess.running_totals(live, unit)
    assert after.max_points == 70


def test_running_total_is_the_engines_aggregation(live, people):
    fill_all(live, "C1", people["reporter"])
    unit = live.round.submissions.get(unit__code="C1").unit
    totals = selfassess.running_totals(live, unit)
    assert totals.points == pytest.approx(92.5)
    assert totals.max_points == 100
    assert totals.value == pytest.approx(0.925)
    mains = {n.code: v for n, v in totals.mains}
    assert mains["NT"] == pytest.approx(12.5 / 20)
    assert mains["HA"] == pytest.approx(1.0)


def test_component_naming_a_metric_is_prefilled_from_accepted_values(client, live, nodes,
                                                                      people, tree):
    metric = Metric.objects.create(code="CUOC_HOP_CT", name="Tỷ lệ cuộc họp do Chủ tịch chủ trì",
                                   value_type=Metric.ValueType.PERCENTAGE, rollup="ratio")
    n = nodes["1.1"]
    n.metric = metric
    n.save()
    value = services.save_value(metric, tree["C1"], "2026",
                                {"numerator": Decimal(6), "denominator": Decimal(8)}, user=None)
    services.set_state(value, ValueState.ACCEPTED, user=None)
    client.force_login(people["reporter"])
    response = client.get(reverse("assessments:selfassess_form", args=[live.pk, "C1"]))
    entry = entry_of(live, "C1", n)
    assert entry.declared == {"a": 6, "b": 8}
    assert entry.self_points == 7.5
    assert "Điền sẵn từ số liệu đã duyệt" in response.content.decode()


def test_draft_metric_values_are_not_prefilled(client, live, nodes, people, tree):
    metric = Metric.objects.create(code="HOP_BCD", name="Số lần họp",
                                   value_type=Metric.ValueType.COUNT)
    n = nodes["1.2"]
    n.metric = metric
    n.save()
    services.save_value(metric, tree["C1"], "2026", {"value": Decimal(4)}, user=None)
    client.force_login(people["reporter"])
    client.get(reverse("assessments:selfassess_form", args=[live.pk, "C1"]))
    assert entry_of(live, "C1", n).declared == {}


def test_evidence_upload_is_attached_to_the_component(client, live, nodes, c1_form, people):
    n = nodes["1.2"]
    n.evidence_required = "Biên bản các cuộc họp"
    n.save()
    url = reverse("assessments:selfassess_evidence", args=[live.pk, "C1", n.pk])
    response = client.post(url, {"file": SimpleUploadedFile("bien-ban.pdf", PDF,
                                                            "application/pdf")})
    assert response.status_code == 200
    entry = entry_of(live, "C1", n)
    ev = Evidence.objects.get(owner_id=entry.pk)
    assert ev.owner == entry and ev.unit.code == "C1" and ev.original_name == "bien-ban.pdf"
    assert "bien-ban.pdf" in response.content.decode()
    # The metrics app's checks apply: an executable renamed to .pdf is refused.
    response = client.post(url, {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00",
                                                            "application/pdf")})
    assert "nội dung không phải là tệp PDF" in response.content.decode()
    assert Evidence.objects.filter(owner_id=entry.pk).count() == 1


def test_missing_required_evidence_is_a_warning_not_a_block(live, nodes, people):
    n = nodes["1.2"]
    n.evidence_required = "Biên bản các cuộc họp"
    n.save()
    fill_all(live, "C1", people["reporter"])
    unit = live.round.submissions.get(unit__code="C1").unit
    found = selfassess.check(live, unit)
    assert found.blocking == []
    assert any("Biên bản các cuộc họp" in w for w in found.warnings)


def test_a_yes_no_answer_is_named_in_the_sentence(client, live, nodes, c1_form, people):
    """“Có → 30,00 điểm”, not the engine's “1 ≥ 1 → 30,00 điểm”; points still the engine's."""
    portal = nodes["3.1"]
    html = client.post(save_url(live, "C1", portal), post_of(portal, 1, value="1")
                       ).content.decode()
    assert "Có → 30,00 điểm" in html and "1 ≥ 1" not in html
    html = client.post(save_url(live, "C1", portal), post_of(portal, 2, value="0")
                       ).content.decode()
    assert "Không → 0,00 điểm" in html and "0 &lt; 1" not in html
    client.force_login(people["admin"])
    html = client.get(reverse("assessments:explain", args=[live.pk, "C1", "3.1"])
                      ).content.decode()
    assert "Không → 0,00 điểm" in html
    # a steps component with a number is untouched
    assert selfassess.points_of(nodes["1.2"], {"value": 3}, False)[1] == "3 ≥ 2 → 5,00 điểm"
