from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "chiso.metrics"
    label = "metrics"
    verbose_name = _("Chỉ tiêu và số liệu")

    def ready(self) -> None:
        from chiso.orgs.navigation import NavItem, register

        register(NavItem("metrics", _("Chỉ tiêu"), "metric_list", order=30))
