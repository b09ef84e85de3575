from django.contrib import admin

from veiviser.audit.admin_mixins import ReadAuditedModelAdmin
from veiviser.registry.models import ReasonFact, Registration, StatusFact


class ReadOnlyFactInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusFactInline(ReadOnlyFactInline):
    model = StatusFact
    fields = ["code", "valid_from", "recorded_at", "recorded_by", "key"]


class ReasonFactInline(ReadOnlyFactInline):
    model = ReasonFact
    fields = ["reason", "valid_from", "recorded_at", "recorded_by", "key"]


@admin.register(Registration)
class RegistrationAdmin(ReadAuditedModelAdmin):
    list_display = ["person", "school_year", "registered_on", "reason", "unit", "county"]
    list_filter = ["county", "school_year", "reason", "unit"]
    search_fields = ["person__family_name", "person__given_name", "key"]
    inlines = [ReasonFactInline, StatusFactInline]
    list_select_related = ["person", "unit", "county"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
