"""The data model holds a framework graph, three points per component and evidence."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from chiso.assessments.models import ComponentEntry, FrameworkNode, PublishedResult, Scope
from chiso.metrics import evidence as evidence_service

pytestmark = pytest.mark.django_db


def test_foundation_main_index_feeds_every_pillar_and_the_total(framework):
    nt = framework.nodes.get(code="NT")
    assert sorted(nt.parents.values_list("code", flat=True)) == ["A", "B", "DTI"]
    pillar_a = framework.nodes.get(code="A")
    assert sorted(pillar_a.children.values_list("code", flat=True)) == ["HA", "NT"]


def test_final_points_are_the_appraised_points_once_appraised(assessment, tree):
    node = assessment.framework.nodes.get(code="1.1")
    entry = ComponentEntry.objects.create(assessment=assessment, unit=tree["C1"], node=node,
                                          declared={"a": 3, "b": 4}, self_points=7.5)
    assert entry.final_points == 7.5
    entry.appraised_points = 5.0
    entry.save()
    entry.refresh_from_db()
    assert (entry.self_points, entry.appraised_points, entry.final_points) == (7.5, 5.0, 5.0)


def test_one_entry_per_unit_and_component(assessment, tree):
    node = assessment.framework.nodes.get(code="1.2")
    ComponentEntry.objects.create(assessment=assessment, unit=tree["C1"], node=node)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComponentEntry.objects.create(assessment=assessment, unit=tree["C1"], node=node)


def test_evidence_attaches_to_an_entry_through_the_generic_owner(assessment, tree, people):
    node = assessment.framework.nodes.get(code="2.1")
    entry = ComponentEntry.objects.create(assessment=assessment, unit=tree["C1"], node=node)
    evidence_service.attach_link(unit=tree["C1"], user=people["reporter"], owner=entry,
                                 title="Quyết định thành lập Ban Chỉ đạo",
                                 document_number="12/QĐ-UBND")
    assert [e.document_number for e in entry.evidence.all()] == ["12/QĐ-UBND"]


def test_component_applies_to_listed_kinds_only(framework):
    portal = framework.nodes.get(code="3.1")
    assert portal.applies_to_kind("commune") and not portal.applies_to_kind("department")
    assert framework.nodes.get(code="1.1").applies_to_kind("department")


def test_published_result_is_unique_per_year_scope_unit_and_index(tree):
    PublishedResult.objects.create(year=2022, scope=Scope.PROVINCIAL_DTI, unit=tree["P1"],
                                   value=0.7024, rank=3, rank_of=63)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedResult.objects.create(year=2022, scope=Scope.PROVINCIAL_DTI, unit=tree["P1"],
                                       value=0.7, rank=4)
    assert FrameworkNode.Kind.TOTAL == "total"
