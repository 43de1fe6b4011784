from __future__ import annotations

from decimal import Decimal

import pytest

from zhaoshang.registry.core.capital import (
    DEFAULT_CNY_RATES,
    Capital,
    parse_capital,
    to_cny_wan,
    unit_from_header,
)
from zhaoshang.registry.core.errors import CapitalError, CurrencyError


@pytest.mark.parametrize(
    ("raw", "amount", "currency"),
    [
        ("500万元人民币", "500", "CNY"),
        ("104.1667万元人民币", "104.1667", "CNY"),
        ("1500万美元", "1500", "USD"),
        ("17000万港元", "17000", "HKD"),
        ("5000万人民币", "5000", "CNY"),
        ("100万元", "100", "CNY"),
        ("1亿元", "10000", "CNY"),
        ("3.5亿人民币", "35000", "CNY"),
        ("200000元", "20", "CNY"),
        ("50万欧元", "50", "EUR"),
        ("1000万日元", "1000", "JPY"),
        ("(人民币)500万元", "500", "CNY"),
        ("（人民币）500万元", "500", "CNY"),
        ("500 万元", "500", "CNY"),
        ("人民币500.0000万元", "500", "CNY"),
        ("５００万元人民币", "500", "CNY"),
        ("500万", "500", "CNY"),
        ("608 万元 美元", "608", "USD"),
        ("100万人民币元", "100", "CNY"),
        ("434万英镑", "434", "GBP"),
        ("1,000万元", "1000", "CNY"),
        ("300万新台币", "300", "TWD"),
        ("20万新加坡元", "20", "SGD"),
        ("80万澳元", "80", "AUD"),
        ("60万加元", "60", "CAD"),
        ("10万瑞士法郎", "10", "CHF"),
        ("5000万韩元", "5000", "KRW"),
        ("100万澳门元", "100", "MOP"),
    ],
)
def test_it_parses_registered_capital_as_written_in_exports(raw: str, amount: str, currency: str) -> None:
    assert parse_capital(raw) == Capital(Decimal(amount), currency)


def test_it_keeps_the_digits_written_after_the_point() -> None:
    assert str(parse_capital("104.1667万元人民币").amount_wan) == "104.1667"  # type: ignore[union-attr]


@pytest.mark.parametrize("raw", ["", "  ", None, "-", "未知", "无"])
def test_empty_or_placeholder_capital_is_none(raw: object) -> None:
    assert parse_capital(raw) is None


def test_a_bare_number_needs_to_be_told_its_unit() -> None:
    with pytest.raises(CapitalError):
        parse_capital("500")
    with pytest.raises(CapitalError):
        parse_capital(500.0)
    assert parse_capital("500", plain_unit="万") == Capital(Decimal("500"), "CNY")
    assert parse_capital(500.0, plain_unit="万") == Capital(Decimal("500"), "CNY")
    assert parse_capital(5_000_000, plain_unit="元") == Capital(Decimal("500"), "CNY")


def test_a_header_unit_says_what_bare_numbers_mean() -> None:
    assert unit_from_header("万元") == ("万", "CNY")
    assert unit_from_header("元") == ("元", "CNY")
    assert unit_from_header("万美元") == ("万", "USD")
    assert unit_from_header("人") is None
    assert parse_capital("120", plain_unit="万", plain_currency="USD") == Capital(Decimal("120"), "USD")


@pytest.mark.parametrize(
    "raw", ["五百万", "500万元或1000万元", "约五百万", "500万元人民币美元", "abc", "-500万元"]
)
def test_unparseable_capital_raises_an_error_that_keeps_the_raw_text(raw: str) -> None:
    with pytest.raises(CapitalError) as caught:
        parse_capital(raw)
    assert caught.value.raw == raw
    assert raw in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_amounts_in_other_currencies_convert_to_wan_yuan_with_a_configurable_table() -> None:
    assert to_cny_wan(Decimal("100"), "CNY") == Decimal("100")
    assert to_cny_wan(Decimal("100"), "USD") == Decimal("100") * DEFAULT_CNY_RATES["USD"]
    assert to_cny_wan(Decimal("100"), "USD", {"USD": Decimal("7")}) == Decimal("700")
    with pytest.raises(CurrencyError):
        to_cny_wan(Decimal("1"), "XAU")


def test_the_default_rate_table_covers_every_currency_the_parser_knows() -> None:
    from zhaoshang.registry.core.capital import CURRENCY_ALIASES

    assert set(CURRENCY_ALIASES.values()) <= set(DEFAULT_CNY_RATES)
