"""The pipeline in English: the cores' errors by code and params, the services', the API's, the pages', the import's
and the command's sentences follow an English user; Chinese users read exactly what they read before."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.utils import translation
from tests.languages import said_in_both as _both

from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import issue_message
from zhaoshang.pipeline.core import carriers, followup, meeting, ranking, stages, units

CJK = re.compile(r"[\u4e00-\u9fff]")


def _refusal(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value


CORE_CASES = [
    (
        lambda: stages.DEFAULT_STAGE_MODEL.get("won"),
        "stage_unknown",
        "Unknown stage “won”",
        "未知的阶段「won」",
    ),
    (
        lambda: stages.load_stage_model([{"code": "x", "name_zh": "甲", "name_en": "X", "order": "1"}]),
        "stage_config_order_invalid",
        "Stage 1 (x): order must be a whole number",
        "第 1 个阶段（x）：order 必须是整数",
    ),
    (
        lambda: stages.load_stage_model(
            [{"code": "x", "name_zh": "甲", "name_en": "X", "order": 1, "requirements": [{"field": "a"}]}]
        ),
        "stage_requirement_label_missing",
        "Stage 1 (x), requirement 1 (a): the Chinese name (label_zh) is missing",
        "第 1 个阶段（x）的第 1 项要求（a）：缺少中文名称 label_zh",
    ),
    (
        lambda: carriers.match_carriers(carriers.CarrierNeeds(kind="castle"), []),
        "carrier_kind_unknown",
        "Unknown carrier kind “castle”; choose from: ",
        "未知的载体类型「castle」，可选：",
    ),
    (
        lambda: followup.callback_due(dt.date(2026, 3, 2), 0),
        "callback_days_too_few",
        "The callback interval must be at least 1 working day, not 0",
        "回访间隔必须至少 1 个工作日，而不是 0",
    ),
    (
        lambda: meeting.Period(dt.date(2026, 3, 31), dt.date(2026, 3, 1)),
        "period_end_before_start",
        "The period's end date 2026-03-01 is earlier than its start date 2026-03-31",
        "统计期间的结束日期 2026-03-01 早于开始日期 2026-03-31",
    ),
    (
        lambda: ranking.rank_teams(
            [], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), points={"won": 3}
        ),
        "ranking_stage_unknown",
        "The ranking configuration is wrong: unknown stage “won”",
        "排名配置有误：未知的阶段「won」",
    ),
    (
        lambda: units.to_wan("五千"),
        "amount_wan_not_a_number",
        "The amount (10k CNY) is not a number: '五千'",
        "金额（万元）不是数字：'五千'",
    ),
]


@pytest.mark.parametrize(("call", "code", "english", "chinese"), CORE_CASES, ids=[c[1] for c in CORE_CASES])
def test_a_core_error_is_english_by_its_code_and_its_chinese_is_unchanged(call, code, english, chinese):
    refused = _refusal(call)
    assert refused.code == code
    said_en, said_zh = _both(refused)
    assert said_en.startswith(english) and not CJK.search(said_en.replace("五千", ""))
    assert said_zh.startswith(chinese) and said_zh == refused.message


def test_a_stage_check_names_the_stages_and_missing_fields_in_english():
    from zhaoshang.pipeline.services import transition_message

    check = stages.check_transition("negotiation", "signed", {})
    assert check.code == "stage_entry_missing"
    with translation.override("en"):
        english = transition_message(check)
    with translation.override("zh-hans"):
        chinese = transition_message(check)
    assert (
        english
        == "To enter the stage “Signed”, still needed: agreement date, agreement amount (10k CNY), carrier"
    )
    assert chinese == check.message_zh == "进入「签约」阶段还需要：签约日期、签约金额（万元）、落户载体或地点"
    back = stages.check_transition("signed", "visit", {})
    with translation.override("en"):
        assert transition_message(back) == "Going back from “Signed” to the stage “Site visit” needs a reason"


@pytest.mark.django_db
def test_a_services_refusal_is_english_for_an_english_user_and_unchanged_in_chinese(cast, make_project):
    from zhaoshang.pipeline.services import PipelineError, meeting_pack, record_followup

    project = make_project()
    with translation.override("en"), pytest.raises(PipelineError) as english:
        record_followup(cast.owner, project, content="  ", date=dt.date(2026, 3, 2))
    with translation.override("zh-hans"), pytest.raises(PipelineError) as chinese:
        record_followup(cast.owner, project, content="  ", date=dt.date(2026, 3, 2))
    assert str(english.value) == "Please describe the follow-up"
    assert str(chinese.value) == "请填写跟进内容"
    # a core's error re-wrapped by the service keeps its code and params, so the edge says it in English
    with pytest.raises(PipelineError) as wrapped:
        meeting_pack(None, dt.date(2026, 3, 31), dt.date(2026, 3, 1), today=dt.date(2026, 4, 10))
    assert wrapped.value.code == "period_end_before_start"
    assert _both(wrapped.value) == (
        "The period's end date 2026-03-01 is earlier than its start date 2026-03-31",
        "统计期间的结束日期 2026-03-01 早于开始日期 2026-03-31",
    )


@pytest.mark.django_db
def test_the_api_answers_a_refused_stage_move_in_the_requests_language_with_the_same_code(
    cast, client_for, make_project
):
    project = make_project(
        first_contact_date=dt.date(2026, 3, 2),
        visit_date=dt.date(2026, 3, 3),
        planned_investment_wan=Decimal("10"),
    )
    client = client_for(cast.owner)
    url = f"/api/projects/{project.pk}/advance/"
    chinese = client.post(url, {"stage": "signed"}, content_type="application/json")
    english = client.post(
        url, {"stage": "signed"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert chinese.status_code == english.status_code == 400
    assert chinese.json()["code"] == english.json()["code"] == "stage_requirements_missing"
    assert chinese.json()["missing"] == english.json()["missing"]
    assert chinese.json()["error"] == "进入「签约」阶段还需要：签约日期、签约金额（万元）、落户载体或地点"
    assert english.json()["error"] == (
        "To enter the stage “Signed”, still needed: agreement date, agreement amount (10k CNY), carrier"
    )
    missing_name = client.post(
        "/api/projects/",
        {"name": "无投资方", "organisation": cast.park.pk},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert missing_name.status_code == 400
    assert "Please fill in the investor's name or choose an existing company" in missing_name.content.decode()


@pytest.mark.django_db
def test_the_advance_page_shows_the_refusal_in_english_for_an_english_user(cast, client_for, make_project):
    project = make_project()
    pages = {}
    for language in ("zh-hans", "en"):
        client = client_for(cast.owner)
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        response = client.post(f"/pipeline/{project.pk}/advance/", {"stage": "visit"})
        pages[language] = response.content.decode()
    assert "To enter the stage “Site visit”, still needed: first contact date, site visit date" in pages["en"]
    assert "进入「考察」阶段还需要：首次接洽日期、考察日期" in pages["zh-hans"]
    assert "still needed" not in pages["zh-hans"]


def _xlsx(path, header, rows):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for c, title in enumerate(header):
        sheet.write(0, c, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return path


@pytest.mark.django_db
def test_the_imports_stage_and_number_findings_are_english_and_the_command_too(cast, tmp_path):
    from zhaoshang.pipeline.services import import_projects

    header = ["项目名称", "投资方", "当前阶段", "计划投资（万元）", "预计就业（人）"]
    path = _xlsx(
        tmp_path / "projects.xlsx",
        header,
        [["甲项目", "甲公司", "庆功", "-5", "2.5"], ["乙项目", "乙公司", "签约", "", ""]],
    )
    result = import_projects(None, path, organisation=cast.park)
    by_code = {(i.row, i.code): i for i in result.issues}
    with translation.override("en"):
        assert issue_message(by_code[(2, "unknown_stage")]).startswith(
            "The stage “庆功” does not exist; choose from: Lead, Contact"
        )
        assert issue_message(by_code[(2, "not_a_number")]) in {
            "The value “-5” of “计划投资（万元）” must not be negative",
            "The value “2.5” of “预计就业（人）” must be a whole number",
        }
        assert {issue_message(i) for i in result.issues if i.code == "not_a_number"} == {
            "The value “-5” of “计划投资（万元）” must not be negative",
            "The value “2.5” of “预计就业（人）” must be a whole number",
        }
        assert issue_message(by_code[(3, "stage_requirements")]) == (
            "To enter the stage “Signed”, still needed: first contact date, site visit date, "
            "planned investment (10k CNY), agreement date, agreement amount (10k CNY), carrier"
        )
        assert result.errors[0].startswith("Row 2: ")
        with pytest.raises(CommandError, match=r"^Errors: 4; nothing was imported$"):
            call_command("pipeline", "import", str(path), "--org", cast.park.code)
        missing_columns = _xlsx(tmp_path / "few.xlsx", ["项目名称"], [["甲项目"]])
        with pytest.raises(CommandError, match="^Required columns are missing: 投资方$"):
            call_command("pipeline", "import", str(missing_columns), "--org", cast.park.code)
    with translation.override("zh-hans"):
        assert issue_message(by_code[(2, "unknown_stage")]).startswith("阶段「庆功」不存在，可选：线索、接洽")
        assert {i.message_zh for i in result.issues if i.code == "not_a_number"} == {
            "「计划投资（万元）」的值「-5」不能为负数",
            "「预计就业（人）」的值「2.5」必须是整数",
        }
        assert result.errors[0].startswith("第 2 行：")
        with pytest.raises(CommandError, match=r"^有 4 处错误，未导入任何数据$"):
            call_command("pipeline", "import", str(path), "--org", cast.park.code)


def test_the_duplicate_investor_warning_is_english_for_an_english_user():
    from zhaoshang.pipeline.services import duplicate_warning_text

    others = [
        {"team": "乙园区", "contact": "张三", "phone": "0731-1"},
        {"team": "丙园区", "contact": "", "phone": ""},
    ]
    with translation.override("en"):
        assert duplicate_warning_text(others) == (
            "Other investment teams are following this investor too: “乙园区”, contact 张三 (0731-1); "
            "“丙园区”, contact (no contact person named). Please talk to them first so the investor is not "
            "approached twice."
        )
    with translation.override("zh-hans"):
        assert duplicate_warning_text(others) == (
            "该投资方也在其他招商主体跟进中：「乙园区」联系人 张三（0731-1）；「丙园区」联系人 （未指定联系人）。"
            "请先沟通，避免重复对接。"
        )
        assert duplicate_warning_text([]) == ""
