from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "chiso.orgs"
    label = "orgs"
    verbose_name = _("Đơn vị và phân quyền")

    def ready(self) -> None:
        from .models import Role
        from .navigation import NavItem, register

        register(NavItem("home", _("Trang chủ"), "home", order=0))
        register(NavItem("units", _("Đơn vị"), "unit_list", order=10))
        register(NavItem("members", _("Thành viên"), "members", roles=frozenset({Role.ADMIN}),
                         order=20))
        register(NavItem("admin", _("Quản trị hệ thống"), "admin:index",
                         superuser_only=True, order=900))
