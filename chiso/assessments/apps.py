from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "chiso.assessments"
    label = "assessments"
    verbose_name = _("Đánh giá chuyển đổi số")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from chiso.orgs.navigation import NavItem, UnitLink, register, register_unit_link

        from . import scoring
        from .models import ComponentEntry

        # A changed final score makes the provisional results stale (recomputed on read).
        post_save.connect(scoring.entry_saved, sender=ComponentEntry,
                          dispatch_uid="assessments.entry_saved")

        register(NavItem("assessments", _("Đánh giá DTI"), "assessments:list", order=20))
        from chiso.orgs.models import Role

        register(NavItem("self_assessment", _("Tự đánh giá"), "assessments:my_assessments",
                         roles=frozenset({Role.REPORTER, Role.HEAD, Role.REVIEWER, Role.ADMIN}),
                         order=21))
        register_unit_link(UnitLink("unit_assessments", _("Kết quả đánh giá chuyển đổi số"),
                                    "assessments:unit", order=30))
