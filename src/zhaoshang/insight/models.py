"""Insight data: national input-output tables (reference data, the same for every organisation)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InputOutputTable(models.Model):
    """An imported input-output table; the matrices are kept as JSON (153 sectors: about 0.5 MB)."""

    permission_object = "reference"

    name = models.CharField(_("name"), max_length=100, unique=True)
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    sectors = models.PositiveIntegerField(_("sectors"))
    noncompetitive = models.BooleanField(_("imports separated"), default=False)
    source_file = models.CharField(_("file"), max_length=255, blank=True)
    data = models.JSONField(_("table"))
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("input-output table")
        verbose_name_plural = _("input-output tables")

    def __str__(self) -> str:
        return self.name

    def table(self):
        from zhaoshang.insight.io import IOTable

        return IOTable.from_json(self.data)
