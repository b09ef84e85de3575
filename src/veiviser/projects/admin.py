"""Projects are kept here by the administrator too (audited); participants are read-only."""

from django.contrib import admin

from veiviser.audit.admin_mixins import AuditedModelAdmin, ReadAuditedModelAdmin
from veiviser.projects.models import Participant, Project


@admin.register(Project)
class ProjectAdmin(AuditedModelAdmin):
    list_display = ["name", "county", "unit", "starts_on", "ends_on"]
    list_filter = ["county"]
    search_fields = ["name"]
    filter_horizontal = ["workers"]


@admin.register(Participant)
class ParticipantAdmin(ReadAuditedModelAdmin):
    list_display = ["project", "joined_on", "outcome", "county"]
    list_filter = ["outcome", "county"]
    readonly_fields = [f.name for f in Participant._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
