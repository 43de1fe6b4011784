from django.contrib import admin

from zhaoshang.core.admin_base import AuditedModelAdmin
from zhaoshang.insight.models import ComplexitySnapshot, IOSectorMapping


@admin.register(IOSectorMapping)
class IOSectorMappingAdmin(AuditedModelAdmin):
    """The IO sector → GB/T 4754 / chain node table: editable by administrators (audited)."""

    list_display = ["table", "io_code", "io_name", "gbt4754", "chain_nodes"]
    list_filter = ["table"]
    search_fields = ["io_code", "io_name", "gbt4754", "chain_nodes"]
    list_editable = ["gbt4754"]


@admin.register(ComplexitySnapshot)
class ComplexitySnapshotAdmin(admin.ModelAdmin):
    list_display = ["name", "by", "measure", "level", "region_prefix", "locations", "activities", "built_at"]
    readonly_fields = [f.name for f in ComplexitySnapshot._meta.fields]

    def has_add_permission(self, request):
        return False
