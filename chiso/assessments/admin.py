"""Django admin for system administrators: frameworks and assessments are editable;
results are read-only there (only `chiso.assessments.scoring` writes them)."""

from django.contrib import admin

from .models import (
    AppraiserAssignment,
    Assessment,
    ComponentEntry,
    Framework,
    FrameworkNode,
    ImprovementLink,
    PublishedResult,
    Result,
)


class NodeInline(admin.TabularInline):
    model = FrameworkNode
    extra = 0
    fields = ["order", "code", "name", "kind", "max_points"]
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "year", "scope", "version", "state"]
    list_filter = ["scope", "state", "year"]
    search_fields = ["code", "name", "legal_basis"]
    raw_id_fields = ["owner", "cloned_from", "created_by"]
    inlines = [NodeInline]


@admin.register(FrameworkNode)
class FrameworkNodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "max_points", "framework"]
    list_filter = ["framework", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["metric"]
    filter_horizontal = ["parents"]


class AppraiserInline(admin.TabularInline):
    model = AppraiserAssignment
    extra = 0
    raw_id_fields = ["user"]
    filter_horizontal = ["nodes"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "framework", "owner", "state", "published_at"]
    list_filter = ["state", "year"]
    search_fields = ["name"]
    raw_id_fields = ["owner", "round", "previous", "published_by"]
    readonly_fields = ["scored_at", "published_at", "published_by"]
    inlines = [AppraiserInline]


@admin.register(ComponentEntry)
class ComponentEntryAdmin(admin.ModelAdmin):
    list_display = ["assessment", "unit", "node", "self_points", "appraised_points",
                    "final_points", "not_applicable"]
    list_filter = ["assessment"]
    raw_id_fields = ["unit", "node", "appraised_by", "updated_by"]
    readonly_fields = ["final_points"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "unit", "node", "score", "rank", "rank_in_group", "band"]
    list_filter = ["assessment", "node__kind"]


@admin.register(PublishedResult)
class PublishedResultAdmin(admin.ModelAdmin):
    list_display = ["year", "scope", "unit", "node_code", "value", "rank", "is_illustrative"]
    list_filter = ["year", "scope", "node_code"]
    raw_id_fields = ["unit"]


@admin.register(ImprovementLink)
class ImprovementLinkAdmin(admin.ModelAdmin):
    list_display = ["assessment", "unit", "node", "target_unit", "points_gap", "created_at"]
    raw_id_fields = ["unit", "node", "target_unit", "created_by"]
