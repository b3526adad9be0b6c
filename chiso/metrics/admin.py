"""Admin screens for the catalogue; values and their history are read-only here, because
only `chiso.metrics.services` may write values (validation, version, history)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DataValue, DataValueChange, Evidence, ImportJob, Metric, Period


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "value_type", "unit_of_measure", "frequency", "rollup",
                    "time_rollup", "evidence_required", "active"]
    list_filter = ["value_type", "rollup", "time_rollup", "frequency", "evidence_required",
                   "active"]
    search_fields = ["code", "name", "name_en"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "description", "source_note", "active"]}),
        (_("Giá trị"), {"fields": ["value_type", "unit_of_measure", "decimals", "min_value",
                                   "max_value", "numerator_label", "denominator_label",
                                   "choices", "evidence_required"]}),
        (_("Báo cáo và tổng hợp"), {"fields": ["frequency", "reporting_kinds", "direction",
                                               "rollup", "time_rollup"]}),
    ]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "start", "end"]
    list_filter = ["kind", "year"]
    search_fields = ["code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ChangeInline(admin.TabularInline):
    model = DataValueChange
    extra = 0
    fields = ["version", "changed_at", "changed_by", "old", "new", "old_state", "new_state",
              "source", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdmin):
    list_display = ["metric", "unit", "period", "value", "state", "source", "version",
                    "updated_at", "is_illustrative"]
    list_filter = ["state", "source", "period__kind", "is_illustrative"]
    search_fields = ["metric__code", "unit__name", "unit__code", "period__code"]
    list_select_related = ["metric", "unit", "period"]
    inlines = [ChangeInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "unit", "data_value", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["title", "original_name", "document_number", "unit__name"]
    exclude = ["file"]  # downloads go through the permission-checked view, not MEDIA_URL


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "unit", "user", "state", "phase", "done", "total",
                    "created_at", "finished_at"]
    list_filter = ["state", "dry_run"]
    search_fields = ["file_name", "unit__name", "unit__code", "user__username"]
    list_select_related = ["unit", "user"]
    exclude = ["file"]  # the uploaded file quotes other units' figures: never linked here
