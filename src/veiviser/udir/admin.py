"""Udir's imported tables, read-only (they are imported with `veiviser udir-import` or on the
comparison page, never edited)."""

from django.contrib import admin

from veiviser.udir.models import UdirTable


@admin.register(UdirTable)
class UdirTableAdmin(admin.ModelAdmin):
    list_display = ["version", "filename", "rows", "imported_at", "imported_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
