from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "chiso.plans"
    label = "plans"
    verbose_name = _("Kế hoạch, mục tiêu, nhiệm vụ")

    def ready(self) -> None:
        from chiso.orgs.navigation import NavItem, UnitLink, register, register_unit_link

        register(NavItem("plans", _("Kế hoạch"), "plan_list", order=25))
        register_unit_link(UnitLink("plans_unit_inbox", _("Nhiệm vụ, chỉ tiêu cần cập nhật"),
                                    "plans_unit_inbox", order=40))
