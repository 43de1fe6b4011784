"""The service desk says its refusals in the user's language: English for an English user (services, the core's
value problems and the import's findings, the directory, the CLI, the pages and the API), the same Chinese as
before for everyone else."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from zhaoshang.core.messages import error_message, issue_message
from zhaoshang.service import services as s
from zhaoshang.service.core import values

pytestmark = pytest.mark.django_db


def new(desk, **extra):
    data = {"channel": "phone", "firm_name": "测试甲公司", "content": "用地指标不够", "category": desk.land}
    data.update(extra)
    return s.receive_appeal(desk.service, **data)


def refusal(language, step) -> tuple[str, str]:
    """(message, code) of the ServiceError that ``step`` raises with ``language`` active."""
    with translation.override(language), pytest.raises(s.ServiceError) as caught:
        step()
    return str(caught.value), caught.value.code


# ------------------------------------------------------------------------------------------------ services


def test_a_refused_step_is_english_for_an_english_user_and_keeps_its_code(desk):
    appeal = new(desk)
    assert refusal("en", lambda: s.transfer_appeal(desk.handler, appeal, desk.park, reason=" ")) == (
        "A transfer needs a reason",
        "reason_required",
    )
    assert refusal("en", lambda: s.resume_appeal(desk.handler, appeal)) == (
        "The clock of this appeal is not paused",
        "not_paused",
    )
    assert refusal("en", lambda: s.close_appeal(desk.handler, appeal, result="partly")) == (
        "A partly solved or unsolved appeal needs an explanation",
        "explanation_required",
    )
    s.close_appeal(desk.handler, appeal, result="solved")
    assert refusal("en", lambda: s.assign_appeal(desk.service, appeal, desk.dept)) == (
        "The appeal is closed and can no longer be assigned",
        "closed",
    )
    assert refusal("en", lambda: s.receive_appeal(desk.service, channel="phone", content="x")) == (
        "Please give the company name or the unified social credit code",
        "firm_required",
    )


def test_the_same_refusals_in_chinese_are_unchanged(desk):
    appeal = new(desk)
    assert refusal("zh-hans", lambda: s.transfer_appeal(desk.handler, appeal, desk.park, reason=""))[0] == (
        "转办必须填写理由"
    )
    assert (
        refusal("zh-hans", lambda: s.send_back_appeal(desk.handler, appeal, reason=""))[0]
        == "退单必须填写理由"
    )
    assert (
        refusal("zh-hans", lambda: s.pause_appeal(desk.handler, appeal, reason=""))[0]
        == "暂停计时必须填写理由"
    )
    assert refusal("zh-hans", lambda: s.resume_appeal(desk.handler, appeal))[0] == "该诉求没有暂停计时"
    assert refusal("zh-hans", lambda: s.close_appeal(desk.handler, appeal, result="x"))[0] == (
        "办理结果应为 解决 / 部分解决 / 未解决"
    )
    s.close_appeal(desk.handler, appeal, result="solved")
    assert refusal("zh-hans", lambda: s.assign_appeal(desk.service, appeal, desk.dept))[0] == (
        "诉求已办结，不能再分派"
    )


def test_a_permission_refusal_is_said_in_the_users_language(desk):
    appeal = new(desk)
    with translation.override("en"), pytest.raises(PermissionDenied) as english:
        s.assign_appeal(desk.handler, appeal, desk.park)
    assert str(english.value) == "Only the first receiver may assign the appeal"
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as chinese:
        s.assign_appeal(desk.handler, appeal, desk.park)
    assert str(chinese.value) == "只有首接单位可以分派"


# ------------------------------------------------------------------------------------------------ the core


@pytest.mark.parametrize(
    ("parse", "raw", "code", "english", "chinese"),
    [
        (
            values.parse_datetime,
            "下周一",
            "appeal_datetime_unreadable",
            "The date-time “下周一” could not be read; write it like “2024-01-05 09:30”",
            "无法识别日期时间“下周一”，请使用“2024-01-05 09:30”这样的格式",
        ),
        (
            values.parse_datetime,
            "2025-02-30",
            "appeal_datetime_nonexistent",
            "The date-time “2025-02-30” does not exist",
            "日期时间“2025-02-30”不存在",
        ),
        (
            values.parse_satisfaction,
            "还行吧",
            "appeal_satisfaction_unreadable",
            "The satisfaction “还行吧” could not be read (write 满意/基本满意/不满意/未评价)",
            "满意度“还行吧”无法识别（应为 满意/基本满意/不满意/未评价）",
        ),
        (
            values.parse_limit,
            "尽快",
            "appeal_limit_unreadable",
            "The time limit “尽快” could not be read (write a number of days such as “5个工作日”, or a due date)",
            "办理时限“尽快”无法识别（应为天数如“5个工作日”或到期日期）",
        ),
    ],
)
def test_a_cell_the_core_cannot_read_has_a_code_and_is_said_in_english_at_the_edge(
    parse, raw, code, english, chinese
):
    with pytest.raises(values.ValueProblem) as caught:
        parse(raw)
    problem = caught.value
    assert (problem.code, problem.params, str(problem)) == (code, {"value": raw}, chinese)
    with translation.override("en"):
        assert error_message(problem) == english
    with translation.override("zh-hans"):
        assert error_message(problem) == chinese


# ------------------------------------------------------------------------------------------------ the import


def _import(path) -> dict:
    out = StringIO()
    call_command("service", "import", str(path), "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_an_import_finding_says_the_cores_precise_reason_in_english(desk, write_export):
    header = ["工单编号", "受理时间", "企业名称", "诉求内容", "满意度"]
    result = _import(
        write_export(
            [
                ["GD1", datetime(2025, 1, 24, 9), "测试甲公司", "路灯不亮", "还行吧"],
                ["GD2", "2025-02-30 10:00", "测试乙公司", "停水", "满意"],
            ],
            header,
        )
    )
    found = {i["row"]: i for i in result["issues"]}
    assert {i["code"] for i in found.values()} == {"value_unreadable"}  # the finding's code is unchanged
    assert found[2]["params"] == {"kind": "appeal_satisfaction_unreadable", "value": "还行吧"}
    with translation.override("en"):
        assert issue_message(found[2]) == (
            "Row 2, 满意度: the satisfaction “还行吧” could not be read (write 满意/基本满意/不满意/未评价)"
        )
        assert issue_message(found[3]) == "Row 3, 受理时间: the date-time “2025-02-30 10:00” does not exist"
    with translation.override("zh-hans"):
        assert (
            issue_message(found[2])
            == "第2行 满意度：满意度“还行吧”无法识别（应为 满意/基本满意/不满意/未评价）"
        )
        assert issue_message(found[3]) == "第3行 受理时间：日期时间“2025-02-30 10:00”不存在"


def test_a_file_without_the_required_columns_is_refused_in_the_users_language(desk, write_export):
    path = write_export([["GD1", "路灯不亮"]], ["工单编号", "诉求内容"])
    with translation.override("en"), pytest.raises(CommandError) as english:
        _import(path)
    assert str(english.value).startswith(
        "The file lacks the required columns: 受理时间、企业名称 or 统一社会信用代码"
    )
    with translation.override("zh-hans"), pytest.raises(CommandError) as chinese:
        _import(path)
    assert (
        str(chinese.value)
        == "文件缺少必需的列：受理时间、企业名称或统一社会信用代码（表头：工单编号、诉求内容）"
    )


def test_a_directory_with_bad_rows_is_reported_in_english(desk, write_export):
    path = write_export([["", "市政府"], ["甲局", "不存在的局"]], ["单位名称", "上级单位"], name="d.xlsx")
    out, err = StringIO(), StringIO()
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("service", "directory", str(path), stdout=out, stderr=err)
    assert str(caught.value) == "The directory file has 2 errors; nothing was imported"
    assert err.getvalue().splitlines() == [
        "Row 2: the unit name is missing",
        "Row 3, 上级单位 (parent): “不存在的局” not found (write a parent unit on an earlier row)",
    ]
    with translation.override("zh-hans"), pytest.raises(CommandError) as chinese:
        call_command("service", "directory", str(path), stdout=StringIO(), stderr=StringIO())
    assert str(chinese.value) == "目录文件有2处错误，未导入任何数据"


# ------------------------------------------------------------------------------------------------ the CLI


def test_the_command_line_speaks_english_when_english_is_active(desk):
    with translation.override("en"):
        with pytest.raises(CommandError, match="^--to is earlier than --from$"):
            call_command("service", "rates", "--from", "2025-03-31", "--to", "2025-03-01")
        with pytest.raises(CommandError, match="^N must be a whole number, zero or more$"):
            call_command("service", "due", "2025-03-03", "-1")
        out = StringIO()
        call_command("service", "erase", "--days", "30", stdout=out)
        assert out.getvalue().strip() == "Personal data of 0 appeals erased"
    out = StringIO()
    with translation.override("zh-hans"):
        call_command("service", "erase", "--days", "30", stdout=out)
    assert out.getvalue().strip() == "已清除0件诉求的个人信息"


# ------------------------------------------------------------------------------------------------ pages and API


def test_a_page_shows_a_refused_action_in_english_to_an_english_user(desk, client_for):
    appeal = new(desk)
    s.accept_appeal(desk.handler, appeal)
    client = client_for(desk.handler)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.post(f"/service/{appeal.pk}/accept/", follow=True).content.decode()
    assert "The appeal is not waiting to be accepted" in page and "该诉求不在待签收状态" not in page
    stale = client.post(f"/service/{appeal.pk}/resume/", {"version": "7"}, follow=True).content.decode()
    assert "Someone else changed this record since you read it" in stale


def test_the_same_page_in_chinese_is_unchanged(desk, client_for):
    appeal = new(desk)
    s.accept_appeal(desk.handler, appeal)
    page = client_for(desk.handler).post(f"/service/{appeal.pk}/accept/", follow=True).content.decode()
    assert "该诉求不在待签收状态" in page


def test_the_api_says_a_bad_period_in_the_users_language(desk, client_for):
    client = client_for(desk.leader)
    english = client.get("/api/service/appeals/rates/?from=x&to=y", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json() == {"error": "from and to must be dates written YYYY-MM-DD", "code": "bad_period"}
    chinese = client.get("/api/service/appeals/rates/?from=x&to=y")
    assert chinese.json() == {"error": "from/to 应为 YYYY-MM-DD", "code": "bad_period"}


def test_the_rates_page_names_and_defines_its_rates_in_the_users_language(desk, client_for):
    client = client_for(desk.leader)
    chinese = client.get("/service/rates/").content.decode()
    assert "按时办结率" in chinese and "已评价的诉求数（未评价不计入）" in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/service/rates/").content.decode()
    assert (
        "On-time closing rate" in english and "rated appeals (appeals not rated are not counted)" in english
    )
    assert "按时办结率" not in english
