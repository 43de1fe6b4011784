"""The meeting pack document follows the user's language (Chinese by default): headings, headers, stage names."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def pack_url(cast, make_project):
    make_project("智能传感器产线", created_on=dt.date(2026, 2, 1))
    return reverse("pipeline:meeting") + "?start=2026-01-01&end=2026-03-31&format=docx"


def _document(response):
    return docx.Document(io.BytesIO(b"".join(response.streaming_content)))


def _text(document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_meeting_pack_is_chinese_by_default(cast, client_for, pack_url):
    response = client_for(cast.leader).get(pack_url)
    assert (
        "专案分析会材料" in response["Content-Disposition"] or "%E4%B8%93" in response["Content-Disposition"]
    )
    text = _text(_document(response))
    assert "一、总体情况" in text and "二、新增线索" in text and "线索" in text
    assert "1. Overview" not in text


def test_the_meeting_pack_follows_the_users_english(cast, client_for, pack_url):
    client = client_for(cast.leader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(pack_url)
    assert "Case analysis meeting pack" in response["Content-Disposition"]
    document = _document(response)
    text = _text(document)
    for words in (
        "1. Overview",
        "2. New leads",
        "8. Extension requests (by department)",
        "Current stage",
        "Lead",
    ):
        assert words in text, words
    assert "New leads this period: 1" in text and "2026-01-01 to 2026-03-31" in text
    # what stays Chinese is data only: the project's and the team's names
    leftovers = {w for w in CJK.findall(text)} - set("智能传感器产线甲园区测试")
    assert leftovers == set(), "".join(sorted(leftovers))


def test_the_meeting_pack_command_writes_chinese(cast, make_project, tmp_path):
    from django.core.management import call_command
    from django.utils import translation

    make_project("命令行项目", created_on=dt.date(2026, 2, 1))
    out = tmp_path / "pack.docx"
    with translation.override("en"):  # whatever language the thread last served, the command writes Chinese
        call_command("pipeline", "meeting-pack", "--from", "2026-01-01", "--to", "2026-03-31", "-o", str(out))
    text = _text(docx.Document(str(out)))
    assert "全市专案分析会材料" in text and "一、总体情况" in text and "1. Overview" not in text


def test_the_project_import_error_report_follows_the_users_english(cast, client_for, tmp_path):
    import openpyxl
    from tests.pipeline.test_pipeline_import import HEADER, _xlsx

    path = _xlsx(tmp_path / "bad.xlsx", [["坏项目", "某公司", "", "", "", "不存在的阶段"]], HEADER[:6])
    client = client_for(cast.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with path.open("rb") as handle:
        page = client.post("/pipeline/import/", {"file": handle, "organisation": cast.park.pk})
    response = client.get(f"/pipeline/import/errors/{page.context['report']}.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "Problems"
    assert [c.value for c in sheet[1]] == [
        "Row number",
        "Column name",
        "Value as read",
        "Problem",
        "Severity",
    ]
    assert sheet["E2"].value == "error"
