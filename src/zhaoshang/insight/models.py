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


class Indicator(models.Model):
    """An indicator's definition: its name as the tables write it and the canonical unit its values are kept in."""

    permission_object = "reference"

    name = models.CharField(_("name"), max_length=100, unique=True)
    unit = models.CharField(_("unit"), max_length=20)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class IndicatorValue(models.Model):
    """One region × indicator × year value, in the indicator's canonical unit.

    Owned by an organisation (none: shared data loaded by an administrator); ``private`` values are visible only
    within the owning organisation's subtree (``accounts.scoping``). ``example`` marks invented (示例) figures.
    """

    permission_object = "indicator"
    scope_fields = ("organisation",)
    private_field = "private"

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    private = models.BooleanField(_("private"), default=False)
    region = models.CharField(_("region"), max_length=64)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=20)
    raw_value = models.CharField(_("value as written"), max_length=40, blank=True)
    raw_unit = models.CharField(_("unit as written"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    example = models.BooleanField(_("example (示例)"), default=False)
    source_file = models.CharField(_("file"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["indicator__name", "region", "year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "region", "indicator", "year"], name="insight_value_once_per_org"
            ),
            models.UniqueConstraint(
                fields=["region", "indicator", "year"],
                condition=models.Q(organisation__isnull=True),
                name="insight_value_once_shared",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "region", "year"])]

    def __str__(self) -> str:
        return f"{self.region} {self.indicator.name} {self.year}: {self.value} {self.unit}"


class PeerGroup(models.Model):
    """The home city and the cities it measures itself against, kept per organisation (editable)."""

    permission_object = "indicator"
    scope_fields = ("organisation",)

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="peers",
    )
    home = models.CharField(_("home city"), max_length=64)
    peers = models.JSONField(_("peer cities"), default=list)
    similarity_indicators = models.JSONField(_("indicators for similar cities"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("peer cities")
        verbose_name_plural = _("peer cities")

    def __str__(self) -> str:
        return f"{self.home}: {'、'.join(self.peers)}"
