from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "chiso.assessments"
    label = "assessments"
    verbose_name = _("Đánh giá chuyển đổi số")

    def ready(self) -> None:
        from chiso.orgs.navigation import NavItem, UnitLink, register, register_unit_link

        register(NavItem("assessments", _("Đánh giá DTI"), "assessments:list", order=20))
        from chiso.orgs.models import Role

        register(NavItem("self_assessment", _("Tự đánh giá"), "assessments:my_assessments",
                         roles=frozenset({Role.REPORTER, Role.HEAD, Role.REVIEWER, Role.ADMIN}),
                         order=21))
        register_unit_link(UnitLink("unit_assessments", _("Kết quả đánh giá chuyển đổi số"),
                                    "assessments:unit", order=30))
