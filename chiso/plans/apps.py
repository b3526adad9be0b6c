from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "chiso.plans"
    label = "plans"
    verbose_name = _("Kế hoạch, mục tiêu, nhiệm vụ")

    def ready(self) -> None:
        from chiso.orgs.models import Role
        from chiso.orgs.navigation import NavItem, UnitLink, register, register_unit_link

        # Tasks and targets to update, for everybody who works for a unit (any role there);
        # reporters and heads most of all, so it comes right after the inbox.
        register(NavItem("plans_inbox", _("Việc cần làm"), "plans_inbox",
                         roles=frozenset(Role.values), order=6))
        register(NavItem("plans", _("Kế hoạch"), "plan_list", order=25))
        register_unit_link(UnitLink("plans_unit_inbox", _("Nhiệm vụ, chỉ tiêu cần cập nhật"),
                                    "plans_unit_inbox", order=40))
