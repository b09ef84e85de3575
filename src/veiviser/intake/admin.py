"""The administrator sets a county's intake column mapping here (audited); the runs are shown
read-only, without their plans (the plan holds the rows' identity numbers and names)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from veiviser.audit.admin_mixins import AuditedModelAdmin
from veiviser.intake.models import FIELDS, ColumnMapping, IntakeRun


class ColumnMappingForm(forms.ModelForm):
    class Meta:
        model = ColumnMapping
        fields = ["county", "columns", "reason_values"]

    def clean_columns(self):
        columns = self.cleaned_data["columns"]
        if not isinstance(columns, dict):
            raise forms.ValidationError(_("Give an object: field → column header."))
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            raise forms.ValidationError(
                _("Unknown fields: %(fields)s."), params={"fields": ", ".join(unknown)}
            )
        return columns

    def clean_reason_values(self):
        values = self.cleaned_data["reason_values"] or {}
        if not isinstance(values, dict):
            raise forms.ValidationError(_("Give an object: the file's value → a reason code."))
        return values


@admin.register(ColumnMapping)
class ColumnMappingAdmin(AuditedModelAdmin):
    form = ColumnMappingForm
    list_display = ["county", "updated_at"]


@admin.register(IntakeRun)
class IntakeRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "county", "unit", "filename", "status", "rows", "created"]
    list_filter = ["status", "county"]
    exclude = ["plan"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
