"""The category tree (limits, default departments) and the departments created by imports, for administrators."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from zhaoshang.core.admin_base import AuditedModelAdmin
from zhaoshang.service.models import Category, DepartmentReview


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = (
        "code",
        "name",
        "parent",
        "department",
        "response_days",
        "handling_days",
        "urgent_handling_days",
        "order",
    )
    list_editable = ("department", "response_days", "handling_days", "urgent_handling_days", "order")


@admin.register(DepartmentReview)
class DepartmentReviewAdmin(AuditedModelAdmin):
    list_display = (
        "name_as_written",
        "organisation",
        "created_at",
        "confirmed_at",
        "confirmed_by",
        "merged_into",
    )
    list_filter = ("confirmed_at",)
    actions = ("confirm",)

    @admin.action(description="确认这些承办单位")
    def confirm(self, request, queryset):
        queryset.filter(confirmed_at__isnull=True).update(
            confirmed_at=timezone.now(), confirmed_by=request.user
        )
