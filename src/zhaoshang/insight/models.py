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


class ComplexitySnapshot(models.Model):
    """A registry-built complexity (firms or capital per region × industry or chain node), computed by
    :func:`zhaoshang.insight.analysis_services.build_snapshot` and stored so that pages read it instead of recomputing.

    The arrays (locations, activities, RCA, presence, density, COG, ECI, PCI, proximity …) are kept as one
    compressed NumPy archive in ``arrays``; ``labels`` names the activities (industry name, chain node path).
    """

    permission_object = "reference"

    class By(models.TextChoices):
        DIVISION = "division", _("GB/T 4754 division")
        GROUP = "group", _("GB/T 4754 group")
        CLASS = "class", _("GB/T 4754 class")
        NODE = "node", _("Chain node")

    class Measure(models.TextChoices):
        FIRMS = "firms", _("Firms")
        CAPITAL = "capital", _("Registered capital")

    class Level(models.TextChoices):
        COUNTY = "county", _("County")
        CITY = "city", _("City")

    name = models.CharField(_("name"), max_length=100, unique=True)
    by = models.CharField(_("activities"), max_length=10, choices=By.choices, default=By.CLASS)
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices, default=Measure.FIRMS)
    level = models.CharField(_("locations"), max_length=10, choices=Level.choices, default=Level.COUNTY)
    region_prefix = models.CharField(_("region code prefix"), max_length=6, blank=True)
    chain = models.SlugField(_("chain"), max_length=80, blank=True)
    locations = models.PositiveIntegerField(_("locations"), default=0)
    activities = models.PositiveIntegerField(_("activities"), default=0)
    firms = models.PositiveIntegerField(_("value total"), default=0)
    seconds = models.FloatField(_("compute seconds"), default=0)
    arrays = models.BinaryField(_("arrays"))
    labels = models.JSONField(_("labels"), default=dict, blank=True)
    built_at = models.DateTimeField(_("built"), auto_now=True)
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]
        verbose_name = _("complexity snapshot")
        verbose_name_plural = _("complexity snapshots")

    def __str__(self) -> str:
        return self.name


class IOSectorMapping(models.Model):
    """One input-output sector of a table layout (149, 153 or 42 sectors) mapped to GB/T 4754 codes (any level;
    a firm's code belongs to the sector with the longest matching code) and to chain nodes (``slug:key``).
    Shipped in ``insight/data/io_sectors.csv``; editable by administrators (admin, import/export)."""

    permission_object = "reference"

    table = models.CharField(_("table layout (sectors)"), max_length=10)
    io_code = models.CharField(_("IO sector code"), max_length=10)
    io_name = models.CharField(_("IO sector"), max_length=100)
    gbt4754 = models.CharField(_("GB/T 4754 codes"), max_length=255, blank=True)
    chain_nodes = models.TextField(_("chain nodes"), blank=True)

    class Meta:
        ordering = ["table", "io_code"]
        verbose_name = _("IO sector mapping")
        verbose_name_plural = _("IO sector mappings")
        constraints = [models.UniqueConstraint(fields=["table", "io_code"], name="unique_io_sector_mapping")]

    def __str__(self) -> str:
        return f"{self.table}/{self.io_code} {self.io_name}"
