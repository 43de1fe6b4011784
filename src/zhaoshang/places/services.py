"""Places services: import networks, POIs and parks; walking access for parks and every node.

Views, the API and the CLI are thin adapters over these functions. Writes happen in one transaction with
an audit entry; the analytic work is in the plain-Python cores (``osm``, ``access``, ``parks``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit
from zhaoshang.core.errors import DomainError
from zhaoshang.core.models import AuditEntry
from zhaoshang.places import access as core
from zhaoshang.places.categories import CODES, INDEX
from zhaoshang.places.models import CarrierSite, Park, Poi, StreetNetwork
from zhaoshang.places.osm import OsmError, area_name, read_osm
from zhaoshang.places.parks import ParkFileError, read_parks
from zhaoshang.tabular import Sheet, write_workbook, write_xlsx


class PlacesError(DomainError):
    """A places domain error: ``code`` for the API, a message for people (a core's, said by its code)."""


def _wrap(exc: ValueError) -> PlacesError:
    """A core's error as a places error: the same message, code and params (the edge says it by its code)."""
    if isinstance(exc, DomainError):
        return PlacesError(exc.message, code=exc.code, **exc.params)
    return PlacesError(str(exc), code="invalid")


def walk_speed() -> float:
    return float(getattr(settings, "PLACES_WALK_SPEED_M_PER_MIN", core.DEFAULT_SPEED_M_PER_MIN))


# --- networks -----------------------------------------------------------------------------------------------


def _pack(node_ids, lon, lat, edge_u, edge_v, edge_length) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        node_ids=np.asarray(node_ids, dtype=np.int64),
        lon=np.asarray(lon, dtype=np.float64),
        lat=np.asarray(lat, dtype=np.float64),
        edge_u=np.asarray(edge_u, dtype=np.int32),
        edge_v=np.asarray(edge_v, dtype=np.int32),
        edge_length=np.asarray(edge_length, dtype=np.float64),
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class NetworkData:
    network_id: int
    node_ids: np.ndarray
    graph: core.Graph
    snapper: core.Snapper
    edge_u: np.ndarray
    edge_v: np.ndarray


_cache: dict[int, tuple[Any, NetworkData]] = {}
_cache_lock = threading.Lock()


def load_network(network: StreetNetwork) -> NetworkData:
    """The network's graph and snapper, cached per process until the area is re-imported."""
    with _cache_lock:
        hit = _cache.get(network.pk)
        if hit and hit[0] == network.imported_at:
            return hit[1]
    data = network.data
    if data is None or (not isinstance(data, (bytes, bytearray)) and not hasattr(data, "tobytes")):
        raise PlacesError(
            _("The street network data of the area “%(area)s” is missing; import it again")
            % {"area": network.name},
            code="network_missing",
        )
    with np.load(io.BytesIO(bytes(data))) as arrays:
        node_ids = arrays["node_ids"]
        lon, lat = arrays["lon"], arrays["lat"]
        edge_u, edge_v, edge_length = arrays["edge_u"], arrays["edge_v"], arrays["edge_length"]
    graph = core.build_graph(lon, lat, edge_u, edge_v, edge_length)
    loaded = NetworkData(network.pk, node_ids, graph, core.Snapper(lon, lat), edge_u, edge_v)
    with _cache_lock:
        if len(_cache) > 8:
            _cache.clear()
        _cache[network.pk] = (network.imported_at, loaded)
    return loaded


def import_osm(
    path: str | Path,
    *,
    area: str | None = None,
    actor: Actor = None,
    progress: Callable[[int], None] | None = None,
    is_demo: bool = False,
) -> dict[str, Any]:
    """Import an OSM extract as the walking network and OSM POIs of ``area`` (replacing what it had)."""
    path = Path(path)
    area = (area or area_name(path)).strip()
    if not area:
        raise PlacesError(_("The area name must not be empty"), code="bad_area")
    try:
        extract = read_osm(path, progress=progress)
    except OsmError as exc:
        raise _wrap(exc) from exc
    if extract.node_ids.size == 0:
        raise PlacesError(
            _("The file %(file)s has no walkable streets") % {"file": path.name}, code="no_network"
        )
    blob = _pack(
        extract.node_ids, extract.lon, extract.lat, extract.edge_u, extract.edge_v, extract.edge_length
    )
    graph_edges = core.build_graph(
        extract.lon, extract.lat, extract.edge_u, extract.edge_v, extract.edge_length
    ).n_edges
    min_lon, min_lat, max_lon, max_lat = extract.bbox
    with transaction.atomic():
        network = StreetNetwork.objects.select_for_update().filter(name=area).first()
        replaced = network is not None
        if network is None:
            network = StreetNetwork(name=area)
        network.source_file = path.name
        network.node_count = int(extract.node_ids.size)
        network.edge_count = int(graph_edges)
        network.min_lon, network.min_lat, network.max_lon, network.max_lat = (
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        )
        network.data = blob
        network.is_demo = is_demo
        network.save()
        removed, _by_model = Poi.objects.filter(network=network).delete()
        Poi.objects.bulk_create(
            [
                Poi(
                    network=network,
                    source=Poi.Source.OSM,
                    source_ref=p.ref,
                    name=p.name[:300],
                    category=CODES[p.category],
                    type_code=";".join(f"{k}={v}" for k, v in p.tags.items() if k in _TYPE_KEYS)[:50],
                    lon=p.lon,
                    lat=p.lat,
                    is_demo=is_demo,
                )
                for p in extract.pois
            ],
            batch_size=2000,
        )
        summary = {
            "area": area,
            "replaced": replaced,
            "nodes": network.node_count,
            "edges": network.edge_count,
            "length_km": round(float(extract.edge_length.sum()) / 1000, 3),
            "ways_walked": extract.ways_walked,
            "ways_excluded": extract.ways_excluded,
            "pois": len(extract.pois),
            "pois_by_category": {c: sum(1 for p in extract.pois if CODES[p.category] == c) for c in CODES},
            "elements_read": extract.elements_read,
        }
        audit.record(
            actor,
            AuditEntry.Action.IMPORT,
            network,
            {k: v for k, v in summary.items() if k != "pois_by_category"},
            note=path.name,
        )
    with _cache_lock:
        _cache.pop(network.pk, None)
    return summary


_TYPE_KEYS = {"amenity", "shop", "tourism", "leisure", "highway", "railway", "public_transport"}


def network_for_point(lon: float, lat: float, name: str | None = None) -> StreetNetwork:
    """The network named ``name``, else the newest network containing the point, else the nearest one."""
    networks = StreetNetwork.objects.defer("data")
    if name:
        network = networks.filter(name=name).first()
        if network is None:
            raise PlacesError(
                _("There is no street network area named “%(area)s”") % {"area": name},
                code="network_not_found",
            )
        return network
    candidates = list(networks.order_by("-imported_at", "-pk"))
    if not candidates:
        raise PlacesError(
            _("No street network has been imported yet: first run zhaoshang places import-osm FILE"),
            code="no_network",
        )
    inside = [n for n in candidates if n.contains(lon, lat)]
    if inside:
        return inside[0]
    return min(candidates, key=lambda n: n.bbox_distance(lon, lat))


def _network_with_data(network: StreetNetwork) -> StreetNetwork:
    if "data" in network.get_deferred_fields():
        return StreetNetwork.objects.get(pk=network.pk)
    return network


def pois_for_network(network: StreetNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """POIs used with a network: its own OSM POIs, plus POIs from files that lie inside its bounding box."""
    rows = Poi.objects.filter(
        Q(network=network)
        | Q(
            network__isnull=True,
            lon__gte=network.min_lon,
            lon__lte=network.max_lon,
            lat__gte=network.min_lat,
            lat__lte=network.max_lat,
        )
    ).values_list("lon", "lat", "category")
    lon, lat, cats = [], [], []
    for x, y, c in rows.iterator(chunk_size=5000):
        if c in INDEX:
            lon.append(x)
            lat.append(y)
            cats.append(INDEX[c])
    return (
        np.asarray(lon, dtype=np.float64),
        np.asarray(lat, dtype=np.float64),
        np.asarray(cats, dtype=np.int64),
    )


# --- parks --------------------------------------------------------------------------------------------------


def _organisation_for(text: str) -> Organisation | None:
    if not text:
        return None
    return Organisation.objects.filter(Q(code=text) | Q(name=text)).order_by("pk").first()


def import_parks(path: str | Path, *, actor: Actor = None, is_demo: bool = False) -> dict[str, Any]:
    """Create or update parks from GeoJSON by name; links each to its park organisation when one matches."""
    try:
        specs = read_parks(path)
    except ParkFileError as exc:
        raise _wrap(exc) from exc
    created = updated = unchanged = 0
    with transaction.atomic():
        for spec in specs:
            organisation = _organisation_for(spec.organisation) or _organisation_for(spec.name)
            fields = {
                "geometry": spec.geometry,
                "origins": spec.origins,
                "origin_kind": spec.origin_kind,
                "lon": spec.lon,
                "lat": spec.lat,
                "is_demo": is_demo,
            }
            if organisation is not None:
                fields["organisation"] = organisation
            park = Park.objects.select_for_update().filter(name=spec.name).first()
            if park is None:
                audit.create(actor, Park, name=spec.name, **fields)
                created += 1
            elif audit.update(actor, park, note=Path(path).name, **fields):
                updated += 1
            else:
                unchanged += 1
    return {"parks": len(specs), "created": created, "updated": updated, "unchanged": unchanged}


def find_park(name_or_id: str) -> Park:
    park = Park.objects.filter(name=name_or_id).first()
    if park is None and str(name_or_id).isdigit():
        park = Park.objects.filter(pk=int(name_or_id)).first()
    if park is None:
        raise PlacesError(
            _("There is no park named “%(park)s”") % {"park": name_or_id}, code="park_not_found"
        )
    return park


# --- placing parks and carriers by hand on the map -----------------------------------------------------------

#: how far (degrees, ~2 km) outside every network's bounding box a point placed by hand may lie
PLACE_MARGIN_DEG = 0.02


def parse_point(lon: Any, lat: Any) -> tuple[float, float]:
    """A WGS-84 point typed or tapped on the map, or a PlacesError naming the field."""
    out = []
    for label, value, bound in ((_("Longitude"), lon, 180.0), (_("Latitude"), lat, 90.0)):
        try:
            number = float(str(value).strip())
        except (TypeError, ValueError):
            raise PlacesError(
                _("%(label)s “%(value)s” is not a number") % {"label": label, "value": value},
                code="bad_point",
                field=label,
            ) from None
        if not (-bound <= number <= bound):  # also rejects NaN
            raise PlacesError(
                _("%(label)s %(number)s is out of range (±%(bound)s)")
                % {"label": label, "number": number, "bound": f"{bound:g}"},
                code="bad_point",
                field=label,
            )
        out.append(number)
    lon_f, lat_f = out
    networks = list(StreetNetwork.objects.defer("data"))
    if networks and min(n.bbox_distance(lon_f, lat_f) for n in networks) > PLACE_MARGIN_DEG:
        raise PlacesError(
            _("(%(lon)s, %(lat)s) is not near any imported street network; pick the point on the map")
            % {"lon": f"{lon_f:.6f}", "lat": f"{lat_f:.6f}"},
            code="off_network",
            field=_("Longitude"),
        )
    return lon_f, lat_f


def _boundary_origins(geometry: dict[str, Any]) -> list[list[float]]:
    from zhaoshang.places.parks import parse_parks

    feature = {"type": "Feature", "properties": {"name": "_"}, "geometry": geometry}
    return parse_parks(feature)[0].origins


@transaction.atomic
def place_park(
    actor: Actor, park: Park, lon: Any, lat: Any, *, mode: str = "point", expected_version: int | None = None
) -> ParkAccess:
    """Set a park's location by hand, then recompute its access (returned).

    ``mode``: ``point`` moves a Point park; for a Polygon park ``gate`` adds a gate (the gates replace the
    boundary as origins) and ``boundary`` goes back to the boundary vertices. ``expected_version``: the
    version the editor read; a park changed since is refused (StaleEdit), nothing written.
    """
    from zhaoshang.core.locking import claim_version

    polygon = park.geometry.get("type") in ("Polygon", "MultiPolygon")
    if mode == "boundary":
        if not polygon:
            raise PlacesError(
                _("Only a polygon park can go back to its boundary as origins"), code="bad_mode"
            )
        fields: dict[str, Any] = {
            "origins": _boundary_origins(park.geometry),
            "origin_kind": Park.OriginKind.BOUNDARY,
        }
    else:
        point = list(parse_point(lon, lat))
        if mode == "point" and not polygon:
            fields = {
                "geometry": {"type": "Point", "coordinates": point},
                "origins": [point],
                "origin_kind": Park.OriginKind.POINT,
                "lon": point[0],
                "lat": point[1],
            }
        elif mode in ("point", "gate") and polygon:
            gates = list(park.origins) if park.origin_kind == Park.OriginKind.GATES else []
            fields = {"origins": gates + [point], "origin_kind": Park.OriginKind.GATES}
        else:
            raise PlacesError(
                _("A point park cannot have gates; move the park's location instead"), code="bad_mode"
            )
    claim_version(park, expected_version)
    audit.update(actor, park, note="地图上放置", **fields)
    return park_access(park)


@transaction.atomic
def place_carrier(
    actor: Actor,
    carrier: Any,
    lon: Any,
    lat: Any,
    *,
    park: Park | None = None,
    expected_version: int | None = None,
) -> CarrierSite:
    """Put a carrier (pipeline) on the map, or move it; audited, optimistic locking when it had a location.

    ``park``: the park whose map it was placed on; the carrier must belong to that park's organisation.
    """
    from django.db import IntegrityError

    from zhaoshang.accounts.scoping import check_reference
    from zhaoshang.core.locking import StaleEdit, claim_version

    check_reference(actor, carrier, field=_("Carrier"))
    if park is not None and carrier.organisation_id != park.organisation_id:
        raise PlacesError(
            _("The carrier “%(carrier)s” does not belong to the park “%(park)s”")
            % {"carrier": carrier.name, "park": park.name},
            code="carrier_not_in_park",
            field=_("Carrier"),
        )
    x, y = parse_point(lon, lat)
    site = CarrierSite.objects.select_for_update().filter(carrier=carrier).first()
    if site is None:
        if expected_version:  # the editor saw a location that no longer exists
            raise StaleEdit([])
        try:
            with transaction.atomic():
                site = audit.create(actor, CarrierSite, carrier=carrier, lon=x, lat=y, version=1)
        except IntegrityError:  # placed by someone else at the same moment
            raise StaleEdit([]) from None
        return site
    claim_version(site, expected_version)
    audit.update(actor, site, note="地图上放置", lon=x, lat=y)
    return site


# --- access -------------------------------------------------------------------------------------------------


@dataclass
class ParkAccess:
    park: Park
    network: StreetNetwork
    minutes: tuple[int, ...]
    speed: float
    counts: dict[str, dict[str, int]]  # minutes (as text) -> category -> count
    origin_nodes: np.ndarray
    snap_offsets_m: np.ndarray

    def as_json(self) -> dict[str, Any]:
        return {"park": self.park.name, "minutes": self.counts}


def _origin_nodes(park: Park, data: NetworkData) -> tuple[np.ndarray, np.ndarray]:
    origins = park.origins or [[park.lon, park.lat]]
    lon = [float(p[0]) for p in origins]
    lat = [float(p[1]) for p in origins]
    nodes, offsets = data.snapper.snap(lon, lat)
    return nodes, offsets


def park_access(
    park: Park,
    *,
    speed: float | None = None,
    minutes: tuple[int, ...] = core.DEFAULT_MINUTES,
    network_name: str | None = None,
) -> ParkAccess:
    """POIs of every category reachable on foot from the park within each number of minutes."""
    speed = walk_speed() if speed is None else float(speed)
    try:
        limits = core.limits_for(minutes, speed)
    except core.AccessError as exc:
        raise _wrap(exc) from exc
    network = _network_with_data(network_for_point(park.lon, park.lat, network_name))
    data = load_network(network)
    origin_nodes, offsets = _origin_nodes(park, data)
    lon, lat, cats = pois_for_network(network)
    poi_nodes, _offsets = data.snapper.snap(lon, lat)
    table = core.counts_from(data.graph, origin_nodes, poi_nodes, cats, len(CODES), limits)
    counts = {str(m): {code: int(table[b, i]) for i, code in enumerate(CODES)} for b, m in enumerate(minutes)}
    return ParkAccess(park, network, tuple(minutes), speed, counts, np.unique(origin_nodes), offsets)


def isochrone(
    park: Park, *, speed: float | None = None, minutes: tuple[int, ...] = core.DEFAULT_MINUTES
) -> dict[str, Any]:
    """Street segments reachable from the park, each with the minutes band it falls in (for the map)."""
    speed = walk_speed() if speed is None else float(speed)
    limits = core.limits_for(minutes, speed)
    network = _network_with_data(network_for_point(park.lon, park.lat))
    data = load_network(network)
    origin_nodes, _offsets = _origin_nodes(park, data)
    us, vs, ds = core.reachable_edges(data.graph, origin_nodes, float(limits[-1]))
    bands = np.searchsorted(limits + core.EPSILON_M, ds, side="left")
    lon, lat = data.graph.lon, data.graph.lat
    segments = [
        [
            [round(float(lon[u]), 6), round(float(lat[u]), 6)],
            [round(float(lon[v]), 6), round(float(lat[v]), 6)],
            int(minutes[b]),
        ]
        for u, v, b in zip(us, vs, bands, strict=True)
    ]
    return {"park": park.name, "minutes": list(minutes), "speed": speed, "segments": segments}


def node_counts(
    network: StreetNetwork, *, speed: float | None = None, minutes: tuple[int, ...] = core.DEFAULT_MINUTES
) -> tuple[NetworkData, np.ndarray]:
    """For every node of the network: POIs of each category within each number of minutes (the heat map)."""
    speed = walk_speed() if speed is None else float(speed)
    limits = core.limits_for(minutes, speed)
    network = _network_with_data(network)
    data = load_network(network)
    lon, lat, cats = pois_for_network(network)
    poi_nodes, _offsets = data.snapper.snap(lon, lat)
    return data, core.all_node_counts(data.graph, poi_nodes, cats, len(CODES), limits)


# --- the heat map: counts of every node, cached ------------------------------------------------------------

#: networks with more street segments than this are drawn as grid cells instead of streets
HEAT_MAX_EDGES = 150_000
HEAT_CELL_M = 200.0
#: count classes (lower bounds) and their colours: 0 grey, then light to dark
HEAT_BREAKS = (0, 1, 2, 4, 8, 16, 32, 64)
HEAT_COLOURS = ("#cfcfcf", "#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#993404", "#662506")

_heat_cache: dict[tuple, np.ndarray] = {}


def _poi_signature(network: StreetNetwork) -> tuple:
    """Changes when the network's POIs do: added, removed, moved or given another category (one aggregate)."""
    from django.db.models import Case, Count, F, IntegerField, Max, Sum, Value, When

    category_code = Case(
        *[When(category=code, then=Value(i + 1)) for i, code in enumerate(CODES)],
        default=Value(0),
        output_field=IntegerField(),
    )
    row = Poi.objects.filter(
        Q(network=network)
        | Q(
            network__isnull=True,
            lon__gte=network.min_lon,
            lon__lte=network.max_lon,
            lat__gte=network.min_lat,
            lat__lte=network.max_lat,
        )
    ).aggregate(
        n=Count("pk"), top=Max("pk"), lon=Sum("lon"), lat=Sum("lat"), cats=Sum(category_code * F("pk"))
    )
    return (row["n"], row["top"], row["lon"], row["lat"], row["cats"])


def heat_counts(network: StreetNetwork, *, speed: float | None = None) -> tuple[NetworkData, np.ndarray]:
    """``node_counts`` of the network, cached per process until the network, its POIs or the speed change.

    The array is ``(n_nodes, len(DEFAULT_MINUTES), n_categories)``, stored as uint16 when the counts fit
    (a 1,000,000-node network: 78 MB); the last two networks asked for are kept.
    """
    speed = walk_speed() if speed is None else float(speed)
    data = load_network(network)  # cached: the network's blob is read only when not loaded yet
    key = (network.pk, network.imported_at, speed, _poi_signature(network))
    with _cache_lock:
        hit = _heat_cache.get(key)
    if hit is not None:
        return data, hit
    limits = core.limits_for(core.DEFAULT_MINUTES, speed)
    lon, lat, cats = pois_for_network(network)
    poi_nodes, _offsets = data.snapper.snap(lon, lat)
    counts = core.all_node_counts(data.graph, poi_nodes, cats, len(CODES), limits)
    if counts.size == 0 or counts.max() < np.iinfo(np.uint16).max:
        counts = counts.astype(np.uint16)
    with _cache_lock:
        for old in [k for k in _heat_cache if k[0] == network.pk]:
            del _heat_cache[old]
        while len(_heat_cache) >= 2:
            del _heat_cache[next(iter(_heat_cache))]
        _heat_cache[key] = counts
    return data, counts


def heat_class(values: np.ndarray) -> np.ndarray:
    """The class (index into HEAT_BREAKS) of each count."""
    return np.searchsorted(np.asarray(HEAT_BREAKS[1:]), np.asarray(values), side="right")


def _class_labels(n_classes: int) -> list[str]:
    out = []
    for i in range(n_classes):
        low = HEAT_BREAKS[i]
        high = HEAT_BREAKS[i + 1] - 1 if i + 1 < len(HEAT_BREAKS) else None
        out.append(str(low) if high == low else (f"{low}–{high}" if high is not None else f"≥ {low}"))
    return out


def heat_layer(network: StreetNetwork, category: str, minutes: int, *, speed: float | None = None) -> dict:
    """What the heat-map page draws: streets (or grid cells) coloured by the count of ``category`` within
    ``minutes`` walking minutes of each node, in metres of a local frame at the network's centre."""
    if category not in CODES:
        raise PlacesError(
            _("Unknown category “%(category)s”") % {"category": category},
            code="bad_category",
            field="category",
        )
    if minutes not in core.DEFAULT_MINUTES:
        raise PlacesError(
            _("The minutes must be one of %(choices)s") % {"choices": core.DEFAULT_MINUTES},
            code="bad_minutes",
            field="minutes",
        )
    data, counts = heat_counts(network, speed=speed)
    values = counts[:, core.DEFAULT_MINUTES.index(minutes), CODES.index(category)].astype(np.int64)
    g = data.graph
    lon0 = (network.min_lon + network.max_lon) / 2
    lat0 = (network.min_lat + network.max_lat) / 2
    kx, ky = core.metres_per_degree(lat0)
    n_classes = len(HEAT_BREAKS)
    layer: dict[str, Any] = {"frame": {"lon0": lon0, "lat0": lat0, "kx": kx, "ky": ky}}
    if data.edge_u.size <= HEAT_MAX_EDGES:
        u, v = data.edge_u.astype(np.int64), data.edge_v.astype(np.int64)
        edge_class = heat_class((values[u] + values[v]) / 2.0)
        x = np.rint((g.lon - lon0) * kx).astype(np.int64)
        y = np.rint((g.lat - lat0) * ky).astype(np.int64)
        segments = np.stack([x[u], y[u], x[v], y[v]], axis=1)
        groups = [segments[edge_class == k].tolist() for k in range(n_classes)]
        layer["mode"] = "streets"
        layer["classes"] = groups
        sizes = [len(gr) for gr in groups]
    else:
        cell_of_node, col, row, glon0, glat0 = core.grid_cells(g.lon, g.lat, HEAT_CELL_M)
        _mean, top = core.cell_stats(cell_of_node, values, col.size)
        cell_class = heat_class(top)
        gkx, gky = core.metres_per_degree(glat0)
        ox = (glon0 - lon0) * kx  # the grid's corner in the page's frame
        oy = (glat0 - lat0) * ky
        corners = np.stack(
            [np.rint(ox + col * HEAT_CELL_M * kx / gkx), np.rint(oy + row * HEAT_CELL_M)], axis=1
        )
        corners = corners.astype(np.int64)
        groups = [corners[cell_class == k].tolist() for k in range(n_classes)]
        layer["mode"] = "grid"
        layer["cell"] = [HEAT_CELL_M * kx / gkx, HEAT_CELL_M]  # width and height in the page's frame
        layer["classes"] = groups
        sizes = [len(gr) for gr in groups]
    top_class = max([i for i, n in enumerate(sizes) if n] or [0])
    labels = _class_labels(n_classes)
    layer["legend"] = [
        {"label": labels[i], "colour": HEAT_COLOURS[i], "items": sizes[i]} for i in range(top_class + 1)
    ]
    layer["classes"] = layer["classes"][: top_class + 1]
    layer["colours"] = list(HEAT_COLOURS[: top_class + 1])
    layer["stats"] = {
        "nodes": int(values.size),
        "max": int(values.max()) if values.size else 0,
        "reached_share": float((values > 0).mean()) if values.size else 0.0,
    }
    return layer


def heat_table(network: StreetNetwork, level: str = "node", *, cell_m: float = HEAT_CELL_M):
    """Headers and rows of the counts for export: per node, or per grid cell (the most any node of the cell
    reaches), every category within 5/10/15 minutes."""
    data, counts = heat_counts(network)
    columns = [(m, c) for m in core.DEFAULT_MINUTES for c in CODES]
    names = [
        _("%(category)s (%(minutes)s min)") % {"category": category_label(c), "minutes": m}
        for m, c in columns
    ]
    flat = counts.reshape(counts.shape[0], -1)
    g = data.graph
    if level == "node":
        headers = [_("Node OSM ID"), _("Longitude"), _("Latitude")] + names

        def node_rows():
            for i in range(g.n_nodes):
                yield [int(data.node_ids[i]), round(float(g.lon[i]), 7), round(float(g.lat[i]), 7)] + flat[
                    i
                ].tolist()

        return headers, node_rows(), g.n_nodes
    if level != "grid":
        raise PlacesError(_("The export level must be node or grid"), code="bad_level", field="level")
    cell_of_node, col, row, lon0, lat0 = core.grid_cells(g.lon, g.lat, cell_m)
    kx, ky = core.metres_per_degree(lat0)
    n_cells = col.size
    nodes = np.bincount(cell_of_node, minlength=n_cells)
    order = np.argsort(cell_of_node, kind="stable")  # every cell holds a node: reduce over each cell's run
    starts = np.searchsorted(cell_of_node[order], np.arange(n_cells))
    top = np.maximum.reduceat(flat[order].astype(np.int64), starts, axis=0)
    headers = [
        _("Grid column"),
        _("Grid row"),
        _("South-west corner longitude"),
        _("South-west corner latitude"),
        _("Grid cell side (m)"),
        _("Nodes"),
    ] + [_("%(column)s, most") % {"column": n} for n in names]

    def cell_rows():
        for k in range(n_cells):
            yield [
                int(col[k]),
                int(row[k]),
                round(float(lon0 + col[k] * cell_m / kx), 7),  # a Python float: CSV writes numpy's repr
                round(float(lat0 + row[k] * cell_m / ky), 7),
                cell_m,
                int(nodes[k]),
            ] + top[k].tolist()

    return headers, cell_rows(), n_cells


# --- POI files ----------------------------------------------------------------------------------------------


def ensure_type_codes() -> None:
    """Fill the editable type-code table with the defaults the first time it is needed."""
    from zhaoshang.places.models import PoiTypeCode
    from zhaoshang.places.poifile import DEFAULT_TYPE_CODES

    if not PoiTypeCode.objects.exists():
        PoiTypeCode.objects.bulk_create(
            [PoiTypeCode(prefix=p, category=c, label=label) for p, c, label in DEFAULT_TYPE_CODES],
            ignore_conflicts=True,
        )


def type_code_table():
    from zhaoshang.places.models import PoiTypeCode
    from zhaoshang.places.poifile import TypeCodeTable

    ensure_type_codes()
    return TypeCodeTable(dict(PoiTypeCode.objects.values_list("prefix", "category")))


def poi_issue(issue) -> dict[str, Any]:
    """A finding of the POI file import (``poifile.RowIssue``) as a dict in the active language: its column
    label and its reason (in Chinese the core's own words), with its ``code``."""
    from zhaoshang.core.messages import is_chinese, issue_message
    from zhaoshang.places.messages import POI_COLUMNS

    reason = issue_message(
        {
            "row": issue.row,
            "column": issue.field,
            "raw": issue.value,
            "code": getattr(issue, "code", ""),
            "message": issue.reason,
            "params": dict(getattr(issue, "params", None) or {}),
        }
    )
    field = issue.field if is_chinese() else str(POI_COLUMNS.get(issue.field, issue.field))
    return {
        "row": issue.row,
        "field": field,
        "value": issue.value,
        "reason": reason,
        "code": getattr(issue, "code", ""),
    }


def write_issues_xlsx(path: str | Path, issues: list) -> None:
    """The rejected rows (行号/列/原始值/问题, in the active language), through the shared writer: a value
    beginning with = is text."""
    said = (poi_issue(issue) for issue in issues)
    write_xlsx(
        path,
        [_("Row"), _("Column"), _("Raw value"), _("Problem")],
        ((i["row"], str(i["field"]), str(i["value"]), str(i["reason"])) for i in said),
        sheet_name=_("Problem"),
    )


class _DryRun(Exception):
    pass


def import_pois(
    path: str | Path,
    *,
    crs: str,
    dataset: str | None = None,
    actor: Actor = None,
    dry_run: bool = False,
    errors_path: str | Path | None = None,
    is_demo: bool = False,
) -> dict[str, Any]:
    """Import a POI file (CSV/XLSX, coordinates in ``crs``) as ``dataset``, replacing that dataset's POIs."""
    from zhaoshang.places.poifile import PoiFileError, PoiRow, RowIssue, Skipped, read_poi_file

    path = Path(path)
    dataset = (dataset or path.stem).strip()
    table = type_code_table()
    try:
        items = list(read_poi_file(path, crs=crs, type_codes=table))
    except PoiFileError as exc:
        raise _wrap(exc) from exc
    good = [i for i in items if isinstance(i, PoiRow)]
    issues = [i for i in items if isinstance(i, RowIssue)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    summary: dict[str, Any] = {
        "dataset": dataset,
        "crs": crs,
        "rows": len(items),
        "imported": len(good),
        "rejected": len(issues),
        "skipped_unmapped": len(skipped),
        "by_category": {c: sum(1 for p in good if p.category == c) for c in CODES},
        "issues": [poi_issue(i) for i in issues[:200]],
        "dry_run": dry_run,
    }
    try:
        with transaction.atomic():
            removed, _by_model = Poi.objects.filter(network__isnull=True, dataset=dataset).delete()
            summary["replaced"] = removed
            Poi.objects.bulk_create(
                [
                    Poi(
                        dataset=dataset,
                        source=Poi.Source.FILE,
                        source_ref=f"{path.name}:{p.row}",
                        name=p.name,
                        category=p.category,
                        type_code=p.type_code,
                        lon=p.lon,
                        lat=p.lat,
                        is_demo=is_demo,
                    )
                    for p in good
                ],
                batch_size=2000,
            )
            if good or removed:
                first = Poi.objects.filter(dataset=dataset).order_by("pk").first() or Poi(pk=0, name=dataset)
                audit.record(
                    actor,
                    AuditEntry.Action.IMPORT,
                    first,
                    {k: v for k, v in summary.items() if k != "issues"},
                    note=path.name,
                )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    if errors_path and issues:
        write_issues_xlsx(errors_path, issues)
    return summary


# --- standards, gaps and comparison -------------------------------------------------------------------------


def standard():
    """The configured life-circle standard (``ZHAOSHANG_PLACES_STANDARD`` YAML) or the GB 50180-2018 defaults."""
    from zhaoshang.places import standards

    path = getattr(settings, "PLACES_STANDARD_FILE", "")
    if not path:
        return standards.DEFAULT_STANDARD
    try:
        return standards.load_standard(path)
    except standards.StandardError as exc:
        raise _wrap(exc) from exc


def park_gaps(park: Park, *, network_name: str | None = None) -> list:
    """The park's gaps against the standard, judged by the standard's distances (not the walking speed)."""
    from zhaoshang.places import standards

    reqs = standard()
    limits = np.asarray(standards.distances(reqs), dtype=np.float64)
    network = _network_with_data(network_for_point(park.lon, park.lat, network_name))
    data = load_network(network)
    origin_nodes, _offsets = _origin_nodes(park, data)
    lon, lat, cats = pois_for_network(network)
    poi_nodes, _offsets = data.snapper.snap(lon, lat)
    table = core.counts_from(data.graph, origin_nodes, poi_nodes, cats, len(CODES), limits)
    counts = {
        float(d): {code: int(table[b, i]) for i, code in enumerate(CODES)} for b, d in enumerate(limits)
    }
    return standards.find_gaps(reqs, counts)


def category_label(code: str) -> str:
    """A category's name in the active language."""
    from zhaoshang.core.messages import is_chinese
    from zhaoshang.places.categories import BY_CODE

    return BY_CODE[code].label_zh if is_chinese() else BY_CODE[code].label_en


def gap_message(gap) -> str:
    """A gap against the standard in the active language (in Chinese the core's own sentence)."""
    from zhaoshang.core.messages import is_chinese
    from zhaoshang.places.categories import BY_CODE

    if is_chinese():
        return gap.message_zh
    values = {
        "category": BY_CODE[gap.requirement.category].label_en,
        "minutes": gap.requirement.minutes,
        "found": gap.found,
        "required": gap.requirement.min_count,
    }
    if gap.found == 0:
        return _("%(category)s: none within %(minutes)s minutes") % values
    return (
        _("%(category)s: only %(found)s within %(minutes)s minutes (the standard asks for %(required)s)")
        % values
    )


@dataclass
class ParkComparison:
    park: Park
    access: ParkAccess
    gaps: list

    @property
    def gap_messages(self) -> list[str]:
        return [gap_message(g) for g in self.gaps]


def compare_parks(parks: list[Park]) -> list[ParkComparison]:
    return [ParkComparison(p, park_access(p), park_gaps(p)) for p in parks]


def comparison_report(rows: list[ParkComparison]):
    """The side-by-side comparison as a report (DOCX/PDF through zhaoshang.reports), in the active language."""
    from zhaoshang.reports.document import Paragraph, Report, Section, Table

    speed = rows[0].access.speed if rows else walk_speed()
    sections = []
    for minutes in core.DEFAULT_MINUTES:
        headers = (_("Category"),) + tuple(r.park.name for r in rows)
        body = tuple(
            (category_label(code),) + tuple(r.access.counts[str(minutes)][code] for r in rows)
            for code in CODES
        )
        heading = _("Facilities within %(minutes)s minutes' walk (%(metres)s m)") % {
            "minutes": minutes,
            "metres": f"{minutes * speed:,.0f}",
        }
        sections.append(Section(heading, (Table(headers, body),)))
    gap_blocks = []
    for r in rows:
        text = _("; ").join(r.gap_messages) or _("No gaps")
        gap_blocks.append(Paragraph(_("%(park)s: %(gaps)s") % {"park": r.park.name, "gaps": text}))
    sections.append(
        Section(
            _("Gaps against the life-circle standard (GB 50180-2018 and the parks' talent amenities)"),
            tuple(gap_blocks),
        )
    )
    return Report(
        title=_("Amenities around the parks compared"),
        subtitle=_("Walking speed %(speed)s m/min; distances along the street network")
        % {"speed": f"{speed:g}"},
        sections=tuple(sections),
        page_label=_("Page {page}"),
    )


def export_comparison(rows: list[ParkComparison], path: str | Path) -> Path:
    """Write the comparison to .xlsx or .docx/.pdf (the report), in the active language."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":  # the shared writer: a park name beginning with = is text, counts stay numbers
        access = [
            [row.park.name, minutes, *(row.access.counts[str(minutes)][code] for code in CODES)]
            for row in rows
            for minutes in row.access.minutes
        ]
        gaps = [
            [
                row.park.name,
                g.requirement.minutes,
                category_label(g.requirement.category),
                g.requirement.distance_m,
                g.requirement.min_count,
                g.found,
                gap_message(g),
                f"{g.requirement.source} {g.requirement.clause}".strip(),
            ]
            for row in rows
            for g in row.gaps
        ]
        write_workbook(
            path,
            [
                Sheet(
                    _("Comparison"),
                    [_("Park"), _("Walking minutes")] + [category_label(c) for c in CODES],
                    access,
                ),
                Sheet(
                    _("Gaps"),
                    [
                        _("Park"),
                        _("Life circle (minutes)"),
                        _("Category"),
                        _("Standard distance (m)"),
                        _("Standard count"),
                        _("Count found"),
                        _("Gap"),
                        _("Basis"),
                    ],
                    gaps,
                ),
            ],
        )
        return path
    if suffix in (".docx", ".pdf"):
        from zhaoshang.reports.document import render

        return render(comparison_report(rows), path)
    raise PlacesError(_("The export file must be .xlsx, .docx or .pdf"), code="bad_format")
