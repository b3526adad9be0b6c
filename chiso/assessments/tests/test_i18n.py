"""English of the assessment pages: contexts keep “Thẩm định” (appraisal) apart from the
rounds' review, and places lost take plural forms."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext

from chiso.assessments.models import Assessment


def change(places: int) -> str:
    r = SimpleNamespace(previous_score=0.5, change=-0.01 if places < 0 else 0.01,
                        places=places, places_lost=max(0, -places), previous_rank=3)
    return render_to_string("assessments/_change.html", {"r": r})


def test_places_take_plural_forms_in_english():
    with translation.override("en"):
        assert "down 1 place" in change(-1) and "down 1 places" not in change(-1)
        assert "down 3 places" in change(-3)
        assert "up 1 place" in change(1) and "up 2 places" in change(2)
    assert "giảm 3 bậc" in change(-3)


def test_appraisal_words_carry_their_context():
    with translation.override("en"):
        assert pgettext("appraisal", "Thẩm định") == "Appraisal"
        assert pgettext("appraised points", "Thẩm định") == "Appraised"
        assert pgettext("verified by", "Thẩm định") == "Verified by"
        assert pgettext("button", "So sánh") == "Compare"
        field = Assessment._meta.get_field("round")
        assert str(field.verbose_name) == "reporting round"
