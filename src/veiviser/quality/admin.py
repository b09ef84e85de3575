from django.contrib import admin

from veiviser.audit.admin_mixins import AuditedModelAdmin
from veiviser.organisation.models import County
from veiviser.quality.models import QualitySettings, Submission
from veiviser.quality.services import quality_settings_ensure


@admin.register(QualitySettings)
class QualitySettingsAdmin(AuditedModelAdmin):
    """Every county's data-quality settings; opening the list creates the missing ones with the
    defaults, so there is always one row per county to edit (and none to add or delete)."""

    list_display = ["county", "stale_months", "updated_at"]
    readonly_fields = ["county", "updated_at"]

    def changelist_view(self, request, extra_context=None):
        for county in County.objects.filter(quality_settings__isnull=True):
            quality_settings_ensure(actor=request.user, county=county)
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(AuditedModelAdmin):
    """The log of submission files: read-only, written only by `submission_produce`."""

    list_display = ["county", "on", "known_at", "produced_at", "produced_by", "rows", "sha256"]
    list_filter = ["county", "on"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
