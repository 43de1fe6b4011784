"""Parks from GeoJSON (plain Python, no Django).

A park is a ``Feature`` with a ``name`` property and a ``Point``, ``Polygon`` or ``MultiPolygon`` geometry.
Its *origins* — where walks start — are:

- a Point: the point itself (or its gates, when tagged as below);
- a Polygon / MultiPolygon: the vertices of its outer boundary (each is snapped to the network and the
  distance from the park is the minimum over them), unless gates are tagged:
  either a ``gates`` property on the park (a list of ``[lon, lat]``), or separate Point features with
  ``"gate": true`` (or an ``entrance`` property) and ``"park": "<park name>"``. Gates replace the boundary.

Optional properties: ``organisation`` (an organisation code or name, to link the park organisation).
Coordinates are WGS-84 longitude/latitude, as GeoJSON requires (RFC 7946).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhaoshang.core.errors import DomainError


class ParkFileError(DomainError):
    def __init__(self, message: str, code: str = "bad_geojson", **params: Any):
        super().__init__(message, code=code, **params)


@dataclass
class ParkSpec:
    name: str
    geometry: dict[str, Any]
    origins: list[list[float]]
    origin_kind: str  # point | boundary | gates
    lon: float
    lat: float
    organisation: str = ""
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Where:
    """The feature an error is about: its Chinese prefix (``str``) and, for the edge's English sentence, the
    ``feature`` parameter (its number, with the park's name when known)."""

    number: int
    name: str = ""
    gate: bool = False

    def __str__(self) -> str:
        text = f"第 {self.number} 个要素" + (f"（{self.name}）" if self.name else "")
        return f"{text} 的大门" if self.gate else text

    @property
    def feature(self) -> str:
        return f"{self.number} ({self.name})" if self.name else str(self.number)


def _point(value: Any, where: _Where) -> list[float]:
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise ParkFileError(
            f"{where}：坐标应为 [经度, 纬度]", code="park_point_not_a_pair", feature=where.feature
        )
    if isinstance(value[0], bool) or isinstance(value[1], bool):
        raise ParkFileError(f"{where}：坐标不是数字", code="park_point_not_a_number", feature=where.feature)
    try:
        lon, lat = float(value[0]), float(value[1])
    except (TypeError, ValueError):
        raise ParkFileError(
            f"{where}：坐标不是数字", code="park_point_not_a_number", feature=where.feature
        ) from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ParkFileError(
            f"{where}：坐标超出经纬度范围（{lon}, {lat}）",
            code="park_point_out_of_range",
            feature=where.feature,
            lon=lon,
            lat=lat,
        )
    return [lon, lat]


def _outer_rings(geometry: dict[str, Any], where: _Where) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
    if not isinstance(polygons, list) or not polygons:
        raise ParkFileError(
            f"{where}：面要素没有坐标", code="park_polygon_without_coordinates", feature=where.feature
        )
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not isinstance(polygon[0], list):
            raise ParkFileError(
                f"{where}：面要素的坐标格式不对（应为 [[[经度, 纬度], ...]]）",
                code="park_polygon_bad_coordinates",
                feature=where.feature,
            )
        ring = [_point(p, where) for p in polygon[0]]
        if ring and ring[0] == ring[-1] and len(ring) > 1:
            ring = ring[:-1]
        if len({(p[0], p[1]) for p in ring}) < 3:
            raise ParkFileError(
                f"{where}：面的外环至少需要 3 个不同的点",
                code="park_polygon_too_few_points",
                feature=where.feature,
            )
        rings.append(ring)
    return rings


def _centroid(rings: list[list[list[float]]]) -> tuple[float, float]:
    total = sx = sy = 0.0
    for ring in rings:
        pts = ring + [ring[0]]
        x0, y0 = pts[0]
        a = cx = cy = 0.0
        for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
            x1, y1, x2, y2 = x1 - x0, y1 - y0, x2 - x0, y2 - y0
            cross = x1 * y2 - x2 * y1
            a += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        a /= 2
        if a:
            total += abs(a)
            sx += abs(a) * (cx / (6 * a) + x0)
            sy += abs(a) * (cy / (6 * a) + y0)
    if total:
        return sx / total, sy / total
    pts = [p for ring in rings for p in ring]
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)


def _truthy(value: Any) -> bool:
    return value not in (None, False, 0, "", "no", "false", "0")


def parse_parks(data: dict[str, Any]) -> list[ParkSpec]:
    """Parks from a GeoJSON object (a FeatureCollection or a single Feature)."""
    if not isinstance(data, dict):
        raise ParkFileError("GeoJSON 顶层应为对象", code="park_file_not_an_object")
    if data.get("type") == "Feature":
        features = [data]
    elif data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        features = data["features"]
    else:
        raise ParkFileError("GeoJSON 应为 FeatureCollection 或 Feature", code="park_file_not_features")

    gates: dict[str, list[list[float]]] = {}
    parks: list[ParkSpec] = []
    seen: set[str] = set()
    for number, feature in enumerate(features, start=1):
        where = _Where(number)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ParkFileError(
                f"{where}：不是 Feature", code="park_feature_not_a_feature", feature=where.feature
            )
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if not isinstance(props, dict) or not isinstance(geometry, dict):
            raise ParkFileError(
                f"{where}：properties 或 geometry 格式不对",
                code="park_feature_bad_members",
                feature=where.feature,
            )
        kind = geometry.get("type")
        if kind == "Point" and (_truthy(props.get("gate")) or props.get("entrance") is not None):
            park_name = str(props.get("park") or "").strip()
            if not park_name:
                raise ParkFileError(
                    f"{where}：大门要素需要 park 属性（所属园区名称）",
                    code="park_gate_without_park",
                    feature=where.feature,
                )
            gates.setdefault(park_name, []).append(_point(geometry.get("coordinates"), where))
            continue
        raw_name = props.get("name")
        if raw_name is not None and not isinstance(raw_name, (str, int, float)):
            raise ParkFileError(
                f"{where}：name 属性应为文字", code="park_name_not_text", feature=where.feature
            )
        name = str(raw_name or "").strip()
        if not name:
            raise ParkFileError(f"{where}：缺少 name 属性", code="park_name_missing", feature=where.feature)
        if name in seen:
            raise ParkFileError(
                f"{where}：园区名称“{name}”重复", code="park_name_repeated", feature=where.feature, name=name
            )
        seen.add(name)
        where = _Where(number, name)
        organisation = str(props.get("organisation") or props.get("org") or "").strip()
        if kind == "Point":
            point = _point(geometry.get("coordinates"), where)
            spec = ParkSpec(
                name, {"type": "Point", "coordinates": point}, [point], "point", point[0], point[1]
            )
        elif kind in ("Polygon", "MultiPolygon"):
            rings = _outer_rings(geometry, where)
            lon, lat = _centroid(rings)
            origins: list[list[float]] = []
            for ring in rings:
                for p in ring:
                    if p not in origins:
                        origins.append(p)
            spec = ParkSpec(name, geometry, origins, "boundary", lon, lat)
        else:
            raise ParkFileError(
                f"{where}：几何类型应为 Point、Polygon 或 MultiPolygon，收到 {kind}",
                code="park_geometry_unknown",
                feature=where.feature,
                kind=str(kind),
            )
        own_gates = props.get("gates")
        if own_gates is not None and own_gates != []:
            if not isinstance(own_gates, list):
                raise ParkFileError(
                    f"{where}：gates 应为 [[经度, 纬度], ...]",
                    code="park_gates_not_a_list",
                    feature=where.feature,
                )
            spec.origins = [_point(g, _Where(number, name, gate=True)) for g in own_gates]
            spec.origin_kind = "gates"
        spec.organisation = organisation
        spec.properties = {k: v for k, v in props.items() if isinstance(v, (str, int, float, bool))}
        parks.append(spec)

    by_name = {p.name: p for p in parks}
    for park_name, points in gates.items():
        if park_name not in by_name:
            raise ParkFileError(
                f"大门所属园区“{park_name}”不在文件中", code="park_of_gate_missing", park=park_name
            )
        spec = by_name[park_name]
        if spec.origin_kind != "gates":
            spec.origins = []
            spec.origin_kind = "gates"
        spec.origins.extend(points)
    if not parks:
        raise ParkFileError("文件中没有园区要素", code="park_file_without_parks")
    return parks


def read_parks(path: str | Path) -> list[ParkSpec]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ParkFileError(f"找不到文件：{path}", code="park_file_not_found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParkFileError(
            f"无法读取 GeoJSON 文件 {path.name}：{exc}",
            code="park_file_unreadable",
            file=path.name,
            error=str(exc),
        ) from exc
    return parse_parks(data)
