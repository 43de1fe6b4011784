"""Places fixtures: an independent reference (ElementTree + networkx + brute-force snapping) and small OSM files."""

from __future__ import annotations

import bz2
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

SHARED_OSM = (Path(__file__).parents[2] / "../shared/data/osm").resolve()
R = 6_371_009.0

# The reference walk filter, written from the issue and OSMnx's walk filter, independently of places/osm.py.
NOT_WALKED = {
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "construction",
    "proposed",
    "abandoned",
    "bus_guideway",
    "busway",
    "cycleway",
    "no",
    "planned",
    "platform",
    "raceway",
    "razed",
}
CATEGORY_TAGS = {
    "coffee": [("amenity", "cafe")],
    "restaurant": [("amenity", "restaurant"), ("amenity", "fast_food")],
    "cinema": [("amenity", "cinema")],
    "ktv": [("amenity", "karaoke_box")],
    "hospital_clinic": [("amenity", "hospital"), ("amenity", "clinic"), ("amenity", "doctors")],
    "kindergarten": [("amenity", "kindergarten")],
    "school": [("amenity", "school")],
    "hotel": [("tourism", "hotel"), ("tourism", "guest_house")],
    "supermarket": [("shop", "supermarket"), ("shop", "convenience")],
    "pharmacy": [("amenity", "pharmacy")],
    "bank": [("amenity", "bank")],
    "gym": [("leisure", "fitness_centre")],
    "transit": [
        ("highway", "bus_stop"),
        ("amenity", "bus_station"),
        ("public_transport", "station"),
        ("railway", "station"),
        ("railway", "halt"),
        ("railway", "tram_stop"),
    ],
}


def great_circle(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * R * math.asin(math.sqrt(min(1.0, h)))


def walked(tags: dict) -> bool:
    hw = tags.get("highway")
    if hw is None or hw in NOT_WALKED or "motor" in hw:
        return False
    if tags.get("area") == "yes" or tags.get("access") == "private" or tags.get("service") == "private":
        return False
    if tags.get("foot") == "no":
        return False
    return all(
        tags.get(k) != "separate" for k in ("sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right")
    )


class Reference:
    """Network, POIs and access counts from an .osm/.osm.bz2 file by plain ElementTree and networkx."""

    def __init__(self, path: Path):
        opener = bz2.open if str(path).endswith(".bz2") else open
        with opener(path, "rb") as handle:
            root = ET.parse(handle).getroot()
        coords, node_tags, ways = {}, {}, []
        for el in root:
            tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
            if el.tag == "node":
                coords[int(el.get("id"))] = (float(el.get("lon")), float(el.get("lat")))
                node_tags[int(el.get("id"))] = tags
            elif el.tag == "way":
                ways.append(([int(nd.get("ref")) for nd in el.findall("nd")], tags))
        self.graph = nx.Graph()
        for refs, tags in ways:
            if not walked(tags):
                continue
            for a, b in zip(refs, refs[1:], strict=False):
                if a in coords and b in coords and a != b:
                    w = great_circle(*coords[a], *coords[b])
                    if not self.graph.has_edge(a, b) or self.graph[a][b]["length"] > w:
                        self.graph.add_edge(a, b, length=w)
        self.coords = coords
        self.pois = []  # (category, lon, lat)
        for nid, tags in node_tags.items():
            for cat in self._categories(tags):
                self.pois.append((cat, *coords[nid]))
        for refs, tags in ways:
            cats = self._categories(tags)
            pts = [coords[r] for r in refs if r in coords]
            if cats and pts:
                c = self._centroid(pts)
                self.pois.extend((cat, *c) for cat in cats)

    @staticmethod
    def _categories(tags):
        return [c for c, pairs in CATEGORY_TAGS.items() if any(tags.get(k) == v for k, v in pairs)]

    @staticmethod
    def _centroid(pts):
        if len(pts) >= 4 and pts[0] == pts[-1]:
            a = cx = cy = 0.0
            for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
                cross = x1 * y2 - x2 * y1
                a += cross
                cx += (x1 + x2) * cross
                cy += (y1 + y2) * cross
            if a:
                return cx / (3 * a), cy / (3 * a)
        total = sx = sy = 0.0
        for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
            seg = math.hypot(x2 - x1, y2 - y1)
            total += seg
            sx += seg * (x1 + x2) / 2
            sy += seg * (y1 + y2) / 2
        return (sx / total, sy / total) if total else pts[0]

    def nearest(self, lon, lat):
        return min(self.graph.nodes, key=lambda n: (great_circle(lon, lat, *self.coords[n]), n))

    def access(self, origins, limits=(400.0, 800.0, 1200.0)):
        sources = {self.nearest(lon, lat) for lon, lat in origins}
        dist = nx.multi_source_dijkstra_path_length(self.graph, sources, weight="length")
        out = []
        for limit in limits:
            counts = dict.fromkeys(CATEGORY_TAGS, 0)
            for cat, lon, lat in self.pois:
                if dist.get(self.nearest(lon, lat), math.inf) <= limit + 1e-6:
                    counts[cat] += 1
            out.append(counts)
        return out


@pytest.fixture
def shared_osm():
    def get(name: str) -> Path:
        path = SHARED_OSM / name
        if not path.exists():
            pytest.skip(f"{path} not found")
        return path

    return get


def osm_xml(nodes, ways, relations=()) -> str:
    """A tiny .osm document: nodes = [(id, lon, lat, tags)], ways = [(id, [refs], tags)]."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="zhaoshang-tests">']
    for nid, lon, lat, tags in nodes:
        inner = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        out.append(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{inner}</node>')
    for wid, refs, tags in ways:
        inner = "".join(f'<nd ref="{r}"/>' for r in refs) + "".join(
            f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()
        )
        out.append(f'<way id="{wid}" version="1">{inner}</way>')
    out.extend(relations)
    out.append("</osm>")
    return "\n".join(out)


@pytest.fixture
def write_osm(tmp_path):
    def write(nodes, ways, name="area.osm", relations=()):
        path = tmp_path / name
        text = osm_xml(nodes, ways, relations)
        if name.endswith(".bz2"):
            path.write_bytes(bz2.compress(text.encode()))
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write
