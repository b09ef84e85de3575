"""Preventive cases and meetings are read-only in the admin (written through the services);
every opening of one is audited, as they hold personal data."""

from django.contrib import admin

from veiviser.audit.admin_mixins import ReadAuditedModelAdmin
from veiviser.prevention.models import ClarificationMeeting, PreventiveCase


class ReadOnly(ReadAuditedModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PreventiveCase)
class PreventiveCaseAdmin(ReadOnly):
    list_display = ["kind", "started_on", "outcome", "dropout_reason", "county"]
    list_filter = ["kind", "outcome", "county"]


@admin.register(ClarificationMeeting)
class ClarificationMeetingAdmin(ReadOnly):
    list_display = ["held_on", "county"]
    exclude = ["summary"]
