from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "chiso.dashboards"
    label = "dashboards"
    verbose_name = _("Bảng điều khiển")

    def ready(self) -> None:
        from chiso.orgs.navigation import (
            Landing,
            NavItem,
            UnitLink,
            register,
            register_landing,
            register_unit_link,
        )

        from . import dti, plan_panels, signals  # noqa: F401 (they register panels, receivers)
        from .scope import LEADER_ROLES

        # The leaders' landing page: first after the home page in the menu.
        register(NavItem("dashboard", _("Tổng quan"), "dashboard", roles=LEADER_ROLES, order=1))
        register_landing("dashboard", Landing("dashboard", roles=LEADER_ROLES, order=10))
        register_unit_link(UnitLink("unit_dashboard", _("Bảng điều khiển của đơn vị"),
                                    "unit_dashboard", order=5))
