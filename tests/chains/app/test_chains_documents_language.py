"""The target list and the firms-on-nodes export: Chinese by default, English when the user chose English."""

from __future__ import annotations

import io
import re

import docx
import openpyxl
import pytest
from tests.chains.app.test_chains_small_city import city  # noqa: F401 - the small city fixture

from zhaoshang.chains import services

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def placed(cast, chain, make_firm):
    make_firm("株洲甲园区IGBT公司", "IGBT模块", region_code="430211")
    make_firm("长沙轴承公司", "轴承制造", region_code="430104")
    services.classify_enterprises(cast.admin)
    return chain


def _english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def _sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_the_target_list_is_chinese_by_default(cast, client_for, placed):
    sheet = _sheet(client_for(cast.chain_office).get("/chains/mini-rail/targets.xlsx?region=430200"))
    assert sheet.title == "招商目标清单"
    assert sheet["A1"].value == "迷你轨交链产业链招商目标清单（株洲市）"
    assert [c.value for c in sheet[4]][:3] == ["序号", "缺链/弱链环节", "环节状态"]
    assert sheet["C5"].value in ("缺", "弱")


def test_the_target_list_follows_the_users_english(cast, client_for, placed):
    client = _english(client_for(cast.chain_office))
    sheet = _sheet(client.get("/chains/mini-rail/targets.xlsx?region=430200"))
    assert sheet.title == "Target list"
    assert sheet["A1"].value.startswith("Investment target list for the 迷你轨交链 chain")
    assert sheet["A2"].value.startswith("Chain completeness")
    headers = [c.value for c in sheet[4]]
    assert headers[0] == "No." and "Why recommended" in headers
    assert not any(CJK.search(h) for h in headers)
    statuses = {sheet.cell(row=r, column=3).value for r in range(5, sheet.max_row + 1)} - {None}
    assert statuses and statuses <= {"Missing", "Weak"}
    notes = [sheet.cell(row=r, column=1).value for r in range(1, sheet.max_row + 1)]
    assert "Missing nodes without a target" in notes
    assert any(isinstance(n, str) and "No firm elsewhere has product evidence" in n for n in notes)

    document = docx.Document(io.BytesIO(client.get("/chains/mini-rail/targets.docx?region=430200").content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Investment target list" in text and "招商目标清单" not in text
    assert [c.text for c in document.tables[0].rows[0].cells][:2] == ["No.", "Missing or weak node"]


def test_the_firms_on_nodes_export_follows_the_language_and_explains_in_it(cast, client_for, placed):
    chinese = _sheet(client_for(cast.chain_office).get("/chains/mini-rail/assignments.xlsx?region=430200"))
    assert chinese.title == "环节企业" and chinese["A1"].value == "企业名称"
    rows = {r[0]: r for r in chinese.iter_rows(min_row=2, values_only=True)}
    assert rows["株洲甲园区IGBT公司"][3] == "是" and rows["株洲甲园区IGBT公司"][11] == (
        "企业名称含关键词「IGBT」（第 6 字）；经营范围含节点名称「IGBT模块」（第 1 字）"
    )  # as the rule classifier's own Chinese explanation words it

    client = _english(client_for(cast.chain_office))
    english = _sheet(client.get("/chains/mini-rail/assignments.xlsx?region=430200"))
    headers = [c.value for c in english[1]]
    assert english.title == "Firms on nodes" and headers[0] == "Firm name" and headers[-1] == "Grounds"
    assert not any(CJK.search(h) for h in headers)
    row = {r[0]: r for r in english.iter_rows(min_row=2, values_only=True)}["株洲甲园区IGBT公司"]
    assert row[3] == "yes" and row[7] == "yes"
    assert row[11] == (
        "firm name contains the keyword «IGBT» (character 6); business scope contains the node name «IGBT模块» "
        "(character 1)"
    )


def test_the_node_panels_hint_is_in_the_users_language(cast, client_for, placed):
    client = _english(client_for(cast.chain_office))
    page = client.get("/chains/mini-rail/nodes/traction/?region=430200").content.decode()
    assert "No firm elsewhere has product evidence" in page and "暂无外地企业" not in page


def test_an_unknown_list_format_is_not_found(cast, client_for, placed):
    assert client_for(cast.chain_office).get("/chains/mini-rail/targets.pdf").status_code == 404


def test_target_reasons_come_as_codes_and_read_in_the_users_language(cast, client_for, city):  # noqa: F811
    from django.utils import translation

    from zhaoshang.chains import documents

    chain, _firms = city
    rows = services.target_rows(services.targets_for(chain, "430200"))
    assert rows and all(r["reason_codes"] for r in rows)
    with translation.override("zh-hans"):  # in Chinese the edge reads exactly as the core's own sentences
        assert all(documents.target_reasons(r) == r["reasons"] for r in rows)
    with translation.override("en"):
        english = [documents.target_reasons(r) for r in rows]
    qinhuangdao = next(e for e, r in zip(english, rows, strict=True) if r["name"] == "秦皇岛道岔有限公司")
    assert qinhuangdao[0].startswith("product matches: «")
    assert "listed company" in qinhuangdao and any(x.endswith("km from here") for x in qinhuangdao)
    assert any("registered capital 5.0 × 100m yuan" in x and "size in the top" in x for x in qinhuangdao)
    # beyond the matched words (data), no Chinese is left in the English reasons
    for reasons, row in zip(english, rows, strict=True):
        text = " ".join(reasons)
        for word in row["matched_words"]:
            text = text.replace(word, "")
        assert not CJK.search(text), text

    client = _english(client_for(cast.chain_office))
    sheet = _sheet(client.get("/chains/city-rail/targets.xlsx?region=430200"))
    why = [c.value for c in sheet["K"][4:] if c.value]
    assert why and any("listed company" in w for w in why)
    page = client.get("/chains/city-rail/nodes/turnout/?region=430200").content.decode()
    assert "listed company" in page and "上市公司" not in page
