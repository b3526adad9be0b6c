"""Who sees what of the results: before publication a commune sees only its own card;
after publication, what the assessment's visibility allows; details (declared figures,
evidence) of a unit stay with that unit and the owner; only the secretariat publishes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chiso.assessments import scoring
from chiso.assessments.models import Assessment
from chiso.conftest import make_user
from chiso.orgs.models import Role

pytestmark = pytest.mark.django_db


def status(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"assessments:{name}", args=args), params).status_code


@pytest.fixture
def other_commune_reporter(tree):
    return make_user("reporter_c2", Role.REPORTER, tree["C2"])


def publish(assessment, people, visibility):
    assessment.visibility = visibility
    assessment.save()
    scoring.publish(assessment, people["admin"])


@pytest.mark.parametrize("who", ["admin", "leader"])
def test_the_owners_admins_and_leaders_see_the_provisional_ranking(client, people, scored, who):
    assert status(client, people[who], "ranking", scored.pk) == 200
    assert status(client, people[who], "scorecard", scored.pk, "C2") == 200
    assert status(client, people[who], "explain", scored.pk, "C2", "1.1") == 200


@pytest.mark.parametrize("who", ["reporter", "head"])
def test_no_one_else_sees_the_provisional_ranking(client, people, scored, who):
    assert status(client, people[who], "ranking", scored.pk) == 403
    assert status(client, people[who], "compare", scored.pk, **{"don-vi": ["C1", "C2"]}) == 403


def test_the_provinces_appraisers_see_the_units_they_appraise_but_not_the_ranking(
        client, people, scored):
    reviewer = people["reviewer"]
    assert status(client, reviewer, "ranking", scored.pk) == 403
    assert status(client, reviewer, "scorecard", scored.pk, "C2") == 200


def test_before_publication_a_commune_sees_its_own_card_and_never_anothers(
        client, people, scored, other_commune_reporter):
    reporter = people["reporter"]
    assert status(client, reporter, "scorecard", scored.pk, "C1") == 200
    assert status(client, reporter, "explain", scored.pk, "C1", "1.1") == 200
    assert status(client, reporter, "scorecard", scored.pk, "C2") == 403
    assert status(client, reporter, "explain", scored.pk, "C2", "1.1") == 403
    assert status(client, reporter, "gap", scored.pk, "C2") == 403
    assert status(client, other_commune_reporter, "scorecard", scored.pk, "C1") == 403
    client.force_login(reporter)
    page = client.get(reverse("assessments:unit", args=["C2"]))
    assert page.status_code == 403


def test_published_to_units_the_ranking_and_cards_open_but_not_others_details(
        client, people, scored):
    publish(scored, people, Assessment.Visibility.UNITS)
    reporter = people["reporter"]
    assert status(client, reporter, "ranking", scored.pk) == 200
    client.force_login(reporter)
    card = client.get(reverse("assessments:scorecard", args=[scored.pk, "C2"])).content.decode()
    assert "0,7000" in card and "Điểm các chỉ số thành phần" not in card
    assert status(client, reporter, "explain", scored.pk, "C2", "1.1") == 403
    assert status(client, reporter, "gap", scored.pk, "C2") == 403


def test_published_to_the_owner_only_units_still_see_only_themselves(client, people, scored):
    publish(scored, people, Assessment.Visibility.OWNER)
    reporter = people["reporter"]
    assert status(client, reporter, "ranking", scored.pk) == 403
    assert status(client, reporter, "scorecard", scored.pk, "C2") == 403
    assert status(client, reporter, "scorecard", scored.pk, "C1") == 200


def test_published_publicly_any_signed_in_user_sees_the_ranking(client, people, scored, tree):
    publish(scored, people, Assessment.Visibility.PUBLIC)
    outsider = make_user("reporter_c3", Role.REPORTER, tree["C3"])
    assert status(client, outsider, "ranking", scored.pk) == 200
    assert status(client, outsider, "scorecard", scored.pk, "C1") == 200
    assert status(client, outsider, "explain", scored.pk, "C1", "1.1") == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, scored):
    response = client.get(reverse("assessments:ranking", args=[scored.pk]))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


@pytest.mark.parametrize("who", ["leader", "reviewer", "head", "reporter"])
def test_only_the_secretariat_publishes_and_recomputes(client, people, scored, who):
    client.force_login(people[who])
    assert client.post(reverse("assessments:publish", args=[scored.pk])).status_code == 403
    assert client.post(reverse("assessments:recompute", args=[scored.pk])).status_code == 403
    scored.refresh_from_db()
    assert not scored.is_published


@pytest.mark.parametrize("who,code", [("reporter", 403), ("leader", 403), ("head", 302)])
def test_turning_a_component_into_a_task_is_for_the_secretariat_or_the_units_head(
        client, people, scored, who, code):
    client.force_login(people[who])
    response = client.post(reverse("assessments:make_task", args=[scored.pk, "C1"]),
                           {"node": "2.1", "target": "C1"})
    assert response.status_code == code


@pytest.mark.parametrize("who", ["reporter", "leader"])
def test_only_admins_import_frameworks(client, people, who):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people[who])
    response = client.post(reverse("assessments:framework_import"),
                           {"file": SimpleUploadedFile("x.yaml", b"code: X")})
    assert response.status_code == 403
