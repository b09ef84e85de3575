from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from veiviser.people.models import Guardian, Person


class GuardianInline(admin.TabularInline):
    model = Guardian
    extra = 0


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
class PersonAdmin(admin.ModelAdmin):
    # Read-only until the casework UI brings the access policy and audited views; the admin
    # is the operator's window on the registry for the foundation.
    list_display = ["family_name", "given_name", "birth_date", "municipality", "county"]
    list_filter = ["county", MissingNumberFilter]
    search_fields = ["family_name", "given_name", "fnr", "key"]
    inlines = [GuardianInline]
    readonly_fields = ["created_at", "updated_at"]
