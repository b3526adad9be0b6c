from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "chiso.metrics"
    label = "metrics"
    verbose_name = _("Chỉ tiêu và số liệu")

    def ready(self) -> None:
        from chiso.orgs.navigation import NavItem, UnitLink, register, register_unit_link

        register(NavItem("metrics", _("Chỉ tiêu"), "metric_list", order=30))
        register_unit_link(UnitLink("values", _("Số liệu của đơn vị"), "unit_values", order=10))
