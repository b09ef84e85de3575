from django.contrib import admin

from veiviser.codes.models import (
    AgeLimit,
    CountingDate,
    MainGroup,
    ReasonCode,
    ReasonGroup,
    StatusCode,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Code lists change through their data file and `veiviser loadcodes`, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusCode)
class StatusCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "main_group", "via", "valid_from", "valid_to"]
    list_filter = ["main_group"]


admin.site.register(MainGroup, ReadOnlyAdmin)
admin.site.register(ReasonGroup, ReadOnlyAdmin)
admin.site.register(ReasonCode, ReadOnlyAdmin)
admin.site.register(AgeLimit, ReadOnlyAdmin)
admin.site.register(CountingDate, ReadOnlyAdmin)
