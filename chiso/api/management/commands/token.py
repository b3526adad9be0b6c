"""`chiso token create USERNAME [--name NAME] [--days N]`: issue an API token (printed once);
`chiso token revoke USERNAME NAME`."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chiso.api.models import ApiToken


class Command(BaseCommand):
    help = "Tạo hoặc thu hồi khóa API của một người dùng."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("username")
        parser.add_argument("--name", default="dòng lệnh")
        parser.add_argument("--days", type=int, default=None, help="hết hạn sau N ngày")

    def handle(self, action: str, username: str, name: str, days: int | None, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        if action == "revoke":
            n = 0
            for token in ApiToken.objects.filter(user=user, name=name, revoked__isnull=True):
                token.revoke()
                n += 1
            self.stdout.write(f"Đã thu hồi {n} khóa.")
            return
        expires = timezone.now() + dt.timedelta(days=days) if days else None
        _token, raw = ApiToken.issue(user, name, expires)
        self.stdout.write(raw)
