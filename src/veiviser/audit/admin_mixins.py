"""The Django admin writes and reads through the audit trail too.

`AuditedModelAdmin` logs every save and delete made in the admin; `ReadAuditedModelAdmin` also
logs every opening of a record's page, for records that hold personal data.
"""

from django.contrib import admin
from django.db import transaction

from veiviser.audit import services as audit


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            verb = "changed" if change else "created"
            audit.log(
                request.user,
                f"admin.{obj._meta.label_lower}.{verb}",
                obj,
                data={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.log(request.user, f"admin.{obj._meta.label_lower}.deleted", obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit.log(request.user, f"admin.{obj._meta.label_lower}.deleted", obj)
            super().delete_queryset(request, queryset)


class ReadAuditedModelAdmin(AuditedModelAdmin):
    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit.log(request.user, f"{obj._meta.label_lower}.viewed", obj)
        return response
