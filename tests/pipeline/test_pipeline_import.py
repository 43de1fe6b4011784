from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from zhaoshang.core.models import AuditEntry
from zhaoshang.pipeline.importing import ImportRefused
from zhaoshang.pipeline.models import Project, StageEvent
from zhaoshang.pipeline.services import import_projects

pytestmark = pytest.mark.django_db

HEADER = [
    "项目名称",
    "投资方",
    "统一社会信用代码",
    "负责人",
    "项目来源",
    "当前阶段",
    "计划投资（万元）",
    "预计就业（人）",
    "首次接洽日期",
    "考察日期",
    "签约日期",
    "签约金额（万元）",
    "落户地点",
    "录入日期",
]
GOOD = [
    [
        "智能传感器项目",
        "苏州某传感科技有限公司",
        "",
        "t-owner",
        "展会",
        "线索",
        "5000",
        "120",
        "",
        "",
        "",
        "",
        "",
        "2026-01-05",
    ],
    [
        "动力电池项目",
        "某某新能源股份有限公司",
        "",
        "t-owner",
        "以商引商",
        "签约",
        "80,000",
        "600",
        "2026-01-06",
        dt.date(2026, 1, 20),
        "2026-02-10",
        "75000",
        "甲园区北区",
        "2026-01-06",
    ],
]


def _xlsx(path, rows, header=HEADER):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("项目清单")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for c, h in enumerate(header):
        sheet.write(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif value != "":
                sheet.write(r, c, value)
    book.close()
    return path


def test_a_good_list_lands_with_stages_owners_and_amounts(cast, tmp_path):
    result = import_projects(cast.owner, _xlsx(tmp_path / "list.xlsx", GOOD), organisation=cast.park)
    assert result.ok and (result.rows, result.created) == (2, 2)
    battery = Project.objects.get(name="动力电池项目")
    assert battery.stage == "signed" and battery.owner == cast.owner and battery.organisation == cast.park
    assert battery.planned_investment_wan == Decimal("80000") and battery.visit_date == dt.date(2026, 1, 20)
    assert battery.source == "via_firm" and battery.created_at.date() == dt.date(2026, 1, 6)
    assert list(StageEvent.objects.filter(project=battery).values_list("to_stage", flat=True)) == [
        "lead",
        "signed",
    ]


def test_reimporting_the_same_file_changes_nothing(cast, tmp_path):
    path = _xlsx(tmp_path / "list.xlsx", GOOD)
    import_projects(cast.owner, path, organisation=cast.park)
    entries = AuditEntry.objects.count()
    again = import_projects(cast.owner, path, organisation=cast.park)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.count() == entries and Project.objects.count() == 2


def test_bad_rows_come_back_numbered_in_chinese_and_nothing_is_written(cast, tmp_path):
    rows = [
        GOOD[0],
        ["", "无名项目的投资方", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["坏金额项目", "某公司", "", "", "", "", "五千", "1.5", "", "", "", "", "", ""],
        ["坏阶段项目", "某公司", "", "nobody", "路过", "庆功", "", "", "2026-02-30", "", "", "", "", ""],
        ["缺签约信息", "某公司", "", "", "", "签约", "100", "", "2026-01-01", "2026-01-02", "", "", "", ""],
        ["智能传感器项目", "重复行", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    result = import_projects(cast.owner, _xlsx(tmp_path / "bad.xlsx", rows), organisation=cast.park)
    assert not result.ok
    text = "\n".join(result.errors)
    assert "第 3 行：「项目名称」不能为空" in text
    assert "第 4 行：「计划投资（万元）」的值「五千」不是有效的数字" in text
    assert "第 4 行：「预计就业（人）」的值「1.5」必须是整数" in text
    assert "第 5 行：负责人「nobody」不是本单位的用户" in text
    assert "第 5 行：阶段「庆功」不存在" in text
    assert "第 5 行：项目来源「路过」不存在" in text
    assert "第 5 行：「首次接洽日期」的值「2026-02-30」不是有效的日期" in text
    assert "第 6 行：进入「签约」阶段还需要：签约日期、签约金额（万元）、落户载体或地点" in text
    assert "第 7 行：项目「智能传感器项目」与第 2 行重复" in text
    assert Project.objects.count() == 0


def test_a_dry_run_counts_but_writes_nothing(cast, tmp_path):
    result = import_projects(
        cast.owner, _xlsx(tmp_path / "list.xlsx", GOOD), organisation=cast.park, dry_run=True
    )
    assert result.ok and result.created == 2
    assert Project.objects.count() == 0 and AuditEntry.objects.filter(model="pipeline.project").count() == 0


def test_a_file_without_the_required_columns_is_refused(cast, tmp_path):
    with pytest.raises(ImportRefused, match="缺少必需的列：投资方"):
        import_projects(
            cast.owner, _xlsx(tmp_path / "x.xlsx", [["a"]], header=["项目名称"]), organisation=cast.park
        )


def test_a_row_may_not_name_a_team_outside_the_importers_organisation(cast, tmp_path):
    path = _xlsx(
        tmp_path / "x.xlsx", [["项目", "某公司", "t-park-b"]], header=["项目名称", "投资方", "招商主体"]
    )
    result = import_projects(cast.owner, path, organisation=cast.park)
    assert result.errors == ["第 2 行：招商主体「t-park-b」不存在或不在本单位范围内"]


def test_the_cli_import_exits_non_zero_with_the_errors(cast, tmp_path, capsys):
    path = _xlsx(tmp_path / "bad.xlsx", [["", "某公司"]], header=["项目名称", "投资方"])
    with pytest.raises(CommandError, match="有 1 处错误"):
        call_command("pipeline", "import", str(path), "--org", "t-park-a")
    assert "第 2 行" in capsys.readouterr().err
    call_command(
        "pipeline",
        "import",
        str(_xlsx(tmp_path / "ok.xlsx", GOOD)),
        "--org",
        "t-park-a",
        "--user",
        "t-owner",
        "--dry-run",
    )
    assert Project.objects.count() == 0


def test_a_failure_while_writing_a_later_row_leaves_nothing_of_the_earlier_rows(cast, tmp_path, monkeypatch):
    from zhaoshang.pipeline import services

    real = services.advance_project

    def refuse_signing(actor, project, stage, **kwargs):
        if stage == "signed":
            raise services.PipelineError("模拟的写入错误")
        return real(actor, project, stage, **kwargs)

    monkeypatch.setattr(services, "advance_project", refuse_signing)
    result = import_projects(cast.owner, _xlsx(tmp_path / "list.xlsx", GOOD), organisation=cast.park)
    assert result.errors == ["第 3 行：模拟的写入错误"] and result.created == 0
    assert Project.objects.count() == 0 and StageEvent.objects.count() == 0
    assert AuditEntry.objects.filter(model__startswith="pipeline.").count() == 0


def test_each_bad_cell_is_a_row_issue_naming_row_column_value_and_reason(cast, tmp_path):
    rows = [
        ["好项目", "某公司", "", "", "", "", "5000", "", "", "", "", "", "", ""],
        ["坏项目", "某公司", "", "", "", "", "五千", "", "", "", "", "", "", "2026-02-30"],
    ]
    result = import_projects(cast.owner, _xlsx(tmp_path / "bad.xlsx", rows), organisation=cast.park)
    assert result.created == 0 and Project.objects.count() == 0
    found = {(i.row, i.column, i.raw_value, i.code) for i in result.issues}
    assert (3, "计划投资（万元）", "五千", "not_a_number") in found
    assert (3, "录入日期", "2026-02-30", "not_a_date") in found
    assert all(i.row == 3 and i.severity == "error" for i in result.issues)


def test_a_name_longer_than_the_field_is_refused_with_its_length_not_a_crash(cast, tmp_path):
    path = tmp_path / "long.csv"  # a CSV cell has no length limit (an XLSX cell stops at 32,767)
    path.write_text("项目名称,投资方\n" + "项" * 100_000 + ",某公司\n", encoding="utf-8")
    result = import_projects(cast.owner, path, organisation=cast.park)
    assert [i.code for i in result.issues] == ["too_long"]
    assert "100000" in result.issues[0].message_zh and Project.objects.count() == 0


def test_the_command_writes_the_error_report(cast, tmp_path):
    import openpyxl

    path = _xlsx(tmp_path / "bad.xlsx", [["坏项目", "", "", "", "", "", "五千"]], HEADER[:7])
    report = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError):
        call_command("pipeline", "import", str(path), "--org", cast.park.code, "--errors", str(report))
    rows = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原始值", "问题", "级别")
    assert {(r[0], r[1]) for r in rows[1:]} == {(2, "投资方"), (2, "计划投资（万元）")}


def test_the_web_import_offers_its_error_report_to_the_importer_only(cast, client_for, tmp_path):
    path = _xlsx(tmp_path / "bad.xlsx", [["坏项目", "某公司", "", "", "", "不存在的阶段"]], HEADER[:6])
    client = client_for(cast.owner)
    with path.open("rb") as handle:
        page = client.post("/pipeline/import/", {"file": handle, "organisation": cast.park.pk})
    assert page.status_code == 400
    token = page.context["report"]
    url = f"/pipeline/import/errors/{token}.xlsx"
    assert client.get(url).status_code == 200
    assert client_for(cast.colleague).get(url).status_code == 404


def test_the_web_imports_findings_follow_the_users_english_and_stay_chinese_by_default(
    cast, client_for, tmp_path
):
    import io
    import re

    import openpyxl

    rows = [["坏项目", "某公司", "", "", "", "", "五千", "", "", "", "", "", "", "2026-02-30"]]
    path = _xlsx(tmp_path / "bad.xlsx", rows)
    pages = {}
    for language in ("zh-hans", "en"):
        client = client_for(cast.owner)
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        with path.open("rb") as handle:
            page = client.post("/pipeline/import/", {"file": handle, "organisation": cast.park.pk})
        report = client.get(f"/pipeline/import/errors/{page.context['report']}.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
        pages[language] = (page.content.decode(), [r[3] for r in book.active.iter_rows(values_only=True)][1:])
    english, english_report = pages["en"]
    chinese, chinese_report = pages["zh-hans"]
    number = "The value “五千” of “计划投资（万元）” is not a number"
    assert number in english and number in english_report
    assert not any(re.search("[\u4e00-\u9fff]", re.sub("“[^”]*”", "", m)) for m in english_report)
    assert "「计划投资（万元）」的值「五千」" in chinese and "is not a number" not in chinese
    assert all(m.startswith("「") for m in chinese_report)
