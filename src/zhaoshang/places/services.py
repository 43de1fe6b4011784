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

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit
from zhaoshang.core.errors import DomainError
from zhaoshang.core.models import AuditEntry
from zhaoshang.places import access as core
from zhaoshang.places.categories import CODES, INDEX
from zhaoshang.places.models import Park, Poi, StreetNetwork
from zhaoshang.places.osm import OsmError, area_name, read_osm
from zhaoshang.places.parks import ParkFileError, read_parks


class PlacesError(DomainError):
    """A places domain error: ``code`` for the API, a Chinese message for people."""


def _wrap(exc: ValueError) -> PlacesError:
    return PlacesError(str(exc), code=getattr(exc, "code", "invalid"))


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
        raise PlacesError(f"区域“{network.name}”的路网数据缺失，请重新导入", code="network_missing")
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
        raise PlacesError("区域名称不能为空", code="bad_area")
    try:
        extract = read_osm(path, progress=progress)
    except OsmError as exc:
        raise _wrap(exc) from exc
    if extract.node_ids.size == 0:
        raise PlacesError(f"文件 {path.name} 中没有可步行的道路", code="no_network")
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
        removed, _ = Poi.objects.filter(network=network).delete()
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
            raise PlacesError(f"没有名为“{name}”的路网区域", code="network_not_found")
        return network
    candidates = list(networks.order_by("-imported_at", "-pk"))
    if not candidates:
        raise PlacesError("还没有导入路网：先运行 zhaoshang places import-osm FILE", code="no_network")
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
        raise PlacesError(f"没有名为“{name_or_id}”的园区", code="park_not_found")
    return park


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
    poi_nodes, _ = data.snapper.snap(lon, lat)
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
    origin_nodes, _ = _origin_nodes(park, data)
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
    poi_nodes, _ = data.snapper.snap(lon, lat)
    return data, core.all_node_counts(data.graph, poi_nodes, cats, len(CODES), limits)


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


def _safe_cell(value: Any) -> Any:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else value


def write_issues_xlsx(path: str | Path, issues: list) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("问题")
    for col, title in enumerate(["行号", "列", "原始值", "问题"]):
        sheet.write_string(0, col, title)
    for r, issue in enumerate(issues, start=1):
        sheet.write_number(r, 0, issue.row)
        for col, value in enumerate([issue.field, issue.value, issue.reason], start=1):
            sheet.write_string(r, col, str(_safe_cell(value)))
    workbook.close()


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
        "issues": [
            {"row": i.row, "field": i.field, "value": i.value, "reason": i.reason} for i in issues[:200]
        ],
        "dry_run": dry_run,
    }
    try:
        with transaction.atomic():
            removed, _ = Poi.objects.filter(network__isnull=True, dataset=dataset).delete()
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
    origin_nodes, _ = _origin_nodes(park, data)
    lon, lat, cats = pois_for_network(network)
    poi_nodes, _ = data.snapper.snap(lon, lat)
    table = core.counts_from(data.graph, origin_nodes, poi_nodes, cats, len(CODES), limits)
    counts = {
        float(d): {code: int(table[b, i]) for i, code in enumerate(CODES)} for b, d in enumerate(limits)
    }
    return standards.find_gaps(reqs, counts)


@dataclass
class ParkComparison:
    park: Park
    access: ParkAccess
    gaps: list


def compare_parks(parks: list[Park]) -> list[ParkComparison]:
    return [ParkComparison(p, park_access(p), park_gaps(p)) for p in parks]


def comparison_report(rows: list[ParkComparison]):
    """The side-by-side comparison as a report (DOCX/PDF through zhaoshang.reports)."""
    from zhaoshang.places.categories import BY_CODE
    from zhaoshang.reports.document import Paragraph, Report, Section, Table

    speed = rows[0].access.speed if rows else walk_speed()
    sections = []
    for minutes in core.DEFAULT_MINUTES:
        headers = ("类别",) + tuple(r.park.name for r in rows)
        body = tuple(
            (BY_CODE[code].label_zh,) + tuple(r.access.counts[str(minutes)][code] for r in rows)
            for code in CODES
        )
        sections.append(
            Section(f"步行 {minutes} 分钟（{minutes * speed:,.0f} 米）可达设施数", (Table(headers, body),))
        )
    gap_blocks = []
    for r in rows:
        text = "；".join(g.message_zh for g in r.gaps) or "无缺口"
        gap_blocks.append(Paragraph(f"{r.park.name}：{text}"))
    sections.append(Section("对照生活圈标准的缺口（GB 50180-2018 及园区人才配套）", tuple(gap_blocks)))
    return Report(
        title="园区周边配套对比",
        subtitle=f"步行速度 {speed:g} 米/分钟；距离沿路网计算",
        sections=tuple(sections),
    )


def export_comparison(rows: list[ParkComparison], path: str | Path) -> Path:
    """Write the comparison to .xlsx (Chinese headers) or .docx/.pdf (the report)."""
    from zhaoshang.places.categories import BY_CODE

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(path))
        bold = workbook.add_format({"bold": True})
        sheet = workbook.add_worksheet("对比")
        headers = ["园区", "步行分钟"] + [BY_CODE[c].label_zh for c in CODES]
        for col, title in enumerate(headers):
            sheet.write_string(0, col, title, bold)
        r = 1
        for row in rows:
            for minutes in row.access.minutes:
                sheet.write_string(r, 0, str(_safe_cell(row.park.name)))
                sheet.write_number(r, 1, minutes)
                for col, code in enumerate(CODES, start=2):
                    sheet.write_number(r, col, row.access.counts[str(minutes)][code])
                r += 1
        gaps = workbook.add_worksheet("缺口")
        for col, title in enumerate(
            ["园区", "生活圈（分钟）", "类别", "标准距离（米）", "标准数量", "实有数量", "缺口", "依据"]
        ):
            gaps.write_string(0, col, title, bold)
        r = 1
        for row in rows:
            for g in row.gaps:
                req = g.requirement
                values = [
                    row.park.name,
                    req.minutes,
                    BY_CODE[req.category].label_zh,
                    req.distance_m,
                    req.min_count,
                    g.found,
                    g.message_zh,
                    req.source,
                ]
                for col, value in enumerate(values):
                    if isinstance(value, (int, float)):
                        gaps.write_number(r, col, value)
                    else:
                        gaps.write_string(r, col, str(_safe_cell(value)))
                r += 1
        workbook.close()
        return path
    if suffix in (".docx", ".pdf"):
        from zhaoshang.reports.document import render

        return render(comparison_report(rows), path)
    raise PlacesError("导出文件应为 .xlsx、.docx 或 .pdf", code="bad_format")
