"""Insight's errors in the user's language: the cores raise a Chinese message with a code and its parameters
(English sentence registered in insight/messages.py), the edges say their own sentences through gettext; an
English user reads English on the pages, in the API and on the command line, a Chinese user the old Chinese."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext
from tests.languages import said_in_both as _both

from zhaoshang.core.messages import ERROR_MESSAGES, error_message
from zhaoshang.insight import benchmark, lagyears, messages, opportunities, services, tables
from zhaoshang.insight import io as io_core
from zhaoshang.insight.complexity import complexity_matrix, complexity_table
from zhaoshang.insight.errors import InsightError
from zhaoshang.insight.indicators import read_indicator_file


def _raised(call, *args, **kwargs) -> InsightError:
    with pytest.raises(InsightError) as caught:
        call(*args, **kwargs)
    return caught.value


def _the_catalogue_says_the_core_sentence(exc: InsightError) -> None:
    """The zh_Hans translation of the code's English sentence, with the error's params, is its Chinese message."""
    assert exc.code in messages.ERRORS and ERROR_MESSAGES[exc.code] is messages.ERRORS[exc.code]
    with translation.override(None):
        source = str(messages.ERRORS[exc.code])
    with translation.override("zh-hans"):
        # a list parameter is joined the English way (", "), the Chinese message joins it with "、"
        assert (gettext(source) % exc.params).replace(", ", "、") == exc.message


def _core_errors(tmp_path):
    """One error of each analytic core, with the English and Chinese the user reads."""
    nope = tmp_path / "nope.csv"
    headless = tmp_path / "headless.csv"
    headless.write_text("a,b\n1,2\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    frame = pd.DataFrame({"loc": ["a", "b"], "act": ["x", "y"], "v": [1.0, 2.0]})
    table = io_core.IOTable(
        codes=["01", "02"],
        names=["农业", "煤炭"],
        names_en=["Farming", "Coal"],
        flows=np.zeros((2, 2)),
        output=np.ones(2),
    )
    return [
        (
            _raised(complexity_matrix, np.ones((2, 2)), proximity_kind="cosine"),
            "Unknown proximity kind “cosine” (choices: symmetric, asymmetric, continuous)",
            "未知的邻近度类型“cosine”（可选：symmetric、asymmetric、continuous）",
        ),
        (
            _raised(complexity_table, frame, location="loc", activity="act", value="value"),
            "Missing the column “value”",
            "缺少列“value”",
        ),
        (
            _raised(io_core.read_io_table, headless),
            f"File {headless}, row 1: no column “Code” (sector codes); this is not the layout of an NBS "
            "input-output table",
            f"文件 {headless} 第1行：缺少列“Code”（部门代码），不是国家统计局投入产出表的格式",
        ),
        (
            _raised(table.index, "99"),
            "The input-output table has no sector “99”",
            "投入产出表中没有部门“99”",
        ),
        (
            _raised(tables.read_long_table, headless, keys=["a", "c"], value="b"),
            f"File {headless}, row 1: missing the column “c” (the header has: a, b)",
            f"文件 {headless} 第1行：缺少列“c”（表头有：a、b）",
        ),
        (
            _raised(tables.read_long_table, nope, keys=["a"], value="b"),
            f"File {nope}: the file does not exist",
            f"文件 {nope}：文件不存在",
        ),
        (
            _raised(read_indicator_file, empty),
            f"File {empty}: the file is empty, it has no header",
            f"文件 {empty}：文件是空的，没有表头",
        ),
        (
            _raised(lagyears.lag_years, {2020: 1.0}, {2020: 2.0}, year=2019),
            "Your city has no data for 2019",
            "本市没有2019年的数据",
        ),
        (
            _raised(lagyears.lag_years, {2020: 1.0}, [(2019, 1.0), (2019, 2.0)]),
            "Two values for the same year (2019)",
            "同一年（2019）出现了两个数值",
        ),
        (
            _raised(opportunities.resolve_weights, weights={"size": 1.0}),
            "Unknown weights: size (choices: density, pci, cog, chain)",
            "未知的权重项：size（可选：density、pci、cog、chain）",
        ),
        (
            _raised(opportunities.resolve_weights, weights={"density": 0.0}),
            "Weights cannot all be 0",
            "权重不能全为0",
        ),
    ]


def test_the_cores_errors_are_english_for_an_english_user_and_unchanged_in_chinese(tmp_path):
    for exc, english, chinese in _core_errors(tmp_path):
        assert exc.message == chinese  # the core's own sentence, as before
        assert _both(exc) == (english, chinese)
        _the_catalogue_says_the_core_sentence(exc)


@pytest.mark.django_db
def test_the_services_say_their_errors_in_the_active_language(cast):
    from zhaoshang.insight import analysis_services as analysis

    cases = [
        (
            lambda: services.parse_weights("density"),
            "The weight “density” should be written name=number, such as density=0.5",
            "权重“density”应写成 名称=数值，如 density=0.5",
        ),
        (
            lambda: analysis.build_snapshot(None, by="class", measure="firms", level="province"),
            "Unknown region level “province” (choices: county, city)",
            "未知的地区层级“province”（可选：county 区县、city 城市）",
        ),
        (
            lambda: benchmark.save_peers(None, cast.bureau, home="株洲", peers="株洲"),
            "Please fill in at least one benchmark city",
            "请至少填写一个对标城市",
        ),
        (
            lambda: services.find_io_table("2020年42部门"),
            "No input-output table is named “2020年42部门” (there are: (none imported yet))",
            "没有名为“2020年42部门”的投入产出表（已有：（还没有导入任何表））",
        ),
    ]
    for call, english, chinese in cases:
        with translation.override("en"):
            exc = _raised(call)
            assert error_message(exc) == english
        with translation.override("zh-hans"):
            assert _raised(call).message == chinese


def _cli(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("insight", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_the_command_line_says_a_core_error_and_its_own_sentences_in_english(tmp_path):
    missing = tmp_path / "missing.csv"
    keys = ("--location", "loc", "--activity", "act", "--value", "v", "-o", tmp_path / "out.csv")
    with translation.override("en"), pytest.raises(CommandError) as caught:
        _cli("complexity", missing, *keys)
    assert str(caught.value) == f"File {missing}: the file does not exist"
    with translation.override("zh-hans"), pytest.raises(CommandError) as caught:
        _cli("complexity", missing, *keys)
    assert str(caught.value) == f"文件 {missing}：文件不存在"
    with translation.override("en"), pytest.raises(CommandError) as caught:
        _cli("peers", "--set", "长沙")
    assert str(caught.value) == "Setting the benchmark cities needs --org"


@pytest.mark.django_db
def test_the_indicator_import_command_reports_in_english(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("地区,指标,年份,数值,单位\n株洲,GDP,2021,1,斤\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as caught:
        out, err = io.StringIO(), io.StringIO()
        call_command("insight", "indicators", "import", str(bad), stdout=out, stderr=err)
    assert str(caught.value) == "1 errors; nothing was written"
    assert "Error: row 2, column “单位”: Unknown unit “斤”" in err.getvalue()
    with translation.override("en"), pytest.raises(CommandError):
        out = io.StringIO()
        call_command("insight", "indicators", "import", str(bad), "--json", stdout=out)
    assert json.loads(out.getvalue())["errors"] == ["Row 2 单位: Unknown unit “斤”"]
    with translation.override("zh-hans"), pytest.raises(CommandError) as caught:
        out, err = io.StringIO(), io.StringIO()
        call_command("insight", "indicators", "import", str(bad), stdout=out, stderr=err)
    assert str(caught.value) == "1 处错误，未写入任何数据"
    assert "错误：第2行 列“单位”：" in err.getvalue()


@pytest.mark.django_db
def test_the_opportunity_api_says_a_core_error_in_english(cast, client_for):
    from tests.insight.analysis_world import build_world

    from zhaoshang.insight import analysis_services as analysis

    build_world(cast)
    snapshot = analysis.build_snapshot(cast.admin, by="node", level="city")
    client = client_for(cast.officer)
    url = f"/api/insight/snapshots/{snapshot.pk}/opportunities/?weights=size=1"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json() == {
        "error": "Unknown weights: size (choices: density, pci, cog, chain)",
        "code": "opportunity_weight_unknown",
    }
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["error"] == "未知的权重项：size（可选：density、pci、cog、chain）"
    url = f"/api/insight/snapshots/{snapshot.pk}/opportunities/?preset=long_jumps"
    why = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["opportunities"][0]["explanation"]
    assert "complexity outlook gain COG" in why and why.endswith(".") and "机会增益" not in why
    why = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["opportunities"][0]["explanation"]
    assert "机会增益 COG" in why and why.endswith("。")
    page = client.get("/insight/next/?w_density=abc", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The weight “density” should be a number, not “abc”" in page and "权重" not in page


@pytest.mark.django_db
def test_the_lag_api_refuses_in_english(cast, client_for):
    client = client_for(cast.officer)
    url = "/api/insight/indicator-values/lag/?city=株洲&peer=长沙&years=abc"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english == {"error": "The parameter years “abc” is not a whole number", "code": "insight_invalid"}
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["error"] == "参数 years“abc”不是整数"
    missing = client.get("/api/insight/indicator-values/lag/?city=株洲", HTTP_ACCEPT_LANGUAGE="en").json()
    assert missing["error"] == "Please give city and peer"
