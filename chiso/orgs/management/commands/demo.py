"""`chiso demo`: load the demo into the database, idempotently.

Each app may provide a `demo` module with `load(stdout) -> dict`; they run in the order of
INSTALLED_APPS (which follows the apps' dependencies), inside one transaction each. Later
apps (metrics, assessments, plans) extend the demo by adding their own `demo.py`.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

from chiso.orgs import demo as orgs_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu demo (chạy lại nhiều lần vẫn cho cùng một kết quả)."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not config.name.startswith("chiso.") or find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            counts = module.load(self.stdout)
            summary = ", ".join(f"{k}: {v}" for k, v in (counts or {}).items())
            self.stdout.write(f"{config.verbose_name}: {summary}")
        self.stdout.write("\nTài khoản demo (mật khẩu giống nhau cho mọi tài khoản):")
        for username, password, role, unit in orgs_demo.credentials():
            self.stdout.write(f"  {username:<16} {password:<16} {role:<10} {unit}")
