from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoundsConfig(AppConfig):
    name = "chiso.rounds"
    label = "rounds"
    verbose_name = pgettext_lazy("reporting round", "Kỳ báo cáo")

    def ready(self) -> None:
        from chiso.orgs.models import Role
        from chiso.orgs.navigation import NavItem, register

        register(NavItem("inbox", _("Hộp thư"), "inbox", order=5))
        register(NavItem("rounds", pgettext_lazy("reporting round", "Kỳ báo cáo"), "round_list",
                         roles=frozenset({Role.ADMIN}), order=30))
