"""The demo assessments: idempotent; Quảng Ninh's published 2022 figures, rank 3 "tăng 4
bậc" against the published 2021 rank, the tie at 15, merged provinces; Quảng Ninh's
own 2025 assessment published and 2026 in progress, compared with 2025."""

import pytest
from django.core.management import call_command

from chiso.assessments.models import Assessment, ComponentEntry, PublishedResult, Result


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", stdout=open("/dev/null", "w"))
        counts = (Assessment.objects.count(), Result.objects.count(),
                  ComponentEntry.objects.count(), PublishedResult.objects.count())
        call_command("demo", stdout=open("/dev/null", "w"))
        yield counts
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_running_the_demo_twice_changes_nothing(demo):
    assert demo == (Assessment.objects.count(), Result.objects.count(),
                    ComponentEntry.objects.count(), PublishedResult.objects.count())
    assert demo[0] == 3


def national(code: str, node: str = "DTI") -> Result:
    return Result.objects.get(assessment__year=2022, unit__code=code, node__code=node)


@pytest.mark.django_db
def test_quang_ninh_2022_is_third_up_four_places_with_its_published_pillars(demo):
    dti = national("T22")
    assert (round(dti.score, 4), dti.rank, dti.previous_rank, dti.places) == (0.7024, 3, 7, 4)
    assert [round(national("T22", p).score, 4) for p in ("CQS", "KTS", "XHS")] == \
        [0.7804, 0.7187, 0.6864]
    # Quảng Ninh's figures are published ones; the other provinces' are illustrative.
    assert not dti.is_illustrative and national("T01").is_illustrative


@pytest.mark.django_db
def test_the_2022_table_has_a_tie_at_fifteen(demo):
    ranks = sorted(Result.objects.filter(assessment__year=2022, node__code="DTI",
                                         origin="scored").values_list("rank", flat=True))
    assert ranks[14:17] == [15, 15, 17] and len(ranks) == 63


@pytest.mark.django_db
def test_merged_provinces_get_the_mean_of_their_predecessors(demo):
    # Tây Ninh after 01/07/2025 = Long An (80) + Tây Ninh (72) before.
    merged = national("T80", "NT")
    olds = [national(c, "NT").score for c in ("T72-den-2025", "T80-den-2025")]
    assert merged.origin == "merged" and merged.score == pytest.approx(sum(olds) / 2)


@pytest.mark.django_db
def test_quang_ninhs_own_assessment_has_a_published_year_and_one_in_progress(demo):
    last = Assessment.objects.get(owner__code="T22", year=2025)
    current = Assessment.objects.get(owner__code="T22", year=2026)
    assert last.is_published and not current.is_published and current.previous == last
    states = set(current.round.submissions.values_list("state", flat=True))
    assert {"draft", "submitted"} <= states
    bai_chay = ComponentEntry.objects.filter(assessment=current, unit__code="X06673")
    assert any(e.evidence.exists() for e in bai_chay)  # the reporter has started, with evidence
    compared = Result.objects.filter(assessment=current, node__code="DTI",
                                     previous_rank__isnull=False)
    assert compared.count() >= 50
    appraised = ComponentEntry.objects.filter(assessment=last).exclude(appraisal_reason="")
    assert appraised.exists()
