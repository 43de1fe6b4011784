"""Demo places for 株洲: a generated OSM-like street network (示例) around two parks, POIs, and the parks.

The network is written as an ordinary ``.osm`` file and imported through the real ``import_osm`` path: a
street grid about 60 m apart with footways, one motorway and one private road (neither walked). 株洲高新区
(示例) is a polygon with cafés, a cinema, a KTV, schools, a clinic and hotels nearby; 株洲经开区 (示例) is a
point with a few restaurants and a bus stop, so its gaps are clear. Idempotent: an existing demo network
is left as it is, and parks are updated only when they differ.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from zhaoshang.places import services
from zhaoshang.places.models import StreetNetwork

AREA = "株洲示例路网（示例）"
LON0, LAT0 = 113.080, 27.820
DLON, DLAT = 0.00061, 0.00054  # about 60 m each way at this latitude
COLS, ROWS = 70, 40

# (column, row, tags) of POI nodes placed on the grid (offset a little from the street corner)
HITECH_POIS = [
    (14, 12, {"amenity": "cafe", "name": "星巴克（示例·动力谷店）"}),
    (17, 15, {"amenity": "cafe", "name": "瑞幸咖啡（示例）"}),
    (20, 13, {"amenity": "cinema", "name": "万达影城（示例）"}),
    (19, 17, {"amenity": "karaoke_box", "name": "好乐迪KTV（示例）"}),
    (13, 16, {"amenity": "restaurant", "name": "湘菜馆（示例）"}),
    (16, 18, {"amenity": "fast_food", "name": "快餐店（示例）"}),
    (11, 13, {"amenity": "clinic", "name": "社区卫生服务中心（示例）"}),
    (12, 10, {"amenity": "kindergarten", "name": "栗雨幼儿园（示例）"}),
    (15, 11, {"amenity": "school", "name": "栗雨小学（示例）"}),
    (22, 16, {"amenity": "school", "name": "天元中学（示例）"}),
    (18, 11, {"tourism": "hotel", "name": "动力谷酒店（示例）"}),
    (14, 14, {"shop": "convenience", "name": "便利店（示例）"}),
    (17, 19, {"shop": "supermarket", "name": "步步高超市（示例）"}),
    (21, 14, {"amenity": "pharmacy", "name": "老百姓大药房（示例）"}),
    (18, 16, {"amenity": "bank", "name": "工商银行（示例）"}),
    (20, 19, {"leisure": "fitness_centre", "name": "健身中心（示例）"}),
    (15, 13, {"highway": "bus_stop", "name": "动力谷站（示例）"}),
]
ECON_POIS = [
    (52, 25, {"amenity": "restaurant", "name": "园区食堂（示例）"}),
    (55, 27, {"amenity": "fast_food", "name": "粉面馆（示例）"}),
    (53, 22, {"highway": "bus_stop", "name": "智造园站（示例）"}),
    (60, 30, {"shop": "convenience", "name": "便利店（示例·经开）"}),
]

PARKS = [
    {
        "type": "Feature",
        "properties": {"name": "株洲高新区（示例）", "organisation": "zz-hitech"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [LON0 + 14 * DLON, LAT0 + 13 * DLAT],
                    [LON0 + 18 * DLON, LAT0 + 13 * DLAT],
                    [LON0 + 18 * DLON, LAT0 + 16 * DLAT],
                    [LON0 + 14 * DLON, LAT0 + 16 * DLAT],
                    [LON0 + 14 * DLON, LAT0 + 13 * DLAT],
                ]
            ],
        },
    },
    {
        "type": "Feature",
        "properties": {"name": "株洲经开区（示例）", "organisation": "zz-econ"},
        "geometry": {"type": "Point", "coordinates": [LON0 + 54 * DLON, LAT0 + 25 * DLAT]},
    },
]


def node_id(col: int, row: int) -> int:
    return row * COLS + col + 1


def osm_document() -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<osm version="0.6" generator="zhaoshang demo (示例)">',
    ]
    for row in range(ROWS):
        for col in range(COLS):
            lines.append(
                f'<node id="{node_id(col, row)}" version="1" lon="{LON0 + col * DLON:.7f}" lat="{LAT0 + row * DLAT:.7f}"/>'
            )
    poi_id = 10_000_000
    for col, row, tags in HITECH_POIS + ECON_POIS:
        poi_id += 1
        inner = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        lon = LON0 + (col + 0.3) * DLON
        lat = LAT0 + (row + 0.3) * DLAT
        lines.append(f'<node id="{poi_id}" version="1" lon="{lon:.7f}" lat="{lat:.7f}">{inner}</node>')
    way_id = 1
    for row in range(ROWS):
        if row == 30:
            kind = "motorway"
        elif row % 5 == 0:
            kind = "secondary"
        else:
            kind = "residential"
        refs = "".join(f'<nd ref="{node_id(col, row)}"/>' for col in range(COLS))
        lines.append(
            f'<way id="{way_id}" version="1">{refs}<tag k="highway" v="{kind}"/><tag k="name" v="示例横路{row}"/></way>'
        )
        way_id += 1
    for col in range(COLS):
        refs = "".join(f'<nd ref="{node_id(col, row)}"/>' for row in range(ROWS))
        extra = '<tag k="access" v="private"/>' if col == 35 else ""
        kind = "footway" if col % 3 == 1 else "tertiary"
        lines.append(f'<way id="{way_id}" version="1">{refs}<tag k="highway" v="{kind}"/>{extra}</way>')
        way_id += 1
    lines.append("</osm>")
    return "\n".join(lines)


def build(ctx) -> None:
    actor = getattr(ctx, "actor", None)
    with tempfile.TemporaryDirectory(prefix="zhaoshang-places-demo-") as tmp:
        if not StreetNetwork.objects.filter(name=AREA).exists():
            osm = Path(tmp) / "zhuzhou-demo.osm"
            osm.write_text(osm_document(), encoding="utf-8")
            services.import_osm(osm, area=AREA, actor=actor, is_demo=True)
        parks = Path(tmp) / "parks.geojson"
        parks.write_text(
            json.dumps({"type": "FeatureCollection", "features": PARKS}, ensure_ascii=False), encoding="utf-8"
        )
        services.import_parks(parks, actor=actor, is_demo=True)
