from django.contrib import admin

from veiviser.audit.admin_mixins import AuditedModelAdmin
from veiviser.privacy.models import RetentionSettings


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(AuditedModelAdmin):
    list_display = ["county", "years", "updated_at"]
