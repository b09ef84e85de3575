from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from veiviser.audit.admin_mixins import AuditedModelAdmin
from veiviser.organisation.models import County, Municipality, Unit, User


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0
    fields = ["number", "name"]


@admin.register(County)
class CountyAdmin(AuditedModelAdmin):
    list_display = ["number", "name", "valid_from", "valid_to"]


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["name", "county", "key", "closed_on"]
    list_filter = ["county"]
    inlines = [MunicipalityInline]


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    list_display = ["number", "name", "county", "unit"]
    list_filter = ["county", "unit"]


@admin.register(User)
class StaffUserAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "county", "unit", "is_active"]
    list_filter = ["role", "county", "unit", "is_active"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Role in OT"), {"fields": ("role", "county", "unit")}),
    )
