from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.core.admin_base import AuditedModelAdmin


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "kind", "parent", "region_code", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "code"]
    ordering = ["path"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Organisation and role"), {"fields": ("organisation", "role", "title", "phone", "leader")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Organisation and role"), {"fields": ("organisation", "role")}),
    )
