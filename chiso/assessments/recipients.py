"""Taking a unit off an assessment's round (chiso.rounds.workflow.remove_recipients asks
here through its guard registry, and tells us afterwards through `recipients_removed`).

A unit is scored when it has a submission or any component entry
(`scoring.assessed_unit_ids`), so removing it must leave neither behind:

- refused once the results are published (they name the unit), or once any entry of the
  unit holds something (a declared figure, also one prefilled from accepted values, an
  explanation, points, an appraisal, an author or evidence): that is what the unit
  declared and may have been scored;
- otherwise the blank entries that opening the form created go with the submission,
  and the provisional results become stale so that the next reading ranks without
  the unit.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from chiso.metrics.models import Evidence

from .models import Assessment, ComponentEntry


def removal_guard(round, submissions) -> dict[int, str]:
    assessment = Assessment.objects.filter(round=round).first()
    if assessment is None:
        return {}
    if assessment.is_published:
        return {s.pk: _("Không thể bỏ “%(u)s”: kết quả kỳ đánh giá “%(a)s” đã công bố. Hãy "
                        "thu hồi công bố trước.") % {"u": s.unit.name, "a": assessment.name}
                for s in submissions}
    entries = ComponentEntry.objects.filter(assessment=assessment,
                                            unit__in=[s.unit_id for s in submissions])
    worked = set(entries.exclude(pk__in=_blank(entries)).values_list("unit_id", flat=True))
    return {s.pk: _("Không thể bỏ “%(u)s” khỏi kỳ đánh giá: đơn vị đã kê khai tự đánh giá "
                    "(số liệu kê khai được tính điểm).") % {"u": s.unit.name}
            for s in submissions if s.unit_id in worked}


def _blank(entries):
    """Entries nobody has touched: no figure, explanation, points, appraisal, author or
    evidence (what opening the self-assessment form creates)."""
    with_evidence = Evidence.objects.filter(
        owner_type=ContentType.objects.get_for_model(ComponentEntry),
        owner_id__in=entries.values("pk")).values("owner_id")
    return (entries.filter(declared={}, explanation="", not_applicable=False,
                           self_points__isnull=True, appraised_points__isnull=True,
                           appraised_at__isnull=True, updated_by__isnull=True)
            .exclude(pk__in=with_evidence).values("pk"))


def recipients_removed(sender, round, exclusions, **kwargs) -> None:
    assessment = Assessment.objects.filter(round=round).first()
    if assessment is None:
        return
    entries = ComponentEntry.objects.filter(assessment=assessment,
                                            unit__in=[x.unit_id for x in exclusions])
    # The guard let only blank entries through; filtering again keeps this safe anyway.
    ComponentEntry.objects.filter(pk__in=_blank(entries)).delete()
    Assessment.objects.filter(pk=assessment.pk).update(scored_at=None)
