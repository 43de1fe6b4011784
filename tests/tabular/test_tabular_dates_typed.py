"""`tabular.dates.parse_day`: the one parser for a date typed on a command line, used by every command."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.service.core.values import parse_datetime
from zhaoshang.tabular.dates import parse_day
from zhaoshang.tabular.errors import DateError

#: What the two commands accepted before they shared one parser: `pipeline` took ISO 8601 only (date.fromisoformat),
#: `service` ISO 8601 and then everything its 12345 reader takes. The shared parser takes the union.
ISO_FORMS = ["2025-01-31", "20250131", " 2025-01-31 "]
SERVICE_FORMS = [
    "2025/1/31",
    "2025.01.31",
    "2025年1月31日",
    "2025-01-31 09:30",
    "2025-01-31T09:30:00",
    "2025年1月31日 9时30分",
    "2025/1/31 9点",
    "20250131 0930",
    "45688",  # an Excel serial
    "２０２５－０１－３１",  # full-width digits
]


@pytest.mark.parametrize("text", ISO_FORMS + SERVICE_FORMS)
def test_every_form_either_command_took_reads_as_the_same_day(text: str) -> None:
    assert parse_day(text) == date(2025, 1, 31)


@pytest.mark.parametrize("text", SERVICE_FORMS)
def test_the_service_forms_give_the_day_the_12345_reader_gives(text: str) -> None:
    assert parse_day(text) == parse_datetime(text).date()


@pytest.mark.parametrize("text", ["", "   ", "未知", "junk", "2025-13-01", "2025-02-30", "31/01/2025"])
def test_anything_else_is_a_date_error_naming_the_text(text: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_day(text)
    assert caught.value.raw == text


def test_a_day_that_does_not_exist_says_so() -> None:
    with pytest.raises(DateError, match="2025年2月30日不存在"):
        parse_day("2025/2/30")


@pytest.mark.django_db
def test_the_service_command_takes_a_chinese_date_and_refuses_junk_in_one_line() -> None:
    out = StringIO()
    call_command("service", "due", "2025年10月11日", "0", stdout=out)
    assert out.getvalue().strip() == "2025-10-11"
    with pytest.raises(CommandError, match="日期“junk”无法识别"):
        call_command("service", "due", "junk", "1", stdout=StringIO())


@pytest.mark.django_db
def test_the_pipeline_command_now_takes_the_same_forms_and_refuses_junk_alike(tmp_path) -> None:
    with pytest.raises(CommandError, match="日期“2026/13/01”无法识别（2026年13月1日不存在）"):
        call_command(
            "pipeline",
            "meeting-pack",
            "--from",
            "2026/13/01",
            "--to",
            "2026-03-31",
            "-o",
            str(tmp_path / "p.docx"),
        )
    call_command(
        "pipeline",
        "meeting-pack",
        "--from",
        "2026年1月1日",
        "--to",
        "2026/3/31",
        "-o",
        str(tmp_path / "p.docx"),
    )
    assert (tmp_path / "p.docx").stat().st_size > 0


@pytest.mark.django_db
def test_the_approvals_command_reads_on_with_the_same_parser_and_defaults_to_today_without_it() -> None:
    out = StringIO()
    call_command("approvals", "figures", "--on", "2026年3月1日", "--json", stdout=out)
    assert out.getvalue().strip().startswith("{")
    call_command("approvals", "figures", "--json", stdout=StringIO())
    with pytest.raises(CommandError, match="日期“2026-02-30”无法识别（2026年2月30日不存在）"):
        call_command("approvals", "figures", "--on", "2026-02-30", stdout=StringIO())
