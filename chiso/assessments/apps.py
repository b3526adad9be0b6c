from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "chiso.assessments"
    label = "assessments"
    verbose_name = _("Đánh giá chuyển đổi số")
