"""Admin pages write through the audit log like the services do."""

from __future__ import annotations

from django.contrib import admin

from zhaoshang.core import audit
from zhaoshang.core.models import AuditEntry


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        if change:
            changed = {
                name: [form.initial.get(name), form.cleaned_data.get(name)] for name in form.changed_data
            }
            super().save_model(request, obj, form, change)
            if changed:
                audit.record(request.user, AuditEntry.Action.UPDATE, obj, changed, note="admin")
        else:
            super().save_model(request, obj, form, change)
            audit.record(
                request.user,
                AuditEntry.Action.CREATE,
                obj,
                {n: [None, form.cleaned_data.get(n)] for n in form.changed_data},
                note="admin",
            )

    def delete_model(self, request, obj):
        audit.record(request.user, AuditEntry.Action.DELETE, obj, {}, note="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(request.user, AuditEntry.Action.DELETE, obj, {}, note="admin")
        super().delete_queryset(request, queryset)
