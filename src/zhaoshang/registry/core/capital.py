"""Registered capital (注册资本): parse the ways exports write it, compare across currencies.

Amounts are kept in 万 (10,000) of their own currency, as the registry states them, with the ISO 4217 code:
``"104.1667万元人民币"`` → ``Capital(Decimal("104.1667"), "CNY")``, ``"1500万美元"`` → ``(1500, "USD")``,
``"1亿元"`` → ``(10000, "CNY")``, ``"200000元"`` → ``(20, "CNY")``.

A bare number (``"500"``, or a numeric spreadsheet cell) has no unit; it is read only when the caller says what
the column means (``plain_unit="万"`` for a header such as ``注册资本(万元)``, ``"元"`` for ``注册资本(元)``), and is
then taken as 人民币.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType
from typing import Final, Literal, NamedTuple

from .errors import CapitalError, CurrencyError

PlainUnit = Literal["万", "元"]


class Capital(NamedTuple):
    """Registered capital in 万 of ``currency`` (ISO 4217)."""

    amount_wan: Decimal
    currency: str


# Currency names as written in Chinese exports, longest first when matched. "元" alone means 人民币 only when no
# other currency is named ("万元 美元" is US dollars).
CURRENCY_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "人民币": "CNY",
        "rmb": "CNY",
        "cny": "CNY",
        "¥": "CNY",
        "美元": "USD",
        "美金": "USD",
        "us$": "USD",
        "usd": "USD",
        "$": "USD",
        "港元": "HKD",
        "港币": "HKD",
        "hk$": "HKD",
        "hkd": "HKD",
        "欧元": "EUR",
        "eur": "EUR",
        "€": "EUR",
        "日元": "JPY",
        "日币": "JPY",
        "円": "JPY",
        "jpy": "JPY",
        "英镑": "GBP",
        "gbp": "GBP",
        "£": "GBP",
        "新台币": "TWD",
        "台币": "TWD",
        "nt$": "TWD",
        "twd": "TWD",
        "新加坡元": "SGD",
        "新币": "SGD",
        "s$": "SGD",
        "sgd": "SGD",
        "澳大利亚元": "AUD",
        "澳元": "AUD",
        "澳币": "AUD",
        "aud": "AUD",
        "加拿大元": "CAD",
        "加元": "CAD",
        "加币": "CAD",
        "cad": "CAD",
        "瑞士法郎": "CHF",
        "瑞郎": "CHF",
        "chf": "CHF",
        "韩元": "KRW",
        "韩币": "KRW",
        "krw": "KRW",
        "澳门元": "MOP",
        "澳门币": "MOP",
        "澳门帕塔卡": "MOP",
        "mop": "MOP",
    }
)

#: Approximate CNY per one unit of each currency (mid 2025). Only for rough comparisons across currencies; the
#: Django settings are expected to override it (``REGISTRY_CNY_RATES``) with the rates the city wants to use.
DEFAULT_CNY_RATES: Final[Mapping[str, Decimal]] = MappingProxyType(
    {
        "CNY": Decimal("1"),
        "USD": Decimal("7.2"),
        "HKD": Decimal("0.92"),
        "EUR": Decimal("7.8"),
        "JPY": Decimal("0.049"),
        "GBP": Decimal("9.2"),
        "TWD": Decimal("0.22"),
        "SGD": Decimal("5.4"),
        "AUD": Decimal("4.7"),
        "CAD": Decimal("5.2"),
        "CHF": Decimal("8.2"),
        "KRW": Decimal("0.0052"),
        "MOP": Decimal("0.89"),
    }
)

_CURRENCY_RE = re.compile("|".join(re.escape(a) for a in sorted(CURRENCY_ALIASES, key=len, reverse=True)))
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_UNIT_RE = re.compile(r"^(亿|千万|百万|十万|万|千|百)?")
# Words that may surround a capital without changing its meaning.
_NOISE_RE = re.compile(
    r"注册资本|注册资金|实缴资本|认缴|实缴|资本|币种|金额|约|整|元|[:：()\[\]（）【】<>《》\-—/|,，;；]"
)
_PLACEHOLDERS: Final = frozenset(
    {"", "-", "--", "—", "——", "/", "无", "暂无", "未知", "不详", "未公开", "null", "none", "nan", "n/a"}
)

_UNIT_SCALE: Final = {
    "亿": 4,
    "千万": 3,
    "百万": 2,
    "十万": 1,
    "万": 0,
    "千": -1,
    "百": -2,
    None: -4,  # 元
}
_ONE = Decimal(1)
#: Amounts in 万 from this power of ten on are not registered capitals but typing errors (and do not fit the
#: database column: 20 digits, 4 after the point).
MAX_WAN_DIGITS: Final = 16


def _tidy(amount: Decimal) -> Decimal:
    """``Decimal('1E+4')`` → ``Decimal('10000')``; keeps the digits after the point as written."""
    return amount.quantize(_ONE) if amount.as_tuple().exponent > 0 else amount  # type: ignore[operator]


def parse_capital(
    raw: object, *, plain_unit: PlainUnit | None = None, plain_currency: str = "CNY"
) -> Capital | None:
    """Parse a registered-capital text; ``None`` when empty or a placeholder (``-``, ``无``, ``未知``).

    ``plain_unit`` says what a bare number means (``"万"`` or ``"元"``) and ``plain_currency`` in which currency
    (人民币 unless the header says otherwise, see :func:`unit_from_header`). Raises :class:`CapitalError`
    (keeping the raw text) when the text cannot be read.
    """
    if raw.__class__ is str:
        return _parse_text(raw, plain_unit, plain_currency)  # type: ignore[arg-type]
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CapitalError(raw, "不是金额", code="capital_not_an_amount")
    if isinstance(raw, int | float | Decimal):
        try:
            amount = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        except InvalidOperation as exc:
            raise CapitalError(raw, "不是有效数字", code="capital_not_a_valid_number") from exc
        if not amount.is_finite():
            raise CapitalError(raw, "不是有效数字", code="capital_not_a_valid_number")
        return _bare_number(raw, amount, plain_unit, plain_currency)
    if not isinstance(raw, str):
        raise CapitalError(raw, "不是文本或数字", code="capital_not_text_or_number")
    return _parse_text(raw, plain_unit, plain_currency)


def _bare_number(raw: object, amount: Decimal, plain_unit: PlainUnit | None, currency: str) -> Capital:
    if amount < 0:
        raise CapitalError(raw, "金额不能为负数", code="capital_negative")
    if plain_unit is None:
        raise CapitalError(
            raw,
            "只有数字，没有单位（万元还是元？）；请在表头注明单位，如“注册资本(万元)”",
            code="capital_bare_number_without_unit",
        )
    if plain_unit == "元":
        return _capital(raw, amount.scaleb(-4), currency)
    return _capital(raw, amount, currency)


def _capital(raw: object, amount_wan: Decimal, currency: str) -> Capital:
    if amount_wan and amount_wan.adjusted() >= MAX_WAN_DIGITS:
        raise CapitalError(
            raw,
            f"金额过大（超过{MAX_WAN_DIGITS}位数的万元），请核对是否多写了数字",
            code="capital_too_large",
            digits=MAX_WAN_DIGITS,
        )
    return Capital(_tidy(amount_wan), currency)


@lru_cache(maxsize=65536)
def _parse_text(raw: str, plain_unit: PlainUnit | None, plain_currency: str) -> Capital | None:
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    if text in _PLACEHOLDERS:
        return None
    text = text.replace(",", "").replace(" ", "").replace("\u3000", "")
    numbers = _NUMBER_RE.findall(text)
    if not numbers:
        raise CapitalError(raw, "没有找到金额数字", code="capital_no_number")
    if len(numbers) > 1:
        raise CapitalError(raw, "含有多个数字", code="capital_several_numbers")
    number = numbers[0]
    amount = Decimal(number)
    head, _, tail = text.partition(number)
    if head.endswith("-"):
        raise CapitalError(raw, "金额不能为负数", code="capital_negative")
    unit_match = _UNIT_RE.match(tail)
    unit = unit_match.group(1) if unit_match else None
    rest = head + tail[unit_match.end() if unit_match else 0 :]

    currencies = {CURRENCY_ALIASES[m] for m in _CURRENCY_RE.findall(rest)}
    if len(currencies) > 1:
        raise CapitalError(
            raw,
            f"同时出现多个币种（{'、'.join(sorted(currencies))}）",
            code="capital_several_currencies",
            currencies=", ".join(sorted(currencies)),
        )
    says_yuan = "元" in rest
    leftover = _NOISE_RE.sub("", _CURRENCY_RE.sub("", rest))
    if leftover:
        raise CapitalError(raw, f"无法理解“{leftover}”", code="capital_not_understood", text=leftover)
    currency = currencies.pop() if currencies else "CNY"

    if unit is None and not says_yuan and rest == "":
        # a bare number written as text
        return _bare_number(raw, amount, plain_unit, plain_currency)
    if unit is None and not says_yuan and plain_unit is not None and currency == plain_currency:
        return _bare_number(raw, amount, plain_unit, plain_currency)
    if unit is None and not says_yuan and plain_unit is None:
        raise CapitalError(raw, "没有单位（万元还是元？）", code="capital_no_unit")
    return _capital(raw, amount.scaleb(_UNIT_SCALE[unit]), currency)


def unit_from_header(hint: str) -> tuple[PlainUnit, str] | None:
    """What a unit written in a header (``万元``, ``元``, ``万美元``, ``单位：万元``) means for bare numbers.

    Returns ``(plain_unit, currency)`` or ``None`` when the hint is not a money unit.
    """
    text = unicodedata.normalize("NFKC", hint).lower()
    currencies = {CURRENCY_ALIASES[m] for m in _CURRENCY_RE.findall(text)}
    if len(currencies) > 1:
        return None
    currency = currencies.pop() if currencies else "CNY"
    if "万" in text or "亿" in text:
        return ("万", currency) if "亿" not in text else None
    if "元" in text or currency != "CNY":
        return "元", currency
    return None


def to_cny_wan(amount: Decimal, currency: str, rates: Mapping[str, Decimal] = DEFAULT_CNY_RATES) -> Decimal:
    """Convert an amount in 万 of ``currency`` into 万元人民币 using ``rates`` (CNY per unit of currency).

    The default table is approximate; pass the rates configured in settings for anything that matters.
    """
    try:
        rate = rates[currency.upper()]
    except KeyError:
        raise CurrencyError(currency) from None
    return amount * Decimal(rate)
