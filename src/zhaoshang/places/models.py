"""Street networks, POIs and parks on the map."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.places.categories import CATEGORIES


class StreetNetwork(models.Model):
    """The walking network of one area, imported from an OSM extract (re-importing the area replaces it).

    The nodes and edges are stored as one compressed NumPy archive (``data``): a 1,000,000-node network is
    tens of megabytes there, against millions of rows as a table; the access core needs arrays anyway.
    """

    name = models.CharField(_("area"), max_length=200, unique=True)
    source_file = models.CharField(_("source file"), max_length=500, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)
    node_count = models.PositiveIntegerField(_("nodes"), default=0)
    edge_count = models.PositiveIntegerField(_("edges"), default=0)
    min_lon = models.FloatField(default=0)
    min_lat = models.FloatField(default=0)
    max_lon = models.FloatField(default=0)
    max_lat = models.FloatField(default=0)
    data = models.BinaryField(editable=False)
    is_demo = models.BooleanField(_("demo"), default=False)

    permission_object = "place_data"
    scope_fields = ()

    class Meta:
        verbose_name = _("street network")
        verbose_name_plural = _("street networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def contains(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat

    def bbox_distance(self, lon: float, lat: float) -> float:
        """Degrees from the point to the network's bounding box (0 inside)."""
        dx = max(self.min_lon - lon, 0.0, lon - self.max_lon)
        dy = max(self.min_lat - lat, 0.0, lat - self.max_lat)
        return (dx * dx + dy * dy) ** 0.5


class Poi(models.Model):
    """A point of interest in one category: from an OSM extract (``network``) or a POI file (``dataset``)."""

    class Source(models.TextChoices):
        OSM = "osm", "OpenStreetMap"
        FILE = "file", _("POI file")
        MANUAL = "manual", _("Placed by hand")

    network = models.ForeignKey(
        StreetNetwork,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pois",
        verbose_name=_("area"),
    )
    dataset = models.CharField(_("dataset"), max_length=200, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=[(c.code, c.label_en) for c in CATEGORIES]
    )
    type_code = models.CharField(_("type code"), max_length=50, blank=True)
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    is_demo = models.BooleanField(_("demo"), default=False)

    permission_object = "place_data"
    scope_fields = ()

    class Meta:
        verbose_name = _("point of interest")
        verbose_name_plural = _("points of interest")
        ordering = ["category", "name"]
        indexes = [models.Index(fields=["lon", "lat"], name="places_poi_lonlat")]

    def __str__(self) -> str:
        return self.name or self.source_ref or str(self.pk)


class Park(models.Model):
    """A park (园区) on the map: a point or a polygon, and the origins walks start from."""

    class OriginKind(models.TextChoices):
        POINT = "point", _("Point")
        BOUNDARY = "boundary", _("Boundary vertices")
        GATES = "gates", _("Gates")

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("park organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="park_sites",
    )
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    origins = models.JSONField(_("origins"), default=list)
    origin_kind = models.CharField(_("origins are"), max_length=10, choices=OriginKind.choices)
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    is_demo = models.BooleanField(_("demo"), default=False)
    #: optimistic locking (zhaoshang.core.locking): moved on by every edit made on the map
    version = models.PositiveIntegerField(_("version"), null=True, blank=True, editable=False)

    permission_object = "park_site"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("park on the map")
        verbose_name_plural = _("parks on the map")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CarrierSite(models.Model):
    """Where a carrier (a pipeline record: land, factory, office) lies on the map, placed by hand.

    Scoped like the carrier itself (``carrier`` rule, by the carrier's park organisation)."""

    carrier = models.OneToOneField(
        "pipeline.Carrier", verbose_name=_("carrier"), on_delete=models.CASCADE, related_name="site"
    )
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    #: optimistic locking (zhaoshang.core.locking): moved on by every edit
    version = models.PositiveIntegerField(_("version"), null=True, blank=True, editable=False)

    permission_object = "carrier"
    scope_fields = ("carrier__organisation",)

    class Meta:
        verbose_name = _("carrier location")
        verbose_name_plural = _("carrier locations")
        ordering = ["carrier"]

    def __str__(self) -> str:
        return f"{self.carrier} ({self.lon:.6f}, {self.lat:.6f})"


class PoiTypeCode(models.Model):
    """The editable table from a map platform's POI type codes (高德/天地图 six-digit codes) to our categories.

    A code matches by its longest prefix in this table; ``zhaoshang places type-codes`` lists it and the admin
    site edits it. Empty until first used, then filled with the defaults of ``poifile.DEFAULT_TYPE_CODES``.
    """

    prefix = models.CharField(_("type code prefix"), max_length=20, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=[(c.code, c.label_en) for c in CATEGORIES]
    )
    label = models.CharField(_("platform label"), max_length=100, blank=True)

    permission_object = "place_data"
    scope_fields = ()

    class Meta:
        verbose_name = _("POI type code")
        verbose_name_plural = _("POI type codes")
        ordering = ["prefix"]

    def __str__(self) -> str:
        return f"{self.prefix} → {self.category}"
