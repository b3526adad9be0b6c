"""Admin screens for plans. Statuses are not here: they are derived (chiso.plans.status)
and shown on the plan pages; task updates and the reminder log are read-only records."""

from django.contrib import admin

from .models import (
    Plan,
    ReminderLog,
    SolutionGroup,
    Target,
    TargetBreakdown,
    TargetValue,
    Task,
    TaskUpdate,
)


class SolutionGroupInline(admin.TabularInline):
    model = SolutionGroup
    extra = 0
    fields = ["order", "code", "title"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "kind", "issuer", "signed_on", "start_year", "end_year",
                    "status", "parent", "is_illustrative"]
    list_filter = ["kind", "status", "start_year", "is_illustrative"]
    search_fields = ["number", "title", "issuer__name"]
    list_select_related = ["issuer", "parent"]
    raw_id_fields = ["issuer", "owner", "parent", "replaced_by", "copied_from", "created_by"]
    inlines = [SolutionGroupInline]


class TargetValueInline(admin.TabularInline):
    model = TargetValue
    extra = 0
    fields = ["year", "level", "value", "note"]


class TargetBreakdownInline(admin.TabularInline):
    model = TargetBreakdown
    extra = 0
    fields = ["unit", "year", "value", "note"]
    raw_id_fields = ["unit"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "pillar", "metric", "comparison", "lead_unit"]
    list_filter = ["comparison", "pillar", "plan"]
    search_fields = ["statement", "code", "plan__number"]
    list_select_related = ["plan", "metric", "lead_unit"]
    raw_id_fields = ["plan", "metric", "unit", "lead_unit", "solution_group"]
    inlines = [TargetValueInline, TargetBreakdownInline]


class TaskUpdateInline(admin.TabularInline):
    model = TaskUpdate
    extra = 0
    fields = ["created_at", "unit", "author", "kind", "percent", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "lead_unit", "start_date", "due_date", "completed_at",
                    "cancelled", "is_key"]
    list_filter = ["cancelled", "is_key", "plan"]
    search_fields = ["description", "code", "plan__number", "lead_unit__name"]
    list_select_related = ["plan", "lead_unit"]
    raw_id_fields = ["plan", "lead_unit", "solution_group"]
    filter_horizontal = ["coordinating_units", "targets"]
    inlines = [TaskUpdateInline]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "kind", "unit", "recipient_email", "occasion", "subject"]
    list_filter = ["kind"]
    search_fields = ["recipient_email", "subject", "unit__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
