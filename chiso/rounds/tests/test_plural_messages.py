"""What the round page says after locking forms or sending reminders is a plural form.
Checked with entries added to the English catalogue, so the test does not depend on the
.po file."""

import pytest
from django.urls import reverse

from chiso.lib.testing import english_with
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
    with english_with(ENTRIES):
        yield


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
