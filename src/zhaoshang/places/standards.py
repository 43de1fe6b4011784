"""Life-circle standards and a park's gaps (plain Python, no Django).

A standard is a list of requirements: within a circle (5, 10 or 15 minutes) at least ``min_count`` POIs of
a category within ``distance_m`` metres along the network. Gaps are judged by the standard's distances,
not by the walking speed (GB 50180-2018 defines its circles by walking distance).

Defaults, from GB 50180-2018《城市居住区规划设计标准》(walking distance of the 5/10/15-minute life circles:
300 m, 500 m and 800–1,000 m; the facilities by circle are in its appendix B tables; we use the upper
1,000 m for the 15-minute circle):

- 5 minutes (300 m): kindergarten (幼儿园, service radius ≤ 300 m); a small shop (社区商业网点 → supermarket /
  convenience store).
- 10 minutes (500 m): primary school (小学, ≤ 500 m → school); fresh market or supermarket (菜市场或生鲜超市,
  ≤ 500 m → supermarket); bus stop (公交车站, ≤ 500 m → transit).
- 15 minutes (1,000 m): middle school (初中, ≤ 1,000 m → school); community health centre (社区卫生服务中心,
  ≤ 1,000 m → hospital / clinic); catering, bank branch, pharmacy (商业服务业设施 → restaurant, bank,
  pharmacy).

Parks also compete for talent on amenities the residential standard does not list: the product adds, in
the 15-minute circle at 1,000 m, a cinema, a KTV, a coffee shop, a hotel and a gym (source "park"). All of it
can be replaced by a YAML file (``ZHAOSHANG_PLACES_STANDARD``), see docs/PLACES.md. Check the GB 50180
rows against your copy of the standard before relying on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

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


DEFAULT_STANDARD: tuple[Requirement, ...] = (
    Requirement(5, "kindergarten", 300, 1, "GB 50180-2018", "幼儿园"),
    Requirement(5, "supermarket", 300, 1, "GB 50180-2018", "社区商业网点"),
    Requirement(10, "school", 500, 1, "GB 50180-2018", "小学"),
    Requirement(10, "supermarket", 500, 1, "GB 50180-2018", "菜市场或生鲜超市"),
    Requirement(10, "transit", 500, 1, "GB 50180-2018", "公交车站"),
    Requirement(15, "school", 1000, 2, "GB 50180-2018", "初中（及小学）"),
    Requirement(15, "hospital_clinic", 1000, 1, "GB 50180-2018", "社区卫生服务中心"),
    Requirement(15, "restaurant", 1000, 1, "GB 50180-2018", "餐饮设施"),
    Requirement(15, "bank", 1000, 1, "GB 50180-2018", "银行营业网点"),
    Requirement(15, "pharmacy", 1000, 1, "GB 50180-2018", "药店"),
    Requirement(15, "cinema", 1000, 1, "park", "影院"),
    Requirement(15, "ktv", 1000, 1, "park", "KTV"),
    Requirement(15, "coffee", 1000, 1, "park", "咖啡"),
    Requirement(15, "hotel", 1000, 1, "park", "酒店"),
    Requirement(15, "gym", 1000, 1, "park", "健身"),
)


class StandardError(DomainError):
    def __init__(self, message: str, code: str = "bad_standard"):
        super().__init__(message)
        self.code = code


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
    """A standard from YAML: a list of {minutes, category, distance_m, min_count?, source?, facility?}."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise StandardError(f"无法读取标准文件 {path}：{exc}") from exc
    if not isinstance(data, list) or not data:
        raise StandardError("标准文件应为要求的列表")
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
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise StandardError(f"标准文件第 {number} 条应含 minutes、category、distance_m") from None
        if req.category not in BY_CODE:
            raise StandardError(f"标准文件第 {number} 条的类别“{req.category}”未知")
        if req.distance_m <= 0 or req.min_count < 1:
            raise StandardError(f"标准文件第 {number} 条的距离和数量必须为正")
        out.append(req)
    return tuple(out)
