"""Django admin for system administrators: rounds and their forms are editable; the
workflow's records (submissions, reviews, events, reminders, removed recipients) are
read-only there, since
every state change must go through `chiso.rounds.workflow`."""

from django.contrib import admin

from .models import (
    ReportingRound,
    ReviewerAssignment,
    RoundExclusion,
    RoundItem,
    RoundSection,
    RoundTarget,
    Submission,
    SubmissionEvent,
)


class TargetInline(admin.TabularInline):
    model = RoundTarget
    extra = 0
    raw_id_fields = ["unit"]


class SectionInline(admin.TabularInline):
    model = RoundSection
    extra = 0


class ItemInline(admin.TabularInline):
    model = RoundItem
    extra = 0
    raw_id_fields = ["metric"]


class AssignmentInline(admin.TabularInline):
    model = ReviewerAssignment
    extra = 0
    raw_id_fields = ["reviewer"]


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "period", "opens_on", "deadline", "requires_head_approval"]
    list_filter = ["requires_head_approval"]
    search_fields = ["name"]
    raw_id_fields = ["owner", "created_by"]
    inlines = [TargetInline, SectionInline, ItemInline, AssignmentInline]


class EventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_state", "to_state", "actor", "at", "reason", "sections"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["round", "unit", "state", "first_submitted_at", "deadline_override"]
    list_filter = ["state", "round"]
    search_fields = ["unit__name", "round__name"]
    readonly_fields = [f.name for f in Submission._meta.fields]
    inlines = [EventInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RoundExclusion)
class RoundExclusionAdmin(admin.ModelAdmin):
    """Removed recipients: an audit record, changed only through the recipients page."""

    list_display = ["round", "unit", "state_at_removal", "removed_by", "removed_at",
                    "restored_at"]
    list_filter = ["round"]
    search_fields = ["unit__name", "round__name", "reason"]
    readonly_fields = [f.name for f in RoundExclusion._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
