"""Bearer tokens: missing, wrong, revoked and expired tokens get 401; the hash only is stored."""

import datetime as dt
import hashlib

from django.urls import reverse
from django.utils import timezone

from chiso.api.models import ApiToken

from .conftest import bearer


def test_without_a_token_the_api_answers_401_in_vietnamese(client, people):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"] and response["WWW-Authenticate"] == "Bearer"


def test_a_wrong_token(client, people):
    assert client.get("/api/v1/units", **bearer("chiso_sai")).status_code == 401


def test_a_good_token_works_and_records_its_use(client, people):
    token, raw = ApiToken.issue(people["reporter"], "một cửa")
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values_list())  # only the hash and a hint


def test_a_revoked_token(client, people):
    token, raw = ApiToken.issue(people["reporter"], "x")
    token.revoke()
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401


def test_an_expired_token(client, people):
    _token, raw = ApiToken.issue(people["reporter"], "x",
                                 expires=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401


def test_a_token_of_a_deactivated_user(client, people):
    _token, raw = ApiToken.issue(people["reporter"], "x")
    people["reporter"].is_active = False
    people["reporter"].save()
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401


def test_the_token_page_shows_a_new_token_once_and_revokes(client, people):
    client.force_login(people["reporter"])
    html = client.post(reverse("api_tokens"), {"name": "một cửa", "lifetime": "30"}).content.decode()
    token = ApiToken.objects.get(user=people["reporter"])
    assert "chỉ hiển thị một lần" in html and token.hint in html
    assert token.expires > timezone.now() + dt.timedelta(days=29)
    assert "chỉ hiển thị một lần" not in client.get(reverse("api_tokens")).content.decode()
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked is not None


def test_nobody_revokes_someone_elses_token(client, people):
    token, _raw = ApiToken.issue(people["reporter"], "x")
    client.force_login(people["admin"])
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked is None


def test_the_token_page_needs_a_login(client):
    assert client.get(reverse("api_tokens")).status_code == 302


def test_the_command_line_creates_a_working_token(client, people, capsys):
    from django.core.management import call_command

    call_command("token", "create", "reporter_c1", "--days", "7")
    raw = capsys.readouterr().out.strip()
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 200
    call_command("token", "revoke", "reporter_c1", "--name", "dòng lệnh")
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401
