"""API clients in the Django admin: the administrator creates a client (its token is shown
once, on the page after saving), changes its purpose or rate limit, issues a new token when the
old one expires (shown once), and revokes it."""

from django import forms
from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from veiviser.api import services
from veiviser.api.models import SCOPES, ApiClient
from veiviser.audit.admin_mixins import AuditedModelAdmin
from veiviser.organisation.models import Unit
from veiviser.problems import ValidationFailed


class ApiClientAddForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.ModelChoiceField(
        label=_("unit"),
        queryset=Unit.objects.all(),
        required=False,
        help_text=_("Keep the client to one unit of the county (empty: the whole county)."),
    )

    class Meta:
        model = ApiClient
        fields = ["name", "purpose", "county", "scopes", "rate_limit"]

    def clean(self):
        data = super().clean()
        unit, county = data.get("unit"), data.get("county")
        if unit is not None and county is not None and unit.county_id != county.pk:
            self.add_error("unit", _("the unit belongs to another county"))
        return data


@admin.register(ApiClient)
class ApiClientAdmin(AuditedModelAdmin):
    list_display = [
        "name",
        "county",
        "unit",
        "scopes",
        "token_hint",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["county", "expires_at", "revoked_at"]
    search_fields = ["name", "purpose"]
    actions = ["renew", "revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "purpose", "county", "unit", "scopes", "rate_limit"]
        return [
            "name",
            "purpose",
            "county",
            "user",
            "scopes",
            "rate_limit",
            "token_hint",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "name",
            "county",
            "user",
            "scopes",
            "token_hint",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]

    @admin.display(description=_("unit"))
    def unit(self, obj):
        return obj.user.unit or "–"

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit trail refers to the client's user

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        try:
            client, token = services.apiclient_create(
                actor=request.user,
                name=data["name"],
                county=data["county"],
                scopes=list(data["scopes"]),
                purpose=data["purpose"],
                rate_limit=data["rate_limit"],
                unit=data.get("unit"),
            )
        except ValidationFailed as exc:  # the form checked the shape; a race is left
            messages.error(request, str(exc))
            raise
        obj.pk = client.pk
        obj._state.adding = False
        messages.warning(
            request,
            _(
                "The token of %(name)s is shown only this once; give it to the system's "
                "operator now: %(token)s"
            )
            % {"name": client.name, "token": token},
        )

    @admin.action(description=_("Issue new tokens for the selected clients"))
    def renew(self, request, queryset):
        for client in queryset.select_related("user"):
            try:
                token = services.apiclient_renew(actor=request.user, client=client)
            except ValidationFailed as exc:
                messages.error(request, f"{client.name}: {exc}")
                continue
            messages.warning(
                request,
                _(
                    "The new token of %(name)s (it expires %(expires)s; the old one no longer "
                    "works) is shown only this once: %(token)s"
                )
                % {
                    "name": client.name,
                    "expires": date_format(localtime(client.expires_at), "DATETIME_FORMAT"),
                    "token": token,
                },
            )

    @admin.action(description=_("Revoke the selected clients' tokens"))
    def revoke(self, request, queryset):
        done = sum(
            services.apiclient_revoke(actor=request.user, client=client)
            for client in queryset.select_related("user")
        )
        messages.success(request, _("%(count)d clients revoked.") % {"count": done})
