"""Insight's documents and notes follow the user's language: an English user downloads the benchmark, opportunity
and supply-gap exports with English headers, titles and file names, and reads the lag-years text and the
complexity core's notes in English; a Chinese user (and a command, by default) gets the old Chinese, unchanged."""

from __future__ import annotations

import io
import warnings
from urllib.parse import unquote

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import translation
from tests.insight.analysis_world import build_world

from zhaoshang.core.messages import error_message
from zhaoshang.insight import analysis_services as analysis
from zhaoshang.insight import benchmark
from zhaoshang.insight.complexity import complexity_table, eci_pci_raw
from zhaoshang.insight.errors import InsightNote
from zhaoshang.insight.lagyears import Lag, lag_phrase

GDP = """地区,指标,年份,数值,单位,来源
株洲,地区生产总值,2015,2300,亿元,统计公报
株洲,地区生产总值,2021,3420.3,亿元,统计公报
长沙,地区生产总值,2010,3000,亿元,统计公报
长沙,地区生产总值,2015,4000,亿元,统计公报
长沙,地区生产总值,2021,5000,亿元,统计公报
"""
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def gdp(cast, tmp_path):
    (tmp_path / "gdp.csv").write_text(GDP, encoding="utf-8")
    assert benchmark.import_indicators(None, tmp_path / "gdp.csv").ok
    return cast


def _book(response):
    from openpyxl import load_workbook

    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def _docx(response):
    from docx import Document

    content = b"".join(response.streaming_content) if response.streaming else response.content
    document = Document(io.BytesIO(content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return paragraphs, cells


def _filename(response) -> str:
    disposition = response["Content-Disposition"]
    if "filename*=utf-8''" in disposition:
        return unquote(disposition.split("filename*=utf-8''", 1)[1])
    return disposition.split('filename="', 1)[1].rstrip('"')


# --------------------------------------------------------------------------------------------- benchmark


@pytest.mark.django_db
def test_an_english_user_downloads_the_lag_table_in_english(client_for, gdp):
    response = client_for(gdp.leader).get("/insight/benchmark/lag.xlsx?peers=长沙&years=4", **EN)
    book = _book(response)
    rows = list(book.active.iter_rows(values_only=True))
    assert book.active.title == "Years behind"
    assert rows[0][:3] == ("Indicator", "Unit", "Peer city") and rows[0][7] == "Conclusion"
    assert rows[0][10] == "Yearly growth needed to catch up (%)"
    gdp_row = next(r for r in rows[1:] if r[0] == "地区生产总值")
    assert gdp_row[7] == "behind by 8.9 years"
    assert _filename(response) == "株洲市-years-behind.xlsx"


@pytest.mark.django_db
def test_a_chinese_user_downloads_the_lag_table_as_before(client_for, gdp):
    response = client_for(gdp.leader).get("/insight/benchmark/lag.xlsx?peers=长沙&years=4", **ZH)
    book = _book(response)
    rows = list(book.active.iter_rows(values_only=True))
    assert book.active.title == "落后年数"
    assert rows[0] == (
        "指标",
        "单位",
        "对标城市",
        "本市年份",
        "本市数值",
        "对标城市达到该值的年份",
        "落后年数",
        "结论",
        "对标城市最新年份",
        "对标城市最新数值",
        "追赶所需年均增速(%)",
        "追赶年数",
        "含示例数据",
    )
    assert next(r for r in rows[1:] if r[0] == "地区生产总值")[7] == "落后 8.9 年"
    assert _filename(response) == "株洲市落后年数.xlsx"


@pytest.mark.django_db
def test_the_figures_export_follows_the_users_language(client_for, gdp):
    c = client_for(gdp.leader)
    english = c.get("/insight/benchmark/values.xlsx?peers=长沙", **EN)
    book = _book(english)
    assert book.active.title == "Indicators"
    assert next(book.active.iter_rows(values_only=True)) == (
        "Region",
        "Region code",
        "Indicator",
        "Year",
        "Value",
        "Unit",
        "Source",
        "Example",
    )
    assert _filename(english) == "株洲市-benchmark-indicators.xlsx"
    chinese = c.get("/insight/benchmark/values.xlsx?peers=长沙", **ZH)
    book = _book(chinese)
    assert book.active.title == "指标"
    assert next(book.active.iter_rows(values_only=True)) == (
        "地区",
        "地区代码",
        "指标",
        "年份",
        "数值",
        "单位",
        "来源",
        "示例",
    )
    assert _filename(chinese) == "株洲市对标指标.xlsx"


@pytest.mark.django_db
def test_the_benchmark_report_follows_the_users_language(client_for, gdp):
    c = client_for(gdp.leader)
    english = c.get("/insight/benchmark/report.docx?peers=长沙&years=4", **EN)
    text, cells = _docx(english)
    assert "Benchmark report of 株洲市" in text and "Peer cities: 长沙市" in text
    assert "Years behind: the year in which the peer reached the city's current value" in text
    assert "behind by 8.9 years" in cells and "Indicator" in cells and "City's current value" in cells
    assert "地区生产总值 (亿元)" in cells and "3,420.30 (2021)" in cells
    assert not any(word in text + "".join(cells) for word in ("落后", "对标", "本市", "指标"))
    assert _filename(english) == "株洲市-benchmark-report.docx"

    chinese = c.get("/insight/benchmark/report.docx?peers=长沙&years=4", **ZH)
    text, cells = _docx(chinese)
    assert "株洲市对标报告" in text and "对标城市：长沙市" in text
    assert (
        "落后年数：对标城市达到本市当前值的年份（相邻两个观测年份之间线性插值）与本市当前年份之差；" in text
    )
    assert "落后 8.9 年" in cells and "本市当前值" in cells and "地区生产总值（亿元）" in cells
    assert "3,420.30（2021年）" in cells
    assert _filename(chinese) == "株洲市对标报告.docx"


@pytest.mark.django_db
def test_the_import_problem_report_is_named_in_the_users_language(client_for, gdp):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(gdp.officer)
    bad = "地区,指标,年份,数值,单位\n株洲,GDP,2021,1,斤\n".encode()
    for headers, name in ((EN, "indicator-import-problems.xlsx"), (ZH, "指标导入问题清单.xlsx")):
        page = c.post(
            "/insight/benchmark/import/",
            {"file": SimpleUploadedFile("bad.csv", bad), "organisation": gdp.bureau.pk, "dry_run": "on"},
            **headers,
        )
        link = page.context["report"]
        assert link
        response = c.get(f"/insight/benchmark/import/errors/{link}.xlsx", **headers)
        assert response.status_code == 200 and _filename(response) == name


# --------------------------------------------------------------------------------------------- lag text


def _lag(status, gap):
    return Lag(2021, 3420.3, status, None if gap is None else 2021 - gap, gap, 2021, 5000.0, 0.1, 4)


def test_the_lag_core_says_codes_and_the_edge_says_them_in_either_language():
    cases = [
        (None, False, ("lag_no_data", {}), "no data", "无数据"),
        (
            _lag("reached", 8.8985),
            False,
            ("lag_behind", {"gap": "8.9"}),
            "behind by 8.9 years",
            "落后 8.9 年",
        ),
        (_lag("reached", -2.04), False, ("lag_ahead", {"gap": "2.0"}), "ahead by 2.0 years", "领先 2.0 年"),
        (
            _lag("before_data", 15.0),
            False,
            ("lag_before_data", {"gap": "15.0"}),
            "behind by at least 15.0 years (the peer was already there in its first year of data)",
            "落后至少 15.0 年（对标城市首个数据年份已达到）",
        ),
        (
            _lag("before_data", 19.0),
            True,
            ("lag_before_data_short", {"gap": "19.0"}),
            "behind by ≥19.0 years",
            "落后 ≥19.0 年",
        ),
        (
            _lag("not_reached", None),
            False,
            ("lag_not_reached", {}),
            "not yet reached by the peer within the data (the city is ahead)",
            "对标城市在数据范围内尚未达到本市当前水平（本市领先）",
        ),
        (
            _lag("not_reached", None),
            True,
            ("lag_not_reached_short", {}),
            "not yet reached (the city is ahead)",
            "尚未达到（本市领先）",
        ),
    ]
    for lag, short, phrase, english, chinese in cases:
        assert lag_phrase(lag, short=short) == phrase
        with translation.override("en"):
            assert benchmark.lag_text(lag, short=short) == english
        with translation.override("zh-hans"):
            assert benchmark.lag_text(lag, short=short) == chinese


@pytest.mark.django_db
def test_the_lag_command_says_the_lag_in_the_active_language(gdp, capsys):
    with translation.override("en"):
        call_command("insight", "lag", "--city", "株洲", "--peer", "长沙", "--years", "4")
    english = capsys.readouterr().out
    assert "地区生产总值 (亿元)\t长沙市\tbehind by 8.9 years" in english and "落后" not in english
    call_command("insight", "lag", "--city", "株洲", "--peer", "长沙", "--years", "4")  # LANGUAGE_CODE
    assert "地区生产总值（亿元）\t长沙市\t落后 8.9 年" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_lag_api_text_follows_the_users_language(client_for, gdp):
    c = client_for(gdp.leader)
    url = "/api/insight/indicator-values/lag/?city=株洲&peer=长沙&years=4"
    english = c.get(url, **EN)
    assert english.status_code == 200, english.content
    assert english.json()["lags"][0]["text"] == "behind by 8.9 years"
    assert c.get(url, **ZH).json()["lags"][0]["text"] == "落后 8.9 年"


# --------------------------------------------------------------------------------------------- complexity notes


def _notes(call, *args, **kwargs) -> list[InsightNote]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(*args, **kwargs)
    return [w.message for w in caught if isinstance(w.message, InsightNote)]


def test_the_complexity_notes_carry_a_code_and_are_said_in_either_language():
    import numpy as np

    repeated = pd.DataFrame({"loc": ["a", "a", "b"], "act": ["x", "x", "y"], "v": [1.0, 2.0, 3.0]})
    (note,) = _notes(complexity_table, repeated, location="loc", activity="act", value="v")
    assert (
        note.code == "complexity_rows_repeated" and str(note) == "有重复的（时间、地区、产业）行：保留第一行"
    )
    with translation.override("en"):
        assert error_message(note) == "Some (time, region, industry) rows are repeated: the first one is kept"
    with translation.override("zh-hans"):
        assert error_message(note) == "有重复的（时间、地区、产业）行：保留第一行"

    mcp = np.array([[1, 0], [1, 1], [0, 0]])
    (note,) = _notes(eci_pci_raw, mcp, mcp.sum(axis=1), mcp.sum(axis=0))
    assert note.code == "complexity_single_empty_location_or_activity"
    with translation.override("en"):
        assert error_message(note) == (
            "Exactly one region has a diversity of 0 or one industry a ubiquity of 0: as in py-ecomplexity, "
            "ECI/PCI are empty"
        )
    with translation.override("zh-hans"):
        assert (
            error_message(note)
            == "恰有一个地区多样性为0或一个产业普遍性为0：与py-ecomplexity一致，ECI/PCI为空"
        )


def test_the_complexity_command_prints_its_notes_in_the_active_language(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("loc,act,v\na,x,1\na,x,2\nb,y,3\nb,x,1\n", encoding="utf-8")
    args = ("complexity", str(path), "--location", "loc", "--activity", "act", "--value", "v", "-o")
    with translation.override("en"):
        call_command("insight", *args, str(tmp_path / "en.csv"))
    assert (
        "Note: Some (time, region, industry) rows are repeated: the first one is kept"
        in capsys.readouterr().err
    )
    call_command("insight", *args, str(tmp_path / "zh.csv"))  # LANGUAGE_CODE
    assert "注意：有重复的（时间、地区、产业）行：保留第一行" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------- analysis exports


@pytest.mark.django_db
def test_an_english_user_downloads_the_opportunity_ranking_in_english(cast, client_for):
    build_world(cast)
    analysis.build_snapshot(cast.admin, by="node", level="city")
    c = client_for(cast.officer)
    header = next(_book(c.get("/insight/next/export.xlsx", **EN)).active.iter_rows(values_only=True))
    assert header[:4] == ("Rank", "Industry", "Code", "Score")
    assert "Density" in header and "Density contribution" in header and header[-1] == "Explanation"
    assert "Raises complexity" in header and "Chain nodes" in header
    text, cells = _docx(c.get("/insight/next/export.docx", **EN))
    assert "What to attract next: opportunity industries ranked" in text
    assert "complexity snapshot:" in text and "Weights: Density" in text
    assert "Rank" in cells and "排名" not in cells

    header = next(_book(c.get("/insight/next/export.xlsx", **ZH)).active.iter_rows(values_only=True))
    assert header[:4] == ("排名", "产业", "代码", "得分")
    assert "密度" in header and "密度贡献" in header and header[-1] == "说明"
    assert "提升复杂度" in header and "产业链环节" in header
    text, cells = _docx(c.get("/insight/next/export.docx", **ZH))
    assert "下一步招什么：机会产业排名" in text and "复杂度快照：" in text and "权重：密度" in text
    assert "得分为各项z分数的加权和；相近产业为本地已有、邻近度最高的产业。" in text


@pytest.mark.django_db
def test_the_supply_gap_tables_headers_follow_the_active_language(cast):
    from types import SimpleNamespace

    gap = SimpleNamespace(rows=[])
    with translation.override("en"):
        header, _rows = analysis.supply_gap_table(gap)
    assert header[:3] == ["Sector code", "Sector", "Industry codes (GB/T 4754)"]
    assert header[-1] == "Number of target firms"
    with translation.override("zh-hans"):
        header, _rows = analysis.supply_gap_table(gap)
    assert header == [
        "部门代码",
        "部门",
        "国民经济行业代码",
        "直接消耗系数",
        "完全需要系数",
        "区位商",
        "本地供给比例",
        "外购（直接）",
        "外购（完全）",
        "产业链环节",
        "招商目标数",
    ]


@pytest.mark.django_db
def test_the_supply_gap_document_follows_the_users_language(cast, client_for):
    from tests.shared_data import SHARED_DATA, require

    from zhaoshang.insight.services import import_io_table

    build_world(cast)
    import_io_table(cast.admin, require(SHARED_DATA / "io" / "china_2020_153.csv"))
    c = client_for(cast.officer)
    english = c.get("/insight/supply/export.docx?sector=081", **EN)
    text, cells = _docx(english)
    assert "Input-output supply gap" in text and "Target sector: " in text
    assert "Direct intermediate inputs per unit of output: " in text and "Location quotient" in cells
    assert "区位商" not in cells
    assert _filename(english) == "supply-gap-081-430200.docx"
    text, cells = _docx(c.get("/insight/supply/export.docx?sector=081", **ZH))
    assert (
        "投入产出供给缺口" in text
        and "目标产业：" in text
        and "（区位商小于1的部分按 1−区位商 计为外购）。" in text
    )
    assert "区位商" in cells and "外购（直接）" in cells
    header = next(
        _book(c.get("/insight/supply/export.xlsx?sector=081", **EN)).active.iter_rows(values_only=True)
    )
    assert header[0] == "Sector code" and header[5] == "Location quotient"
