from __future__ import annotations

from datetime import date, datetime

import pytest

from zhaoshang.registry.core.errors import DateError
from zhaoshang.tabular.dates import ParsedDate, excel_serial_to_date, parse_date

TODAY = date(2024, 6, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "2015-09-07",
        "2015/9/7",
        "2015.09.07",
        "20150907",
        "2015年9月7日",
        "2015年09月07日",
        "2015-09-07 00:00:00",
        "2015-09-07T08:30:00",
        " 2015-09-07 ",
        "２０１５－０９－０７",
        datetime(2015, 9, 7, 12, 0),
        date(2015, 9, 7),
        42254,
        42254.0,
        "42254",
        20150907,
    ],
)
def test_it_parses_founding_dates_in_the_formats_exports_use(raw: object) -> None:
    assert parse_date(raw, today=TODAY) == ParsedDate(date(2015, 9, 7), False)


def test_excel_serial_numbers_follow_the_1900_date_system() -> None:
    assert excel_serial_to_date(1) == date(1900, 1, 1)
    assert excel_serial_to_date(59) == date(1900, 2, 28)
    assert excel_serial_to_date(61) == date(1900, 3, 1)
    assert excel_serial_to_date(45292.75) == date(2024, 1, 1)


@pytest.mark.parametrize("raw", ["2015-02-30", "2015-13-01", "2015年2月29日", "20150230"])
def test_it_refuses_dates_that_do_not_exist(raw: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(raw, today=TODAY)
    assert "不存在" in str(caught.value)


@pytest.mark.parametrize("raw", ["明年", "2015", "09/07/2015", "2015-09"])
def test_it_refuses_text_that_is_not_a_date(raw: str) -> None:
    with pytest.raises(DateError):
        parse_date(raw, today=TODAY)


def test_a_date_after_today_is_returned_with_a_flag_rather_than_an_error() -> None:
    result = parse_date("2030-01-01", today=TODAY)
    assert result == ParsedDate(date(2030, 1, 1), True)
    assert parse_date("2024-06-01", today=TODAY) == ParsedDate(date(2024, 6, 1), False)


@pytest.mark.parametrize("raw", ["", None, "未知", "-", float("nan")])
def test_empty_or_unknown_dates_are_none(raw: object) -> None:
    assert parse_date(raw, today=TODAY) is None
