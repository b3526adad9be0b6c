from django.contrib import admin

from .models import Membership, OrgUnit, UnitSuccession


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class PredecessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "official_code", "kind", "level", "parent", "valid_from",
                    "valid_to", "is_illustrative"]
    list_filter = ["kind", "level", "is_illustrative", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["name", "short_name", "code", "official_code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["level", "path"]
    inlines = [PredecessorInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "title"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_date", "legal_basis"]
    list_filter = ["kind", "effective_date"]
    autocomplete_fields = ["predecessor", "successor"]
