"""The administrator edits letter texts, letterheads and contact details here (audited).

Editing a letter text saves a new version and retires the old one; letters already made keep
the version they were made from, so old versions can be read but not changed or deleted.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from veiviser.audit.admin_mixins import AuditedModelAdmin
from veiviser.letters import render, services
from veiviser.letters.models import (
    LetterBatch,
    Letterhead,
    LetterTemplate,
    StaffContact,
    UnitContact,
)


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["key", "kind", "audience", "title", "body"]

    def clean_body(self):
        body = self.cleaned_data["body"]
        problem = render.check_body(body)
        if problem:
            raise forms.ValidationError(
                _("The text is not a valid letter template: %(problem)s"),
                params={"problem": problem},
            )
        return body

    def clean_title(self):
        title = self.cleaned_data["title"]
        problem = render.check_body(title)
        if problem:
            raise forms.ValidationError(
                _("The text is not a valid letter template: %(problem)s"),
                params={"problem": problem},
            )
        return title


@admin.register(LetterTemplate)
class LetterTemplateAdmin(AuditedModelAdmin):
    form = LetterTemplateForm
    list_display = ["title", "key", "version", "kind", "audience", "active", "created_at"]
    list_filter = ["active", "kind", "audience"]
    readonly_fields = ["version", "active", "created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "key"] if obj is not None else fields

    def has_change_permission(self, request, obj=None):
        # Only the version in use can be edited (into a new version).
        if obj is not None and not obj.active:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            services.template_new_version(obj, actor=request.user)
        else:
            latest = LetterTemplate.objects.filter(key=obj.key).order_by("-version").first()
            if latest is not None:
                services.template_new_version(obj, actor=request.user)
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Letterhead)
class LetterheadAdmin(AuditedModelAdmin):
    list_display = ["sender", "county", "phone", "email"]


@admin.register(UnitContact)
class UnitContactAdmin(AuditedModelAdmin):
    list_display = ["unit", "phone", "email"]
    list_filter = ["unit__county"]


@admin.register(StaffContact)
class StaffContactAdmin(AuditedModelAdmin):
    list_display = ["user", "phone"]


@admin.register(LetterBatch)
class LetterBatchAdmin(admin.ModelAdmin):
    """The information-letter batches and their progress (no personal data: counts only)."""

    list_display = ["created_at", "county", "unit", "since", "status", "total", "done", "skipped"]
    list_filter = ["status", "county"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
