"""POI categories and the default OpenStreetMap tag mapping (plain Python, no Django).

The order of ``CATEGORIES`` is the order of every output (JSON keys, table columns, radar axes).
``OSM_TAGS`` maps each category to the ``key=value`` tags that put an OSM element into it; an element that
matches several categories counts in each. The mapping can be replaced by a YAML file of the same shape
(``category: ["key=value", ...]``, see docs/PLACES.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhaoshang.core.errors import DomainError


@dataclass(frozen=True)
class Category:
    code: str
    label_zh: str
    label_en: str


CATEGORIES: tuple[Category, ...] = (
    Category("coffee", "咖啡", "Coffee"),
    Category("restaurant", "餐饮", "Restaurants"),
    Category("cinema", "影院", "Cinema"),
    Category("ktv", "KTV", "KTV"),
    Category("hospital_clinic", "医院诊所", "Hospital / clinic"),
    Category("kindergarten", "幼儿园", "Kindergarten"),
    Category("school", "学校", "School"),
    Category("hotel", "酒店", "Hotel"),
    Category("supermarket", "超市便利店", "Supermarket / convenience"),
    Category("pharmacy", "药店", "Pharmacy"),
    Category("bank", "银行", "Bank"),
    Category("gym", "健身", "Gym"),
    Category("transit", "公交站", "Transit stop"),
)
CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)
INDEX: dict[str, int] = {code: i for i, code in enumerate(CODES)}
BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}

OSM_TAGS: dict[str, tuple[str, ...]] = {
    "coffee": ("amenity=cafe",),
    "restaurant": ("amenity=restaurant", "amenity=fast_food"),
    "cinema": ("amenity=cinema",),
    "ktv": ("amenity=karaoke_box",),
    "hospital_clinic": ("amenity=hospital", "amenity=clinic", "amenity=doctors"),
    "kindergarten": ("amenity=kindergarten",),
    "school": ("amenity=school",),
    "hotel": ("tourism=hotel", "tourism=guest_house"),
    "supermarket": ("shop=supermarket", "shop=convenience"),
    "pharmacy": ("amenity=pharmacy",),
    "bank": ("amenity=bank",),
    "gym": ("leisure=fitness_centre",),
    # Stops and stations: bus stops, bus stations, railway / subway / tram stations and halts.
    "transit": (
        "highway=bus_stop",
        "amenity=bus_station",
        "public_transport=station",
        "railway=station",
        "railway=halt",
        "railway=tram_stop",
    ),
}


class CategoryError(DomainError):
    def __init__(self, message: str, code: str = "bad_category_mapping", **params: Any):
        super().__init__(message, code=code, **params)


class TagMatcher:
    """Which categories an element's tags put it in, by ``key=value`` lookups."""

    def __init__(self, mapping: Mapping[str, tuple[str, ...] | list[str]] | None = None):
        mapping = OSM_TAGS if mapping is None else mapping
        self.by_tag: dict[tuple[str, str], list[int]] = {}
        for code, tags in mapping.items():
            if code not in INDEX:
                raise CategoryError(
                    f"未知类别“{code}”；可用类别：{'、'.join(CODES)}",
                    code="category_mapping_unknown_category",
                    category=code,
                    choices=", ".join(CODES),
                )
            for tag in tags:
                key, sep, value = str(tag).partition("=")
                if not sep or not key.strip() or not value.strip():
                    raise CategoryError(
                        f"类别“{code}”的标签“{tag}”应写成 key=value",
                        code="category_mapping_bad_tag",
                        category=code,
                        tag=tag,
                    )
                self.by_tag.setdefault((key.strip(), value.strip()), []).append(INDEX[code])
        self.keys: tuple[str, ...] = tuple(sorted({k for k, _ in self.by_tag}))

    def categories(self, tags: Any) -> list[int]:
        """Category indexes (sorted, distinct) for an element's tags (a mapping or an osmium TagList)."""
        found: set[int] = set()
        for key in self.keys:
            value = tags.get(key)
            if value is None:
                continue
            for part in str(value).split(";"):
                hit = self.by_tag.get((key, part.strip()))
                if hit:
                    found.update(hit)
        return sorted(found)


def load_mapping(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Read a YAML mapping ``category: [key=value, ...]``; categories left out keep their default tags."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CategoryError(
            f"无法读取类别映射文件 {path}：{exc}",
            code="category_mapping_unreadable",
            path=str(path),
            error=str(exc),
        ) from exc
    if not isinstance(data, dict):
        raise CategoryError(
            "类别映射文件应为 类别: [key=value, ...] 的映射", code="category_mapping_not_a_mapping"
        )
    mapping = dict(OSM_TAGS)
    for code, tags in data.items():
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list):
            raise CategoryError(
                f"类别“{code}”的标签应为列表", code="category_mapping_tags_not_a_list", category=code
            )
        mapping[str(code)] = tuple(str(t) for t in tags)
    TagMatcher(mapping)  # validates
    return mapping
