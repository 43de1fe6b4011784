"""Chinese map coordinate systems to WGS-84 (plain Python, no Django).

Amap (高德) and Tencent publish GCJ-02 coordinates, Baidu BD-09; both are offset from WGS-84 (GPS,
OpenStreetMap) by up to several hundred metres inside China. GCJ-02 is WGS-84 shifted by the published
"transform" polynomials on the Krasovsky ellipsoid; BD-09 adds Baidu's rotation and offset on top of
GCJ-02. Outside China (the usual rectangle) GCJ-02 equals WGS-84.

``gcj02_to_wgs84`` inverts the forward shift by fixed-point iteration to better than 1e-9° (a few
millimetres), instead of the one-step approximation many libraries use (which is off by up to a metre).
"""

from __future__ import annotations

import math
from typing import Any

from zhaoshang.core.errors import DomainError

A = 6378245.0  # Krasovsky 1940 semi-major axis
EE = 0.00669342162296594323  # Krasovsky 1940 first eccentricity squared
X_PI = math.pi * 3000.0 / 180.0
CRS_CHOICES = ("wgs84", "gcj02", "bd09")


class CoordinateError(DomainError):
    def __init__(self, message: str, code: str = "bad_coordinates", **params: Any):
        super().__init__(message, code=code, **params)


def out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < 1e-10 and abs(dlat) < 1e-10:
            break
    return wlon, wlat


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    x = lon - 0.0065
    y = lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Convert a point from ``crs`` (wgs84, gcj02 or bd09) to WGS-84; validates the range."""
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise CoordinateError(
            f"坐标超出经纬度范围（{lon}, {lat}）", code="coordinates_out_of_range", lon=lon, lat=lat
        )
    if crs == "wgs84":
        return lon, lat
    if crs == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if crs == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    raise CoordinateError(
        f"未知坐标系“{crs}”；可选：{'、'.join(CRS_CHOICES)}",
        code="bad_crs",
        crs=crs,
        choices=", ".join(CRS_CHOICES),
    )


# --- XYZ map tiles (Web Mercator, the scheme of OSM, Tianditu and Amap tile servers) ------------------------

MERCATOR_MAX_LAT = 85.0511287798


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The tile (x, y) holding a point at ``zoom`` (y counted from the north)."""
    n = 2**zoom
    lat = max(-MERCATOR_MAX_LAT, min(MERCATOR_MAX_LAT, lat))
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_corner(x: int, y: int, zoom: int) -> tuple[float, float]:
    """Longitude and latitude of a tile's north-west corner."""
    n = 2**zoom
    return x / n * 360.0 - 180.0, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))


def tiles_covering(
    west: float,
    south: float,
    east: float,
    north: float,
    *,
    max_tiles: int = 100,
    max_zoom: int = 18,
    crs: str = "wgs84",
) -> list[tuple[int, int, int, float, float, float, float]]:
    """The tiles of the deepest zoom (≤ ``max_zoom``) that cover a WGS-84 box with at most ``max_tiles``.

    Each is ``(z, x, y, west, south, east, north)`` with the corners in WGS-84. ``crs="gcj02"``: the tile
    server draws GCJ-02 coordinates (Amap-style tiles), so the box is shifted to GCJ-02 to pick the tiles and
    their corners are shifted back, which lays the tiles under WGS-84 data where they belong.
    """
    if crs not in ("wgs84", "gcj02"):
        raise CoordinateError(f"瓦片坐标系应为 wgs84 或 gcj02，收到 {crs}", code="tile_crs_unknown", crs=crs)
    if crs == "gcj02":
        west, south = wgs84_to_gcj02(west, south)
        east, north = wgs84_to_gcj02(east, north)
    for zoom in range(max_zoom, -1, -1):
        x0, y0 = tile_of(west, north, zoom)
        x1, y1 = tile_of(east, south, zoom)
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= max_tiles:
            break
    out = []
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            w, n = tile_corner(x, y, zoom)
            e, s = tile_corner(x + 1, y + 1, zoom)
            if crs == "gcj02":
                w, n = gcj02_to_wgs84(w, n)
                e, s = gcj02_to_wgs84(e, s)
            out.append((zoom, x, y, w, s, e, n))
    return out
