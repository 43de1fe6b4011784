"""Matching a project's needs against carriers (载体: land, standard factories, office space).

Each criterion comes out ``met``, ``unmet`` or ``unknown`` with a reason in Chinese. A figure that the carrier
record does not have is ``unknown`` — somebody should ask the park — and never counts as a failure.

- Kind must match; carriers of another kind, or already occupied (``status == "occupied"``), are never listed.
- Hard criteria: area, floor load, power, price ceiling, availability date and a ``reserved`` status. A carrier
  failing any of them is left out unless ``include_partial=True``.
- Preferred parks are a preference: outside them is shown, not a failure.
- Areas may be given in ㎡ or 亩 (1 亩 = 10000/15 ≈ 666.67 ㎡) on either side and are compared in ㎡.
- Prices are compared as given: needs and carriers of one kind must use the same unit (by convention 万元/亩
  for land, 元/㎡·月 for factories and offices; see :data:`PRICE_UNITS`).

Order: complete matches first (fewest unmet), then preferred parks, then fewest unknowns, then the tightest
fit on area (least surplus), then carrier id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from zhaoshang.core.errors import DomainError

from .units import format_number, mu_to_m2

CarrierKind = Literal["land", "factory", "office"]
AreaUnit = Literal["m2", "mu"]
Outcome = Literal["met", "unmet", "unknown"]

KIND_LABELS: dict[str, str] = {"land": "土地", "factory": "标准厂房", "office": "楼宇办公"}
PRICE_UNITS: dict[str, str] = {"land": "万元/亩", "factory": "元/㎡·月", "office": "元/㎡·月"}
STATUS_LABELS: dict[str, str] = {"available": "可用", "reserved": "已预留", "occupied": "已占用"}


class CarrierError(DomainError):
    """Bad input to carrier matching; the message is in Chinese for the user."""


@dataclass(frozen=True)
class CarrierNeeds:
    kind: CarrierKind
    area: float | None = None
    area_unit: AreaUnit = "m2"
    floor_load_kn_m2: float | None = None
    power_kva: float | None = None
    max_price: float | None = None
    preferred_parks: tuple[str, ...] = ()
    available_by: date | None = None


@dataclass(frozen=True)
class Carrier:
    id: object
    park: str
    kind: CarrierKind
    area: float | None = None
    area_unit: AreaUnit = "m2"
    floor_load_kn_m2: float | None = None
    power_kva: float | None = None
    price: float | None = None
    available_from: date | None = None
    status: str = "available"


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    outcome: Outcome
    reason_zh: str


@dataclass(frozen=True)
class CarrierMatch:
    carrier: Carrier
    criteria: tuple[CriterionResult, ...]
    preferred_park: bool

    @property
    def complete(self) -> bool:
        return self.unmet_count == 0

    @property
    def unmet_count(self) -> int:
        return sum(1 for c in self.criteria if c.outcome == "unmet" and c.criterion != "park")

    @property
    def unknown_count(self) -> int:
        return sum(1 for c in self.criteria if c.outcome == "unknown")

    @property
    def reasons_zh(self) -> list[str]:
        return [c.reason_zh for c in self.criteria]


def _to_m2(value: float, unit: AreaUnit) -> float:
    if unit == "m2":
        return float(value)
    if unit == "mu":
        return mu_to_m2(value)
    raise CarrierError(
        f"未知的面积单位「{unit}」，请使用 m2（平方米）或 mu（亩）",
        code="carrier_area_unit_unknown",
        unit=unit,
    )


def _area_text(m2: float, unit: AreaUnit) -> str:
    if unit == "mu":
        return f"{format_number(m2 / mu_to_m2(1))}亩（{format_number(m2, 0)}㎡）"
    return f"{format_number(m2)}㎡"


def _check_area(needs: CarrierNeeds, carrier: Carrier) -> CriterionResult | None:
    if needs.area is None:
        return None
    need = _to_m2(needs.area, needs.area_unit)
    if carrier.area is None:
        return CriterionResult("area", "unknown", "面积未知")
    have = _to_m2(carrier.area, carrier.area_unit)
    unit = needs.area_unit
    if have + 1e-6 >= need:
        return CriterionResult(
            "area", "met", f"面积 {_area_text(have, unit)} 满足需求 {_area_text(need, unit)}"
        )
    return CriterionResult(
        "area", "unmet", f"面积 {_area_text(have, unit)} 小于需求 {_area_text(need, unit)}"
    )


def _check_minimum(
    criterion: str, label: str, unit: str, need: float | None, have: float | None
) -> CriterionResult | None:
    if need is None:
        return None
    if have is None:
        return CriterionResult(criterion, "unknown", f"{label}未知")
    if have >= need:
        return CriterionResult(
            criterion, "met", f"{label} {format_number(have)} {unit} 满足要求 {format_number(need)} {unit}"
        )
    return CriterionResult(
        criterion, "unmet", f"{label} {format_number(have)} {unit} 低于要求 {format_number(need)} {unit}"
    )


def _check_price(needs: CarrierNeeds, carrier: Carrier) -> CriterionResult | None:
    if needs.max_price is None:
        return None
    if carrier.price is None:
        return CriterionResult("price", "unknown", "价格未知")
    unit = PRICE_UNITS[needs.kind]
    have, cap = format_number(carrier.price), format_number(needs.max_price)
    if carrier.price <= needs.max_price:
        return CriterionResult("price", "met", f"价格 {have} {unit} 不超过上限 {cap} {unit}")
    return CriterionResult("price", "unmet", f"价格 {have} {unit} 高于上限 {cap} {unit}")


def _check_date(needs: CarrierNeeds, carrier: Carrier) -> CriterionResult | None:
    if needs.available_by is None:
        return None
    if carrier.available_from is None:
        return CriterionResult("available", "unknown", "可交付日期未知")
    have, need = carrier.available_from.isoformat(), needs.available_by.isoformat()
    if carrier.available_from <= needs.available_by:
        return CriterionResult("available", "met", f"{have} 可交付，不晚于需求日期 {need}")
    return CriterionResult("available", "unmet", f"{have} 才可交付，晚于需求日期 {need}")


def _check_status(carrier: Carrier) -> CriterionResult:
    label = STATUS_LABELS.get(carrier.status, carrier.status)
    if carrier.status == "available":
        return CriterionResult("status", "met", f"状态：{label}")
    return CriterionResult("status", "unmet", f"状态：{label}")


def evaluate_carrier(needs: CarrierNeeds, carrier: Carrier) -> CarrierMatch:
    """Check one carrier against the needs, criterion by criterion (kind and status are not filtered here)."""
    criteria = [
        _check_status(carrier),
        _check_area(needs, carrier),
        _check_minimum("floor_load", "承重", "kN/㎡", needs.floor_load_kn_m2, carrier.floor_load_kn_m2),
        _check_minimum("power", "电力容量", "kVA", needs.power_kva, carrier.power_kva),
        _check_price(needs, carrier),
        _check_date(needs, carrier),
    ]
    preferred = carrier.park in needs.preferred_parks
    if needs.preferred_parks:
        parks = "、".join(needs.preferred_parks)
        criteria.append(
            CriterionResult("park", "met", f"位于意向园区「{carrier.park}」")
            if preferred
            else CriterionResult("park", "unmet", f"不在意向园区（{parks}）内")
        )
    return CarrierMatch(carrier, tuple(c for c in criteria if c is not None), preferred)


def match_carriers(
    needs: CarrierNeeds, carriers: Iterable[Carrier], *, include_partial: bool = False
) -> list[CarrierMatch]:
    """Carriers of the needed kind that are not occupied, ranked; hard failures only with ``include_partial``."""
    if needs.kind not in KIND_LABELS:
        raise CarrierError(
            f"未知的载体类型「{needs.kind}」，可选：{'、'.join(KIND_LABELS)}",
            code="carrier_kind_unknown",
            kind=needs.kind,
            kinds=", ".join(KIND_LABELS),
        )
    need_m2 = _to_m2(needs.area, needs.area_unit) if needs.area is not None else None
    matches = []
    for carrier in carriers:
        if carrier.kind != needs.kind or carrier.status == "occupied":
            continue
        match = evaluate_carrier(needs, carrier)
        if match.complete or include_partial:
            matches.append(match)

    def surplus(m: CarrierMatch) -> float:
        if need_m2 is None or m.carrier.area is None:
            return float("inf")
        return abs(_to_m2(m.carrier.area, m.carrier.area_unit) - need_m2)

    matches.sort(
        key=lambda m: (m.unmet_count, not m.preferred_park, m.unknown_count, surplus(m), str(m.carrier.id))
    )
    return matches
