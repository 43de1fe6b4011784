"""Read an OpenStreetMap extract into a walking network and POIs (plain Python, no Django).

The reader is pyosmium (``osmium``), the maintained Python binding of libosmium: one streaming pass over
``.osm``, ``.osm.bz2``/``.osm.gz`` or ``.osm.pbf`` with node locations resolved in C++, multipolygon
relations assembled into areas by libosmium, and memory proportional to the nodes kept (arrays, not
Python objects per node), so a 1,000,000-node extract stays well under 1 GB.

The walk filter follows OSMnx's ``network_type="walk"`` filter (OSMnx 2.x) plus the exclusions the issue
adds (``trunk``/``trunk_link``). A way is walked when it has a ``highway`` tag and none of these holds:

- ``highway`` is one of ``abandoned, bus_guideway, busway, construction, cycleway, no, planned, platform,
  proposed, raceway, razed, trunk, trunk_link`` or contains ``motor`` (motorway, motorway_link, motorroad);
- ``area=yes``; ``access`` contains ``private``; ``service`` contains ``private``; ``foot=no``;
- ``sidewalk``, ``sidewalk:both``, ``sidewalk:left`` or ``sidewalk:right`` is ``separate`` (the sidewalks are
  mapped as their own ways, which are walked instead).

Ways are walked in both directions (``oneway`` binds vehicles, not walkers). Each pair of consecutive way
nodes is an edge whose length is the great-circle distance between them (OSMnx's haversine and Earth
radius); a way that references a node missing from the extract is split there. POIs are the nodes whose
tags match a category, and the centroids of matching ways (a closed way as a polygon, an open one as a
line) and multipolygon relations.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zhaoshang.core.errors import DomainError

from .access import haversine_m
from .categories import TagMatcher

EXCLUDED_HIGHWAY = frozenset(
    {
        "abandoned",
        "bus_guideway",
        "busway",
        "construction",
        "cycleway",
        "no",
        "planned",
        "platform",
        "proposed",
        "raceway",
        "razed",
        "trunk",
        "trunk_link",
        # motorway, motorway_link and any other value containing "motor" are caught by the rule below.
        "motorway",
        "motorway_link",
    }
)
SIDEWALK_KEYS = ("sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right")
SUFFIXES = (".osm.pbf", ".osm.bz2", ".osm.gz", ".pbf", ".osm")


class OsmError(DomainError):
    def __init__(self, message: str, code: str = "bad_osm", **params: Any):
        super().__init__(message, code=code, **params)


def _values(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(";")] if value else []


def walk_exclusion(tags: Any) -> str | None:
    """Why a way is not walked (a short reason code), or None when it is part of the walking network."""
    get = tags.get
    highway = get("highway")
    if highway is None:
        return "no_highway"
    for value in _values(highway) or [highway]:
        if value in EXCLUDED_HIGHWAY or "motor" in value:
            return f"highway={value}"
    if "yes" in _values(get("area")):
        return "area=yes"
    if "private" in (get("access") or ""):
        return "access=private"
    if "private" in (get("service") or ""):
        return "service=private"
    if "no" in _values(get("foot")):
        return "foot=no"
    for key in SIDEWALK_KEYS:
        if "separate" in _values(get(key)):
            return f"{key}=separate"
    return None


@dataclass
class Poi:
    osm_type: str  # "n", "w" or "r"
    osm_id: int
    name: str
    category: int  # index into categories.CODES
    lon: float
    lat: float
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.osm_type}{self.osm_id}"


@dataclass
class Extract:
    node_ids: np.ndarray  # int64 OSM ids of the walkable nodes
    lon: np.ndarray
    lat: np.ndarray
    edge_u: np.ndarray  # int64 indexes into node_ids
    edge_v: np.ndarray
    edge_length: np.ndarray  # metres
    pois: list[Poi]
    ways_walked: int
    ways_excluded: dict[str, int]
    elements_read: int

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        if self.lon.size == 0:
            return (0.0, 0.0, 0.0, 0.0)
        return (float(self.lon.min()), float(self.lat.min()), float(self.lon.max()), float(self.lat.max()))


def area_name(path: str | Path) -> str:
    """The default area name of an extract: its file name without the OSM suffixes."""
    name = Path(path).name
    for suffix in SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] or name
    return Path(path).stem


def _ring_centroid(lons: list[float], lats: list[float]) -> tuple[float, float, float]:
    """Signed area (degrees²) and area-weighted centroid sums of one ring (shoelace), planar in lon/lat."""
    x = np.asarray(lons)
    y = np.asarray(lats)
    x0, y0 = x[0], y[0]  # shift for numerical stability
    x = x - x0
    y = y - y0
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    a = cross.sum() / 2.0
    if a == 0:
        return 0.0, 0.0, 0.0
    cx = ((x[:-1] + x[1:]) * cross).sum() / (6.0 * a) + x0
    cy = ((y[:-1] + y[1:]) * cross).sum() / (6.0 * a) + y0
    return a, cx, cy


def _line_centroid(lons: list[float], lats: list[float]) -> tuple[float, float]:
    x = np.asarray(lons)
    y = np.asarray(lats)
    if x.size == 1:
        return float(x[0]), float(y[0])
    seg = np.hypot(np.diff(x), np.diff(y))
    total = seg.sum()
    if total == 0:
        return float(x[0]), float(y[0])
    mx = (x[:-1] + x[1:]) / 2
    my = (y[:-1] + y[1:]) / 2
    return float((mx * seg).sum() / total), float((my * seg).sum() / total)


def way_centroid(lons: list[float], lats: list[float]) -> tuple[float, float]:
    """Centroid of a way: polygon centroid when closed (≥ 4 points and non-zero area), else line centroid."""
    if len(lons) >= 4 and lons[0] == lons[-1] and lats[0] == lats[-1]:
        a, cx, cy = _ring_centroid(lons, lats)
        if a != 0:
            return float(cx), float(cy)
    return _line_centroid(lons, lats)


def _name(tags) -> str:
    return tags.get("name") or tags.get("name:zh") or tags.get("name:en") or ""


def read_osm(
    path: str | Path,
    *,
    matcher: TagMatcher | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 100_000,
) -> Extract:
    """Read an extract: the walking network (nodes, undirected edges with lengths) and the POIs.

    libosmium resolves way nodes from the nodes read before the way, and keeps no negative ids. When a walkable
    way lacks a node location, a cheap second look at the file (only those node ids reach Python) finds the
    nodes that are there after all — files with negative ids (JOSM), or with ways before nodes (Overpass
    ``out; >; out skel;``) — and the file is read again with them; nodes really missing split their ways.
    """
    path = Path(path)
    if not path.is_file():
        raise OsmError(f"找不到 OSM 文件：{path}", code="osm_file_not_found", path=str(path))
    matcher = matcher or TagMatcher()
    extract, missing = _read(path, matcher, progress, progress_every, {})
    if missing:
        extra = _locate_nodes(path, missing)
        if extra:
            extract, _ = _read(path, matcher, progress, progress_every, extra)
    return extract


def _locate_nodes(path: Path, ids: set[int]) -> dict[int, tuple[float, float]]:
    """Locations of the nodes ``ids`` that are in the file (anywhere in it, negative ids included)."""
    import osmium

    found: dict[int, tuple[float, float]] = {}
    positive = [i for i in ids if i > 0]
    negative = {i for i in ids if i < 0}
    try:
        if positive:
            processor = osmium.FileProcessor(str(path), osmium.osm.NODE)
            for node in processor.with_filter(osmium.filter.IdFilter(positive)):
                if isinstance(node, osmium.osm.Node) and node.location.valid():
                    found[node.id] = (node.location.lon, node.location.lat)
        if negative:  # osmium's id filter takes no negative ids: only hand-edited (JOSM) files have them
            for node in osmium.FileProcessor(str(path), osmium.osm.NODE):
                if isinstance(node, osmium.osm.Node) and node.id in negative and node.location.valid():
                    found[node.id] = (node.location.lon, node.location.lat)
    except RuntimeError as exc:
        raise OsmError(
            f"无法读取 OSM 文件 {path.name}：{exc}",
            code="osm_file_unreadable",
            file=path.name,
            error=str(exc),
        ) from exc
    return found


def _read(
    path: Path,
    matcher: TagMatcher,
    progress: Callable[[int], None] | None,
    progress_every: int,
    extra: dict[int, tuple[float, float]],
) -> tuple[Extract, set[int]]:
    """One pass over the file; ``extra`` holds node locations libosmium could not resolve in its pass."""
    import osmium

    way_refs = array("q")  # node ids of walkable ways, one run per way piece
    way_lon = array("d")
    way_lat = array("d")
    piece_ends = array("q")  # end offsets of each run (pieces split where a node is missing)
    excluded: dict[str, int] = {}
    ways_walked = 0
    pois: list[Poi] = []
    read = 0
    missing: set[int] = set()

    def located(node) -> tuple[float, float] | None:
        loc = node.location
        if loc.valid():
            return loc.lon, loc.lat
        return extra.get(node.ref)

    try:
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations()
            .with_areas(osmium.filter.KeyFilter(*matcher.keys))
            # Untagged nodes only carry locations (resolved above); skip them before Python sees them.
            .with_filter(osmium.filter.EmptyTagFilter())
        )
        for obj in processor:
            read += 1
            if progress is not None and read % progress_every == 0:
                progress(read)
            if isinstance(obj, osmium.osm.Node):
                if not obj.tags:
                    continue
                cats = matcher.categories(obj.tags)
                if cats and obj.location.valid():
                    tags = dict(obj.tags)
                    for c in cats:
                        pois.append(
                            Poi("n", obj.id, _name(tags), c, obj.location.lon, obj.location.lat, tags)
                        )
            elif isinstance(obj, osmium.osm.Way):
                way_tags = obj.tags
                reason = walk_exclusion(way_tags)
                if reason is None:
                    ways_walked += 1
                    run = 0
                    for node in obj.nodes:
                        point = located(node)
                        if point is not None:
                            way_refs.append(node.ref)
                            way_lon.append(point[0])
                            way_lat.append(point[1])
                            run += 1
                        else:
                            missing.add(node.ref)
                            if run:
                                piece_ends.append(len(way_refs))
                                run = 0
                    if run:
                        piece_ends.append(len(way_refs))
                elif reason != "no_highway":
                    excluded[reason] = excluded.get(reason, 0) + 1
                if way_tags:
                    cats = matcher.categories(way_tags)
                    if cats:
                        points = [p for p in (located(n) for n in obj.nodes) if p is not None]
                        if points:
                            cx, cy = way_centroid([p[0] for p in points], [p[1] for p in points])
                            plain = dict(way_tags)
                            for c in cats:
                                pois.append(Poi("w", obj.id, _name(plain), c, cx, cy, plain))
            elif isinstance(obj, osmium.osm.Area):
                if obj.from_way() or not obj.tags:
                    continue
                cats = matcher.categories(obj.tags)
                if not cats:
                    continue
                total_a = sx = sy = 0.0
                for outer in obj.outer_rings():
                    rings = [outer, *obj.inner_rings(outer)]
                    for k, ring in enumerate(rings):
                        lons = [n.lon for n in ring]
                        lats = [n.lat for n in ring]
                        if len(lons) < 4:
                            continue
                        a, cx, cy = _ring_centroid(lons, lats)
                        a = abs(a) if k == 0 else -abs(a)
                        total_a += a
                        sx += a * cx
                        sy += a * cy
                if total_a != 0:
                    tags = dict(obj.tags)
                    for c in cats:
                        pois.append(Poi("r", obj.orig_id(), _name(tags), c, sx / total_a, sy / total_a, tags))
    except RuntimeError as exc:  # libosmium reports unreadable / corrupt input this way
        raise OsmError(
            f"无法读取 OSM 文件 {path.name}：{exc}",
            code="osm_file_unreadable",
            file=path.name,
            error=str(exc),
        ) from exc

    refs: np.ndarray = (
        np.frombuffer(way_refs, dtype=np.int64) if len(way_refs) else np.zeros(0, dtype=np.int64)
    )
    all_lon: np.ndarray = np.frombuffer(way_lon, dtype=np.float64) if len(way_lon) else np.zeros(0)
    all_lat: np.ndarray = np.frombuffer(way_lat, dtype=np.float64) if len(way_lat) else np.zeros(0)
    ends = np.frombuffer(piece_ends, dtype=np.int64) if len(piece_ends) else np.zeros(0, dtype=np.int64)

    node_ids, first, inverse = np.unique(refs, return_index=True, return_inverse=True)
    node_lon = all_lon[first].copy()
    node_lat = all_lat[first].copy()
    # Edges: consecutive positions inside the same piece.
    same_piece = np.ones(refs.size, dtype=bool)
    if refs.size:
        same_piece[ends[ends < refs.size]] = False  # a piece's end starts a new run
        same_piece[0] = False
    nxt = np.nonzero(same_piece)[0]
    edge_u = inverse[nxt - 1].astype(np.int64)
    edge_v = inverse[nxt].astype(np.int64)
    edge_length = haversine_m(all_lon[nxt - 1], all_lat[nxt - 1], all_lon[nxt], all_lat[nxt])
    keep = edge_u != edge_v
    edge_u, edge_v = edge_u[keep], edge_v[keep]
    edge_length = np.asarray(edge_length, dtype=np.float64)[keep]
    # Keep only nodes on at least one edge (a way piece of one node walks nowhere).
    used = np.zeros(node_ids.size, dtype=bool)
    used[edge_u] = True
    used[edge_v] = True
    remap = np.cumsum(used) - 1
    return Extract(
        node_ids=node_ids[used].astype(np.int64),
        lon=node_lon[used],
        lat=node_lat[used],
        edge_u=remap[edge_u].astype(np.int64),
        edge_v=remap[edge_v].astype(np.int64),
        edge_length=edge_length,
        pois=pois,
        ways_walked=ways_walked,
        ways_excluded=dict(sorted(excluded.items())),
        elements_read=read,
    ), missing
