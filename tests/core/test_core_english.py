"""Core in English: the working-day calendar import's findings (codes, params, sentences), the calendar, backup and
reference commands, and the errors of the workdays and reference cores; Chinese stays exactly as it was."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from zhaoshang.core.calendar import import_overrides, unknown_years_warning
from zhaoshang.core.messages import error_message
from zhaoshang.core.models import CalendarOverride
from zhaoshang.core.workdays import OFFICIAL_YEARS, WEEKENDS_ONLY, CalendarError

YEAR = max(OFFICIAL_YEARS) + 1
CJK = re.compile(r"[\u4e00-\u9fff]")
BAD = f"date,kind\n{YEAR}-05-01,holiday\n{YEAR}-02-30,holiday\n{YEAR}-05-02,maybe\n,holiday\n{YEAR}-05-01,workday\n"


def _csv(tmp_path, text: str, name: str = "days.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_calendar_imports_findings_carry_codes_and_params_and_are_english_for_an_english_user(tmp_path):
    path = _csv(tmp_path, BAD)
    with translation.override("en"):
        result = import_overrides(None, path)
        english = result.errors
    assert CalendarOverride.objects.count() == 0
    assert [(i.row, i.code) for i in result.issues] == [
        (3, "calendar_date_unreadable"),
        (4, "calendar_kind_unknown"),
        (5, "calendar_date_missing"),
        (6, "calendar_day_contradicts"),
    ]
    assert english == [
        f"days.csv row 3, date: “{YEAR}-02-30” is not a date that exists",
        "days.csv row 4, kind: “maybe” should be holiday/休息 or workday/上班",
        "days.csv row 5, date: empty",
        f"days.csv row 6, date: {YEAR}-05-01 is a day off and a working day in the same file",
    ]
    # the stored (machine) form keeps the Chinese sentence with its code and params
    stored = result.as_dict()["issues"][3]
    assert stored["code"] == "calendar_day_contradicts" and stored["params"]["date"] == f"{YEAR}-05-01"
    with translation.override("zh-hans"):
        chinese = result.errors
    assert chinese == [i.message_zh for i in result.issues]
    assert chinese[1] == "days.csv 第 4 行「类型」：“maybe”应为 holiday/休息 或 workday/上班"
    assert chinese[3] == f"days.csv 第 6 行「日期」：{YEAR}-05-01 在文件中前后矛盾"


@pytest.mark.django_db
def test_the_calendar_command_reports_in_english_for_an_english_installation(tmp_path, capsys):
    bad = _csv(tmp_path, BAD)
    with translation.override("en"):
        with pytest.raises(CommandError, match=r"^Errors in the file: 4; nothing was imported$"):
            call_command("calendar", "import", str(bad))
        assert "days.csv row 4, kind: “maybe”" in capsys.readouterr().err
        with pytest.raises(CommandError) as header:
            call_command(
                "calendar", "import", str(_csv(tmp_path, "when,what\n2027-01-01,holiday\n", "h.csv"))
            )
        assert str(header.value) == (
            "h.csv: the header must have the columns “日期” (date) and “类型” (kind); it has: when, what"
        )
        good = _csv(tmp_path, f"date,kind\n{YEAR}-10-09,workday\n", "good.csv")
        call_command("calendar", "import", str(good), "--dry-run")
        assert capsys.readouterr().out.strip() == (
            f"(dry run, nothing saved) 1 new, 0 updated, 0 unchanged (years: {YEAR})"
        )
        with pytest.raises(CommandError, match="^The date “tomorrow” should be written YYYY-MM-DD$"):
            call_command("calendar", "add", "tomorrow", "1")
        assert unknown_years_warning(date(YEAR, 1, 1), date(YEAR + 1, 1, 5)).startswith(
            f"The official holidays of {YEAR}, {YEAR + 1} have not been imported"
        )
    with pytest.raises(CommandError, match=r"^文件有 4 处错误，未导入任何数据$"):
        call_command("calendar", "import", str(bad))
    call_command("calendar", "import", str(good), "--dry-run")
    assert capsys.readouterr().out.strip() == f"（试运行，未保存）新增 1，更新 0，未变 0（年份：{YEAR}）"
    assert unknown_years_warning(date(YEAR, 1, 1), date(YEAR + 1, 1, 5)).startswith(
        f"{YEAR}、{YEAR + 1} 年的法定节假日安排尚未导入"
    )


@pytest.mark.django_db
def test_the_json_summary_of_a_bad_file_lists_the_findings_with_their_codes(tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("calendar", "import", str(_csv(tmp_path, BAD)), "--json")
    summary = json.loads(capsys.readouterr().out)
    assert [i["code"] for i in summary["issues"]][:2] == ["calendar_date_unreadable", "calendar_kind_unknown"]
    assert summary["errors"][2] == "days.csv 第 5 行「日期」：为空"


def test_the_workday_and_reference_cores_errors_are_said_by_code():
    from zhaoshang.core.reference.errors import ReferenceDataError
    from zhaoshang.core.reference.regions import Region, RegionTable

    with pytest.raises(CalendarError) as too_many:
        WEEKENDS_ONLY.add_working_days(date(2026, 1, 1), 10**6)
    with pytest.raises(ReferenceDataError) as orphan:
        RegionTable([Region("430211", "天元区", "area", "430200", "430000")])
    with translation.override("en"):
        assert error_message(too_many.value) == "Too many working days"
        assert error_message(orphan.value) == "The parent 430200 of 430211 天元区 does not exist"
    with translation.override("zh-hans"):
        assert error_message(too_many.value) == "工作日数过大"
        assert error_message(orphan.value) == "430211 天元区 的上级 430200 不存在"


@pytest.mark.django_db
def test_restoring_a_missing_backup_says_so_in_the_users_language(tmp_path):
    missing = tmp_path / "nothing.sqlite3"
    with translation.override("en"), pytest.raises(CommandError) as english:
        call_command("restore", str(missing), "--yes")
    with translation.override("zh-hans"), pytest.raises(CommandError) as chinese:
        call_command("restore", str(missing), "--yes")
    assert str(english.value) == f"Backup file “{missing}” not found"
    assert str(chinese.value) == f"找不到备份文件“{missing}”"
    assert not CJK.search(str(english.value))


INDUSTRIES = (
    "level,class1_menlei,class2_dalei,class3_zhonglei,class4_xiaolei,name,remark\n"
    "1,C,,,,制造业,\n"
    "2,C,39,,,计算机、通信和其他电子设备制造业,\n"
    "3,C,39,397,,电子器件制造,\n"
    "4,C,39,397,39X3,集成电路制造,\n"
    "4,C,38,397,3974,显示器件制造,\n"
    "4,C,39,397,3975,,\n"
)
REGIONS = "code,name,parent_code\n430000,湖南省,\n430200,株洲市,430000\n4302,天元区,\n430211,,430200\n"


@pytest.mark.django_db
def test_the_reference_imports_findings_are_english_for_an_english_user_and_unchanged_in_chinese(tmp_path):
    from io import StringIO

    from zhaoshang.core.models import Industry, Region

    industries = _csv(tmp_path, INDUSTRIES, "industries.csv")
    regions = _csv(tmp_path, REGIONS, "regions.csv")

    def run(*args: str) -> tuple[str, str]:
        err = StringIO()
        with pytest.raises(CommandError) as refused:
            call_command("reference", *args, stderr=err)
        return str(refused.value), err.getvalue()

    with translation.override("en"):
        refused, lines = run("import-industries", str(industries))
        assert refused == "Errors in the file: 3; nothing was imported"
        assert "industries.csv row 5, class: the code “39X3” must have 4 digits" in lines
        assert (
            "industries.csv row 6, division: the first 2 digits of the class 3974 should be its division, "
            "but the division column says “38”" in lines
        )
        assert "industries.csv row 7, name: the class 3975 has no name" in lines
        refused, lines = run("import-regions", str(regions))
        assert "regions.csv row 4, code: a region code must have 6 digits, not “4302”" in lines
        assert "regions.csv row 5, name: empty" in lines
        assert not CJK.search(lines.replace("regions.csv", ""))
    refused, lines = run("import-industries", str(industries))
    assert refused == "文件有 3 处错误，未导入任何数据"
    assert "industries.csv 第 7 行「类别名称」：小类 3975 没有名称" in lines
    refused, lines = run("import-regions", str(regions))
    assert "regions.csv 第 4 行「代码」：行政区划代码应为 6 位数字，实际为「4302」" in lines
    assert Industry.objects.count() == Region.objects.count() == 0
