"""Personal API tokens: a user's key for the JSON API (`Authorization: Bearer <token>`).

Only the SHA-256 hash of a token is stored: a leaked database does not leak working keys,
and the token is shown once, at creation. SHA-256 (not a slow password hash) is enough
because tokens are 256-bit random strings, not guessable passwords, and every API request
must look its token up quickly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "chiso_"  # lets secret scanners and people recognise a chiso token


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now: dt.datetime | None = None) -> ApiTokenQuerySet:
        now = now or timezone.now()
        return self.filter(revoked__isnull=True).filter(
            models.Q(expires__isnull=True) | models.Q(expires__gt=now))


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("người dùng"))
    name = models.CharField(_("tên"), max_length=100,
                            help_text=_("Để nhận ra khóa, ví dụ “Hệ thống một cửa của tỉnh”."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, kept in clear so that the owner can tell keys apart.
    hint = models.CharField(_("gợi ý"), max_length=16, editable=False)
    created = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    expires = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, name: str, expires: dt.datetime | None = None) -> tuple[ApiToken, str]:
        """Create a token; returns the row and the raw token (to be shown once)."""
        raw = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, token_hash=hash_token(raw),
                                   hint=raw[: len(PREFIX) + 4], expires=expires)
        return token, raw

    @property
    def is_expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked is None and not self.is_expired

    def revoke(self) -> None:
        if self.revoked is None:
            self.revoked = timezone.now()
            self.save(update_fields=["revoked"])
