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
        # Links to a unit's form in a reporting round (inbox, dashboards) lead an
        # assessment round's unit to its self-assessment page.
        from chiso.rounds import form_pages

        form_pages.register("assessments", _self_assessment_url)
        # Taking a unit off an assessment's round: refused once it has self-assessed.
        from chiso.rounds import workflow

        from . import recipients

        workflow.register_removal_guard("assessments", recipients.removal_guard)
        workflow.recipients_removed.connect(recipients.recipients_removed,
                                            dispatch_uid="assessments.recipients_removed")
        from chiso.orgs.models import Role

        register(NavItem("self_assessment", _("Tự đánh giá"), "assessments:my_assessments",
                         roles=frozenset({Role.REPORTER, Role.HEAD, Role.REVIEWER, Role.ADMIN}),
                         order=21))
        register_unit_link(UnitLink("unit_assessments", _("Kết quả đánh giá chuyển đổi số"),
                                    "assessments:unit", order=30))


def _self_assessment_url(sub) -> str | None:
    from django.urls import reverse

    from .models import Assessment

    pk = Assessment.objects.filter(round_id=sub.round_id).values_list("pk", flat=True).first()
    if pk is None:
        return None
    return reverse("assessments:selfassess_form", args=[pk, sub.unit.code])
