"""The administrator keeps the subjects (audited); exam entries are read-only here, as they are
written through the services (the youth page)."""

from django.contrib import admin

from veiviser.audit.admin_mixins import AuditedModelAdmin, ReadAuditedModelAdmin
from veiviser.exams.models import ExamEntry, Subject


@admin.register(Subject)
class SubjectAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]


@admin.register(ExamEntry)
class ExamEntryAdmin(ReadAuditedModelAdmin):
    list_display = ["subject", "exam_date", "result", "grade", "county"]
    list_filter = ["result", "county"]
    readonly_fields = [f.name for f in ExamEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
