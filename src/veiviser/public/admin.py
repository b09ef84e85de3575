"""Referrals in the Django admin: read-only (they change through the services), every opening
audited, as persons are."""

from django.contrib import admin

from veiviser.audit.admin_mixins import ReadAuditedModelAdmin
from veiviser.public.models import Referral


@admin.register(Referral)
class ReferralAdmin(ReadAuditedModelAdmin):
    list_display = ("received_at", "county", "unit", "status", "asker")
    list_filter = ("county", "status", "asker")
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request, obj=None):
        return False
