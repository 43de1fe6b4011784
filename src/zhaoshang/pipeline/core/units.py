"""Units used across the pipeline cores: amounts in 万元 and areas in ㎡ / 亩."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from zhaoshang.core.errors import DomainError

#: 1 亩 = 1/15 公顷 = 10000/15 ㎡ (≈ 666.67 ㎡). Kept exact so 7.5 亩 is exactly 5,000 ㎡.
MU_IN_M2: Fraction = Fraction(10000, 15)


class UnitError(DomainError):
    """A figure that cannot be read as a number; the message is in Chinese for the user."""


def to_wan(value: object) -> Decimal:
    """An amount in 万元 as an exact Decimal; None counts as 0. Floats go through ``str`` so 0.1 stays 0.1."""
    if value is None:
        return Decimal(0)
    if isinstance(value, bool):
        raise UnitError(f"金额（万元）不是数字：{value!r}", code="amount_wan_not_a_number", value=repr(value))
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value)) if isinstance(value, (int, float, str)) else Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise UnitError(
            f"金额（万元）不是数字：{value!r}", code="amount_wan_not_a_number", value=repr(value)
        ) from None


def mu_to_m2(mu: float | int | Decimal) -> float:
    return float(Fraction(str(mu)) * MU_IN_M2)


def format_number(value: float | int | Decimal, max_decimals: int = 2) -> str:
    """``5200`` → ``5,200``; ``7.5`` → ``7.5``; ``1234.567`` → ``1,234.57`` (no trailing zeros)."""
    text = f"{Decimal(str(value)):,.{max_decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
