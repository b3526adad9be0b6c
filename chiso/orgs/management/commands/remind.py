"""`chiso remind`: send what is due now; a scheduler calls it (cron, a systemd timer), e.g.

    0 7 * * *  chiso remind

Each app may provide a `reminders` module with `run(*, now: datetime, stdout) -> int`
(the number of reminders it sent); they run in the order of INSTALLED_APPS, each in its
own transaction, so one app's failure does not undo what another has already sent.
Each app keeps a log of what it sent and skips what was sent recently, so running the
command twice, or after a missed day, does not flood anyone.

    chiso remind --now 2026-01-13T07:00   # as if it were then (tests, a re-run for a day)
    chiso remind --dry-run                # say what would be sent; send and keep nothing
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone


class _DryRun(Exception):
    pass


def reminder_modules():
    """`chiso.<app>.reminders` of every installed chiso app that has one, in app order."""
    for config in apps.get_app_configs():
        name = f"{config.name}.reminders"
        if config.name.startswith("chiso.") and find_spec(name) is not None:
            module = import_module(name)
            if callable(getattr(module, "run", None)):
                yield config, module


def parse_now(text: str | None) -> dt.datetime:
    if not text:
        return timezone.now()
    try:
        now = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now “{text}” không phải là thời điểm ISO 8601, "
                           "ví dụ 2026-01-13T07:00.") from None
    return timezone.make_aware(now) if timezone.is_naive(now) else now


class Command(BaseCommand):
    help = "Gửi nhắc nhở đến hạn (kỳ báo cáo, kế hoạch…); bộ lập lịch gọi lệnh này."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Thời điểm coi là hiện tại (ISO 8601), "
                                          "ví dụ 2026-01-13T07:00; mặc định: bây giờ.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Chỉ liệt kê nhắc nhở sẽ gửi; không gửi, không ghi gì.")

    def handle(self, *args, now=None, dry_run=False, **options):
        now = parse_now(now)
        total = 0
        for config, module in reminder_modules():
            self.stdout.write(f"{config.verbose_name}:")
            count = self._run(module, now, dry_run)
            total += count
            self.stdout.write(f"  {count} nhắc nhở")
        verb = "sẽ gửi" if dry_run else "đã gửi"
        self.stdout.write(f"Tổng cộng: {total} nhắc nhở {verb} "
                          f"(lúc {timezone.localtime(now):%H:%M %d/%m/%Y}).")

    def _run(self, module, now: dt.datetime, dry_run: bool) -> int:
        if not dry_run:
            with transaction.atomic():
                return module.run(now=now, stdout=self.stdout)
        # A dry run does the whole pass against an in-memory mailbox of its own, then rolls
        # back the reminder logs it wrote: what it prints is what a real run would send.
        count = 0
        saved = getattr(mail, "outbox", None)
        mail.outbox = []
        try:
            with override_settings(
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), \
                    transaction.atomic():
                count = module.run(now=now, stdout=self.stdout)
                self.stdout.write(f"  ({len(mail.outbox)} e-mail sẽ được gửi)")
                raise _DryRun
        except _DryRun:
            pass
        finally:
            if saved is None:
                del mail.outbox
            else:
                mail.outbox = saved
        return count
