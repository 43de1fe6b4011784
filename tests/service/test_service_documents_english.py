"""The service desk's documents and recurring-problem reasons follow the user's language: an English user downloads
the monthly rates report (XLSX, DOCX) with English headers and titles and reads each clustered appeal's reason in
English; in Chinese (the default) both are exactly as before."""

from __future__ import annotations

import io
from datetime import datetime
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.utils import translation

from zhaoshang.service import services as s
from zhaoshang.service.core.clustering import REASON_CENTRAL_TERMS, REASON_COMMON_TERMS
from zhaoshang.service.messages import explanation

pytestmark = pytest.mark.django_db

LAMPS = ("园区路灯不亮", "路灯坏了不亮", "晚上路灯一直不亮", "施工许可太慢", "招工难")


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def workbook(content: bytes) -> dict[str, list[tuple]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [tuple(c for c in row if c is not None) for row in sheet.values] for sheet in book}


def document_text(content: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture
def month(desk):
    s.receive_appeal(
        desk.service, channel="phone", firm_name="测试甲公司", content="用地", category=desk.land
    )
    return "?start=2020-01-01&end=" + datetime.now().date().isoformat()


# ------------------------------------------------------------------------------------------------ the rates report


def test_an_english_user_downloads_the_rates_workbook_in_english(desk, client_for, month):
    client = english(client_for(desk.leader))
    sheets = workbook(client.get("/service/rates/report.xlsx" + month).content)
    assert list(sheets) == ["Rates", "Appeals list"]
    rates = sheets["Rates"]
    assert rates[0][0].startswith("Handling of enterprise appeals ") and " to " in rates[0][0]
    assert ("Whole city",) in rates and ("By handling department",) in rates and ("By channel",) in rates
    assert rates[3][:5] == ("Name", "Received", "Responded in time", "Response rate", "Closed appeals")
    assert rates[3][-1] == "On-time closing rate"
    assert ("Definitions",) in rates and any(row[:1] == ("Solve rate",) for row in rates)
    appeals = sheets["Appeals list"]
    assert appeals[0][:4] == ("Ticket number", "Tracking code", "Date received", "Firm")
    assert appeals[0][-1] == "Contact phone" and appeals[1][3] == "测试甲公司"
    text = "".join(str(c) for row in rates + appeals for c in row)
    assert "口径" not in text and "全市" not in text and "工单编号" not in text


def test_the_rates_workbook_in_chinese_is_unchanged(desk, client_for, month):
    sheets = workbook(client_for(desk.leader).get("/service/rates/report.xlsx" + month).content)
    assert list(sheets) == ["三率", "诉求清单"]
    rates = sheets["三率"]
    assert rates[0][0].startswith("企业诉求办理情况 ") and " 至 " in rates[0][0]
    assert rates[2] == ("全市",)
    assert rates[3] == (
        "名称",
        "受理",
        "按时响应",
        "响应率",
        "办结",
        "解决",
        "解决率",
        "已评价",
        "满意+基本满意",
        "满意率",
        "按时办结",
        "按时办结率",
    )
    assert (
        ("按承办单位",) in rates and ("按诉求类型",) in rates and ("按渠道",) in rates and ("口径",) in rates
    )
    assert sheets["诉求清单"][0] == (
        "工单编号",
        "查询码",
        "受理日期",
        "企业",
        "诉求类型",
        "承办单位",
        "状态",
        "响应到期",
        "办结到期",
        "办结时间",
        "是否解决",
        "满意度",
        "重办次数",
        "联系电话",
    )


def test_an_english_user_downloads_the_rates_document_in_english(desk, client_for, month):
    text = document_text(english(client_for(desk.leader)).get("/service/rates/report.docx" + month).content)
    for words in (
        "Monthly report on enterprise appeals",
        "Overall",
        "Median days to close:",
        "By appeal type",
        "Definitions of the rates",
        "Satisfied + basically satisfied",
        "Reopened appeals",
    ):
        assert words in text
    assert "口径说明" not in text and "总体情况" not in text and "件" not in text


def test_the_rates_document_in_chinese_is_unchanged(desk, client_for, month):
    text = document_text(client_for(desk.leader).get("/service/rates/report.docx" + month).content)
    for words in (
        "企业诉求办理月报",
        "总体情况",
        "办结天数中位数：",
        "按诉求类型",
        "口径说明",
        "响应率：",
        "重办",
    ):
        assert words in text


# ------------------------------------------------------------------------------------------------ recurring problems


def test_a_reason_is_english_for_an_english_user_and_the_terms_alone_in_chinese():
    params = {"terms": ["路灯", "不亮"]}
    with translation.override("en"):
        assert explanation(REASON_COMMON_TERMS, params) == "has the group's common terms 路灯, 不亮"
        assert (
            explanation(REASON_CENTRAL_TERMS, params) == "shares key terms of the group's centre 路灯, 不亮"
        )
    with translation.override("zh-hans"):
        assert explanation(REASON_COMMON_TERMS, params) == "路灯、不亮"
        assert explanation(REASON_CENTRAL_TERMS, params) == "路灯、不亮"
        assert explanation("unknown_code", params) == "路灯、不亮"


def test_the_recurring_problems_page_gives_each_reason_in_the_users_language(desk, client_for):
    for text in LAMPS:
        s.receive_appeal(desk.service, channel="phone", firm_name=f"{text}公司", content=text)
    client = client_for(desk.leader)
    chinese = client.get("/service/clusters/").content.decode()
    with translation.override("zh-hans"):
        clusters = s.recurring_problems(datetime(2020, 1, 1).date(), datetime.now().date())
    terms = clusters[0]["appeals"][0]["terms"]
    assert clusters[0]["appeals"][0]["reason"] == REASON_COMMON_TERMS and "路灯" in "".join(terms)
    assert f" · {'、'.join(terms)} · " in chinese and "common terms" not in chinese
    page = english(client).get("/service/clusters/").content.decode()
    assert f" · has the group&#x27;s common terms {', '.join(terms)} · " in page


def test_the_clusters_command_says_the_reasons_in_the_installations_language(desk):
    for text in LAMPS:
        s.receive_appeal(desk.service, channel="phone", firm_name=f"{text}公司", content=text)
    out = StringIO()
    call_command(
        "service", "clusters", "--from", "2020-01-01", "--to", datetime.now().date().isoformat(), stdout=out
    )
    assert "common terms" not in out.getvalue() and "路灯" in out.getvalue()


# ------------------------------------------------------------------------------------------------ import error file

HEADER = ["工单编号", "受理时间", "企业名称", "诉求类型", "诉求内容", "承办单位"]
BAD = ["W003", "不是日期", "测试网页丙有限公司", "用地", "路灯不亮", "自然资源局"]


def test_the_error_file_is_named_in_the_users_language(desk, client_for, write_export, settings, tmp_path):
    from zhaoshang.service.models import ImportRun

    settings.SERVICE_IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(desk.service)
    with open(write_export([BAD], HEADER, name="march.xlsx"), "rb") as handle:
        client.post("/service/import/", {"file": handle})
    url = f"/service/import/{ImportRun.objects.get().pk}/errors.xlsx"
    assert quote("march_问题清单.xlsx") in client.get(url)["Content-Disposition"]
    sheet = workbook(b"".join(english(client).get(url).streaming_content))
    assert "march_problems.xlsx" in client.get(url)["Content-Disposition"]
    assert sheet["Problems"][0] == ("Row number", "Column name", "Value as read", "Problem", "Severity")


def test_the_import_command_writes_its_error_file_in_the_installations_language(desk, write_export, tmp_path):
    out = tmp_path / "errors.xlsx"
    call_command(
        "service",
        "import",
        str(write_export([BAD], HEADER)),
        "--errors",
        str(out),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    sheets = workbook(out.read_bytes())
    assert (
        sheets["问题清单"][0] == ("行号", "列", "原始值", "问题", "级别")
        and sheets["问题清单"][1][-1] == "错误"
    )
