"""Due dates on the official calendar: `zhaoshang service due` and the appeal clocks, Spring Festival and National Day."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def due(received: str, n: int) -> str:
    out = StringIO()
    call_command("service", "due", received, str(n), stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize(
    ("received", "n", "expected"),
    [
        # 春节 2025: off 1/28 – 2/4; Sunday 1/26 and Saturday 2/8 are worked.
        ("2025-01-24", 1, "2025-01-26"),  # Friday: day 1 is the make-up Sunday
        ("2025-01-24", 5, "2025-02-07"),  # 1/26, 1/27, then 2/5, 2/6, 2/7
        ("2025-01-30", 1, "2025-02-05"),  # received on a holiday
        ("2025-02-08", 1, "2025-02-10"),  # received on the make-up Saturday
        ("2025-02-07", 1, "2025-02-08"),  # the make-up Saturday is day 1
        # 国庆 2025: off 10/1 – 10/8; Sunday 9/28 and Saturday 10/11 are worked.
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 3, "2025-10-11"),
        ("2025-10-03", 5, "2025-10-14"),  # 10/9, 10/10, 10/11 (Saturday worked), 10/13, 10/14
        ("2025-10-11", 1, "2025-10-13"),  # received on the make-up Saturday
        ("2025-10-11", 0, "2025-10-11"),
    ],
)
def test_the_due_date_counts_working_days_after_the_day_of_receipt(received, n, expected):
    assert due(received, n) == expected


def test_an_imported_override_moves_the_due_date(tmp_path):
    (tmp_path / "cal.csv").write_text("日期,类型\n2025-10-09,休息\n", encoding="utf-8")
    call_command(
        "service", "calendar", "import", str(tmp_path / "cal.csv"), stdout=StringIO(), stderr=StringIO()
    )
    assert due("2025-09-30", 1) == "2025-10-10"


def test_a_bad_date_is_one_line_and_a_failure():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        due("2025-13-40", 1)


def test_an_appeal_received_on_a_holiday_is_due_after_the_holiday(desk):
    from zhaoshang.service.services import receive_appeal

    appeal = receive_appeal(
        desk.service,
        channel="phone",
        firm_name="测试甲公司",
        content="用地指标",
        category=desk.land,
        received_at=datetime(2025, 10, 2, 10, 0),
    )
    assert appeal.response_due.isoformat() == "2025-10-09"
    assert appeal.handling_due.isoformat() == "2025-10-21"  # 用地: 10 working days, 10/11 Saturday worked
