from django.contrib import admin

from veiviser.reports.models import Narrative, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are made by `veiviser report` or the web page, never edited."""

    list_display = ("county", "school_year", "format", "status", "known_at", "created_at")
    list_filter = ("county", "school_year", "status")
    exclude = ("file",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Narrative)
class NarrativeAdmin(admin.ModelAdmin):
    list_display = ("county", "key", "version", "created_at", "created_by")
    list_filter = ("county", "key")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
