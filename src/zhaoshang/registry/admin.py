"""Firms in the admin: only the 规上 flag is set here (no firm edit); everything else comes from imports."""

from __future__ import annotations

from django.contrib import admin

from zhaoshang.core.admin_base import AuditedModelAdmin
from zhaoshang.registry.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin):
    list_display = ("name", "uscc", "organisation", "above_scale", "listed")
    list_editable = ("above_scale",)
    list_filter = ("above_scale",)
    search_fields = ("name", "uscc")
    fields = ("name", "uscc", "organisation", "above_scale")
    readonly_fields = ("name", "uscc", "organisation")
    list_select_related = ("organisation",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
