"""The stored events of `chiso.lib.events` (live dashboards)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One change announced to live dashboards. The primary key is the event id that
    browsers send back as Last-Event-ID: the database's sequence makes it grow across
    every app server, which an in-memory counter per process could not."""

    kind = models.CharField(_("loại sự kiện"), max_length=40)
    paths = models.JSONField(_("đơn vị liên quan"), default=list, blank=True)
    public = models.BooleanField(_("công khai"), default=False)
    data = models.JSONField(_("nội dung"), default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind}"
