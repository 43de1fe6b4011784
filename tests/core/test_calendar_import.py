"""`zhaoshang calendar import`: overrides from a file, all or nothing, used by every working-day count."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from zhaoshang.core.calendar import get_calendar, import_overrides, unknown_years_warning
from zhaoshang.core.models import AuditEntry, CalendarOverride
from zhaoshang.core.workdays import OFFICIAL_YEARS

YEAR = max(OFFICIAL_YEARS) + 1


def _csv(tmp_path, text: str, name: str = "days.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_chinese_headed_file_sets_days_off_and_make_up_days_used_by_the_calendar(tmp_path):
    path = _csv(
        tmp_path, f"日期,类型,备注\n{YEAR}-01-01,休息,元旦\n{YEAR}-01-02,休息,元旦\n{YEAR}-01-03,休息,\n"
    )
    result = import_overrides(None, path)
    assert (result.created, result.errors, result.years) == (3, [], [YEAR])
    calendar = get_calendar()
    assert not calendar.is_working_day(date(YEAR, 1, 1))
    assert calendar.unknown_years(date(YEAR, 1, 1), date(YEAR, 12, 31)) == []
    assert AuditEntry.objects.filter(model="core.calendaroverride").count() == 3
    # re-importing the same file changes nothing
    again = import_overrides(None, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.django_db
def test_a_weekend_day_listed_as_holiday_is_accepted_and_changes_nothing(tmp_path):
    saturday = next(date(YEAR, 3, d) for d in range(1, 8) if date(YEAR, 3, d).weekday() == 5)
    import_overrides(None, _csv(tmp_path, f"date,kind\n{saturday},holiday\n"))
    assert not get_calendar().is_working_day(saturday)


@pytest.mark.django_db
def test_a_file_with_a_bad_row_stores_nothing_and_names_the_row_and_field(tmp_path):
    path = _csv(tmp_path, f"date,kind\n{YEAR}-05-01,holiday\n{YEAR}-02-30,holiday\n{YEAR}-05-02,maybe\n")
    result = import_overrides(None, path)
    assert CalendarOverride.objects.count() == 0
    assert any("第 3 行「日期」" in e for e in result.errors)
    assert any("第 4 行「类型」" in e and "maybe" in e for e in result.errors)


@pytest.mark.django_db
def test_the_command_imports_prints_json_and_fails_on_a_bad_file(tmp_path, capsys):
    good = _csv(tmp_path, f"date,kind\n{YEAR}-10-09,workday\n", "good.csv")
    call_command("calendar", "import", str(good), "--json")
    assert json.loads(capsys.readouterr().out)["created"] == 1
    assert get_calendar().is_working_day(date(YEAR, 10, 9))
    bad = _csv(tmp_path, "when,what\n2027-01-01,holiday\n", "bad.csv")
    with pytest.raises(CommandError, match="日期"):
        call_command("calendar", "import", str(bad))


@pytest.mark.django_db
def test_the_command_adds_working_days_and_warns_for_a_year_without_a_schedule(capsys):
    call_command("calendar", "add", "2026-09-30", "1")
    assert capsys.readouterr().out.strip() == "2026-10-08"
    assert str(YEAR) in (unknown_years_warning(date(2026, 12, 1), date(YEAR, 1, 5)) or "")
