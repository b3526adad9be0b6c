import datetime as dt

import pytest

from chiso.orgs.models import Level, OrgUnit


def test_it_builds_materialised_paths(tree):
    c1 = OrgUnit.objects.get(code="C1")
    assert c1.path == f"{tree['VN'].pk:06d}.{tree['P1'].pk:06d}.{c1.pk:06d}."
    assert c1.depth == 3


def test_it_lists_a_subtree_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = sorted(tree["P1"].descendants().values_list("code", flat=True))
    assert codes == ["A1", "C1", "C2"]


def test_it_lists_ancestors_in_one_query(tree, django_assert_num_queries):
    c1 = OrgUnit.objects.get(code="C1")
    with django_assert_num_queries(1):
        codes = list(c1.ancestors().values_list("code", flat=True))
    assert codes == ["VN", "P1"]
    assert list(c1.ancestors(include_self=True).values_list("code", flat=True)) == ["VN", "P1", "C1"]


def test_it_unions_several_subtrees_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = set(OrgUnit.objects.subtrees([tree["P1"].path, tree["C3"].path])
                    .values_list("code", flat=True))
    assert codes == {"P1", "C1", "C2", "A1", "C3"}


def test_it_moves_a_whole_subtree_when_reparented(tree):
    # A commune transferred from P1 to P2 carries nothing; a province moved carries all.
    p1 = tree["P1"]
    p1.parent = tree["P2"]
    p1.save()
    c1 = OrgUnit.objects.get(code="C1")
    assert c1.path.startswith(OrgUnit.objects.get(code="P2").path)
    assert set(tree["P2"].descendants().values_list("code", flat=True)) == {
        "P1", "C1", "C2", "A1", "C3"}


def test_it_refuses_cycles(tree):
    p1 = tree["P1"]
    p1.parent = OrgUnit.objects.get(code="C1")
    with pytest.raises(ValueError, match="cấp dưới"):
        p1.save()


def test_it_derives_levels_from_kinds(tree):
    assert tree["VN"].level == Level.NATIONAL
    assert tree["P1"].level == Level.PROVINCIAL
    assert tree["C1"].level == Level.COMMUNE
    # An agency (sở) sits at its parent's level: a provincial-level body.
    assert tree["A1"].level == Level.PROVINCIAL
    assert tree["A1"].is_agency


def test_it_keeps_ended_units_and_filters_by_date(tree):
    c3 = tree["C3"]
    c3.valid_to = dt.date(2025, 6, 30)
    c3.save()
    before = set(OrgUnit.objects.active_on(dt.date(2025, 6, 1)).values_list("code", flat=True))
    after = set(OrgUnit.objects.active_on(dt.date(2025, 7, 1)).values_list("code", flat=True))
    assert "C3" in before and "C3" not in after
    assert "C3" not in set(OrgUnit.objects.current().values_list("code", flat=True))


def test_it_rejects_an_interval_that_ends_before_it_starts(tree):
    from django.db import IntegrityError, transaction

    c1 = tree["C1"]
    c1.valid_from, c1.valid_to = dt.date(2025, 7, 1), dt.date(2025, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        c1.save()
