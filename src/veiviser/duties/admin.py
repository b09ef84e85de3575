from django.contrib import admin

from veiviser.audit.admin_mixins import AuditedModelAdmin
from veiviser.duties.models import DeadlineSettings
from veiviser.duties.services import deadline_settings_ensure
from veiviser.organisation.models import County


@admin.register(DeadlineSettings)
class DeadlineSettingsAdmin(AuditedModelAdmin):
    """Every county's deadlines; opening the list creates the missing ones with the defaults,
    so there is always one row per county to edit (and none to add or delete)."""

    list_display = [
        "county",
        "first_contact_days",
        "renewed_contact_days",
        "information_days",
        "plan_days",
        "updated_at",
    ]
    readonly_fields = ["county", "updated_at"]

    def changelist_view(self, request, extra_context=None):
        for county in County.objects.filter(deadline_settings__isnull=True):
            deadline_settings_ensure(actor=request.user, county=county)
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
