from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from veiviser.audit.admin_mixins import ReadAuditedModelAdmin
from veiviser.organisation.models import County
from veiviser.people.models import Guardian, Person
from veiviser.people.selectors import likely_duplicates


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


class LikelyDuplicateFilter(admin.SimpleListFilter):
    title = _("likely duplicates")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("Same name and birth date as another person"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        ids = [
            person.pk
            for county in County.objects.all()
            for group in likely_duplicates(county)
            for person in group
        ]
        return queryset.filter(pk__in=ids)


@admin.register(Person)
class PersonAdmin(ReadAuditedModelAdmin):
    # Read-only: changes go through the services (import, and the casework UI to come), which
    # validate identity numbers. Opening a person's page is audited.
    list_display = ["family_name", "given_name", "birth_date", "municipality", "county"]
    list_filter = ["county", MissingNumberFilter, LikelyDuplicateFilter]
    search_fields = ["family_name", "given_name", "fnr", "key"]
    inlines = [GuardianInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
