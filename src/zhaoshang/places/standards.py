"""Life-circle standards and a park's gaps (plain Python, no Django).

A standard is a list of requirements: within a circle (5, 10 or 15 minutes) at least ``min_count`` POIs of
a category within ``distance_m`` metres along the network. Gaps are judged by the standard's distances,
not by the walking speed (GB 50180-2018 defines its circles by walking distance).

Defaults, from GB 50180-2018《城市居住区规划设计标准》, each row citing its table (``clause``):

- 表 3.0.4 (居住区分级控制规模) gives the walking distance of each circle: 5 minutes 300 m, 10 minutes 500 m,
  15 minutes 800–1,000 m (we use the upper 1,000 m).
- 附录 B 表 B.0.1 (居住区配套设施设置规定) says which facilities each circle shall hold (▲ 应配建; △, to be
  provided as needed, is not a default requirement).
- 附录 C 表 C.0.1 (15/10-minute circles) and 表 C.0.2 (5-minute circle) give a facility's own service radius
  (服务半径不宜大于 … m) where the standard states one; that radius is the requirement's distance, else the
  circle's walking distance.

Rows (circle, facility → our category, distance):

- 5 min: 幼儿园 → kindergarten, 300 m (B.0.1 ▲; C.0.2 服务半径不宜大于 300 m); 社区商业网点（超市、药店、洗衣店、
  美发店等）→ supermarket and pharmacy, 300 m (B.0.1 ▲; the circle's 300 m).
- 10 min: 小学 → school, 500 m (B.0.1 ▲; C.0.1 ≤ 500 m); 菜市场或生鲜超市 → supermarket, 500 m (B.0.1 ▲;
  C.0.1 ≤ 500 m); 公交车站 → transit, 500 m (B.0.1 ▲; C.0.1 ≤ 500 m).
- 15 min: 初中 → school, 1,000 m (B.0.1 ▲; C.0.1 ≤ 1,000 m); 卫生服务中心（社区医院）→ hospital_clinic,
  1,000 m (B.0.1 ▲; the circle's 800–1,000 m); 餐饮设施 → restaurant and 银行营业网点 → bank, 1,000 m
  (B.0.1 商业服务业设施 ▲; the circle's distance).

Corrections against the earlier defaults: the 15-minute school row asked for 2 schools ("初中（及小学）"); the
standard asks for one 初中 (the 小学 is the 10-minute row). 药店 is part of the 5-minute 社区商业网点 row, not a
15-minute facility. 健身房 is △ in B.0.1, so the gym stays a park amenity (below), not a GB requirement.

Parks also compete for talent on amenities the residential standard does not list: the product adds, in
the 15-minute circle at 1,000 m, a cinema, a KTV, a coffee shop, a hotel and a gym (source "park"). All of it
can be replaced by a YAML file (``ZHAOSHANG_PLACES_STANDARD``), see docs/PLACES.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhaoshang.core.errors import DomainError

from .categories import BY_CODE


@dataclass(frozen=True)
class Requirement:
    minutes: int  # the circle: 5, 10 or 15
    category: str
    distance_m: float
    min_count: int = 1
    source: str = "GB 50180-2018"
    facility: str = ""  # the standard's own name for the facility
    clause: str = ""  # where the source says so (table and row)


_GB = "GB 50180-2018"
_CIRCLE = "表3.0.4 步行距离"
DEFAULT_STANDARD: tuple[Requirement, ...] = (
    Requirement(
        5, "kindergarten", 300, 1, _GB, "幼儿园", "表B.0.1 5分钟生活圈 幼儿园▲；表C.0.2 幼儿园 服务半径≤300m"
    ),
    Requirement(
        5,
        "supermarket",
        300,
        1,
        _GB,
        "社区商业网点（超市）",
        f"表B.0.1 5分钟生活圈 社区商业网点▲；{_CIRCLE} 300m",
    ),
    Requirement(
        5,
        "pharmacy",
        300,
        1,
        _GB,
        "社区商业网点（药店）",
        f"表B.0.1 5分钟生活圈 社区商业网点▲；{_CIRCLE} 300m",
    ),
    Requirement(10, "school", 500, 1, _GB, "小学", "表B.0.1 10分钟生活圈 小学▲；表C.0.1 小学 服务半径≤500m"),
    Requirement(
        10,
        "supermarket",
        500,
        1,
        _GB,
        "菜市场或生鲜超市",
        "表B.0.1 10分钟生活圈 菜市场或生鲜超市▲；表C.0.1 服务半径≤500m",
    ),
    Requirement(
        10,
        "transit",
        500,
        1,
        _GB,
        "公交车站",
        "表B.0.1 10分钟生活圈 公交车站▲；表C.0.1 公交车站 服务半径≤500m",
    ),
    Requirement(
        15, "school", 1000, 1, _GB, "初中", "表B.0.1 15分钟生活圈 初中▲；表C.0.1 初中 服务半径≤1000m"
    ),
    Requirement(
        15,
        "hospital_clinic",
        1000,
        1,
        _GB,
        "卫生服务中心（社区医院）",
        f"表B.0.1 15分钟生活圈 卫生服务中心（社区医院）▲；{_CIRCLE} 800~1000m",
    ),
    Requirement(
        15, "restaurant", 1000, 1, _GB, "餐饮设施", f"表B.0.1 15分钟生活圈 餐饮设施▲；{_CIRCLE} 800~1000m"
    ),
    Requirement(
        15, "bank", 1000, 1, _GB, "银行营业网点", f"表B.0.1 15分钟生活圈 银行营业网点▲；{_CIRCLE} 800~1000m"
    ),
    Requirement(15, "cinema", 1000, 1, "park", "影院"),
    Requirement(15, "ktv", 1000, 1, "park", "KTV"),
    Requirement(15, "coffee", 1000, 1, "park", "咖啡"),
    Requirement(15, "hotel", 1000, 1, "park", "酒店"),
    Requirement(15, "gym", 1000, 1, "park", "健身"),
)


class StandardError(DomainError):
    def __init__(self, message: str, code: str = "bad_standard", **params: Any):
        super().__init__(message, code=code, **params)


@dataclass(frozen=True)
class Gap:
    requirement: Requirement
    found: int

    @property
    def message_zh(self) -> str:
        label = BY_CODE[self.requirement.category].label_zh
        if self.found == 0:
            return f"{self.requirement.minutes} 分钟内无{label}"
        return f"{self.requirement.minutes} 分钟内{label}仅 {self.found} 处（标准 {self.requirement.min_count} 处）"


def distances(standard: Sequence[Requirement]) -> list[float]:
    return sorted({float(r.distance_m) for r in standard})


def find_gaps(standard: Sequence[Requirement], counts: Mapping[float, Mapping[str, int]]) -> list[Gap]:
    """Requirements not met, given counts by distance (metres) and category."""
    gaps = []
    for r in standard:
        found = int(counts[float(r.distance_m)].get(r.category, 0))
        if found < r.min_count:
            gaps.append(Gap(r, found))
    return gaps


def load_standard(path: str | Path) -> tuple[Requirement, ...]:
    """A standard from YAML: a list of {minutes, category, distance_m, min_count?, source?, facility?, clause?}."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise StandardError(
            f"无法读取标准文件 {path}：{exc}", code="standard_file_unreadable", path=str(path), error=str(exc)
        ) from exc
    if not isinstance(data, list) or not data:
        raise StandardError("标准文件应为要求的列表", code="standard_file_not_a_list")
    out = []
    for number, item in enumerate(data, start=1):
        try:
            req = Requirement(
                minutes=int(item["minutes"]),
                category=str(item["category"]),
                distance_m=float(item["distance_m"]),
                min_count=int(item.get("min_count", 1)),
                source=str(item.get("source", "")),
                facility=str(item.get("facility", "")),
                clause=str(item.get("clause", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise StandardError(
                f"标准文件第 {number} 条应含 minutes、category、distance_m",
                code="standard_item_incomplete",
                item=number,
            ) from None
        if req.category not in BY_CODE:
            raise StandardError(
                f"标准文件第 {number} 条的类别“{req.category}”未知",
                code="standard_item_unknown_category",
                item=number,
                category=req.category,
            )
        if req.distance_m <= 0 or req.min_count < 1:
            raise StandardError(
                f"标准文件第 {number} 条的距离和数量必须为正", code="standard_item_not_positive", item=number
            )
        out.append(req)
    return tuple(out)
