"""The system administrator's admin pages for rounds open; submissions are read-only."""

from django.urls import reverse

from chiso.conftest import make_user


def test_admin_pages_open(client, submitted):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    for url in (reverse("admin:rounds_reportinground_changelist"),
                reverse("admin:rounds_reportinground_change", args=[submitted.round_id]),
                reverse("admin:rounds_submission_changelist"),
                reverse("admin:rounds_submission_change", args=[submitted.pk])):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:rounds_submission_add")).status_code == 403
