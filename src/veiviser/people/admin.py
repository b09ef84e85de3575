from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from veiviser.audit.admin_mixins import ReadAuditedModelAdmin
from veiviser.people.models import Guardian, Person


class GuardianInline(admin.TabularInline):
    model = Guardian
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MissingNumberFilter(admin.SimpleListFilter):
    title = _("identity number")
    parameter_name = "number"

    def lookups(self, request, model_admin):
        return [("missing", _("Missing (flagged)")), ("present", _("Present"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(fnr__isnull=True)
        if self.value() == "present":
            return queryset.filter(fnr__isnull=False)
        return queryset


@admin.register(Person)
class PersonAdmin(ReadAuditedModelAdmin):
    # Read-only: changes go through the services (import, and the casework UI to come), which
    # validate identity numbers. Opening a person's page is audited.
    list_display = ["family_name", "given_name", "birth_date", "municipality", "county"]
    list_filter = ["county", MissingNumberFilter]
    search_fields = ["family_name", "given_name", "fnr", "key"]
    inlines = [GuardianInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
