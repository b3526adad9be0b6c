"""What the round page says after locking forms or sending reminders is a plural form.
Checked with entries added to the English catalogue, so the test does not depend on the
.po file."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from chiso.rounds import workflow

from .conftest import BEFORE

ENTRIES = {
    ("Đã khóa %(n)d biểu mẫu đã chấp nhận.", 0): "Locked %(n)d accepted form.",
    ("Đã khóa %(n)d biểu mẫu đã chấp nhận.", 1): "Locked %(n)d accepted forms.",
    ("Đã gửi nhắc nhở tới %(n)d đơn vị chưa nộp.", 0): "Reminded %(n)d unit that has not submitted.",
    ("Đã gửi nhắc nhở tới %(n)d đơn vị chưa nộp.", 1): "Reminded %(n)d units that have not submitted.",
}


@pytest.fixture
def english():
    with translation.override("en"):
        catalog = trans_real.translation("en")._catalog
        saved = {key: catalog.get(key) for key in ENTRIES}
        for key, text in ENTRIES.items():
            catalog[key] = text
        yield
        for key, text in saved.items():
            if text is None:
                del catalog._catalogs[0][key]
            else:
                catalog[key] = text


def test_locking_says_how_many_forms_in_a_plural_form(english, client, submitted, people, round):
    workflow.accept(submitted, people["reviewer"], now=BEFORE)
    client.force_login(people["admin"])
    client.cookies["django_language"] = "en"
    response = client.post(reverse("round_lock", args=[round.pk]), follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "Locked 1 accepted form." in response.content.decode()


def test_reminding_says_how_many_units_in_a_plural_form(english, client, people, round, clock):
    client.force_login(people["admin"])
    client.cookies["django_language"] = "en"
    response = client.post(reverse("round_remind", args=[round.pk]), follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "Reminded 2 units that have not submitted." in response.content.decode()
