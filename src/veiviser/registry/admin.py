from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from veiviser.audit.admin_mixins import ReadAuditedModelAdmin
from veiviser.codes.models import ReasonGroup
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
    list_display = ["person", "school_year", "registered_on", "reason_name", "unit", "county"]
    list_filter = ["county", "school_year", "reason", "unit"]
    ordering = ["-school_year", "-registered_on", "person__family_name"]
    search_fields = ["person__family_name", "person__given_name", "key"]
    inlines = [ReasonFactInline, StatusFactInline]
    list_select_related = ["person", "unit", "county"]

    def get_queryset(self, request):
        names = ReasonGroup.objects.filter(key=OuterRef("reason")).values("name")[:1]
        return super().get_queryset(request).annotate(reason_name=Subquery(names))

    @admin.display(description=_("reason group"), ordering="reason")
    def reason_name(self, obj):
        return obj.reason_name or obj.reason

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
