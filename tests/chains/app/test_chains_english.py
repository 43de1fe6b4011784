"""The chains app in the user's language: the analytic core raises a code with params and keeps its Chinese
sentence; the edge (services, API, pages, commands) says it in English to an English user, and what a Chinese
user sees is the old Chinese, character for character."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from tests.languages import said_in_both as _said

from zhaoshang.chains import messages
from zhaoshang.chains.analysis import gap, learned, manufacturers, rules, spec, targets
from zhaoshang.chains.analysis.bom import BomError, read_bom
from zhaoshang.chains.analysis.errors import ChainAnalysisError, ChainFileError
from zhaoshang.chains.analysis.evaluate import ClassifyError, classify_csv
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import ERROR_MESSAGES, ISSUE_MESSAGES, error_message

ANALYSIS = Path(spec.__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def _raised(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def _codes_raised_in(path: Path) -> set[str]:
    codes = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            for keyword in node.exc.keywords:
                if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                    codes.add(keyword.value.value)
    return codes


def test_every_code_the_chain_core_raises_has_an_english_sentence_and_only_those_are_registered():
    raised = set().union(*(_codes_raised_in(p) for p in ANALYSIS.glob("*.py")))
    raised |= _codes_raised_in(ANALYSIS.parent / "services" / "specs.py")
    assert raised == set(messages.ERRORS)
    assert all(ERROR_MESSAGES[code] is sentence for code, sentence in messages.ERRORS.items())
    assert all(ISSUE_MESSAGES[code] is sentence for code, sentence in messages.ISSUES.items())


# --------------------------------------------------------------------------------------------------------------
# The analytic core: one or two representative errors per module


def test_a_bom_that_cannot_be_read_is_said_in_english_and_unchanged_in_chinese(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    exc = _raised(read_bom, empty, name="x")
    assert isinstance(exc, BomError) and exc.code == "bom_empty"
    assert _said(exc) == (
        "empty.csv: the file is empty, it holds no BOM data",
        "empty.csv：文件为空，没有任何BOM数据",
    )

    odd = tmp_path / "parts.pdf"
    odd.write_text("x", encoding="utf-8")
    english, chinese = _said(_raised(read_bom, odd, name="x"))
    assert english == "parts.pdf: the file type “.pdf” is not supported; upload the BOM as CSV or XLSX"
    assert chinese == "parts.pdf：不支持的文件类型「.pdf」，请上传CSV或XLSX格式的BOM"

    headless = tmp_path / "headless.csv"
    headless.write_text("a,b\n1,2\n", encoding="utf-8")
    english, chinese = _said(_raised(read_bom, headless, name="x"))
    assert english.startswith("headless.csv row 1: no header found: a “数量/Quantity” column is needed")
    assert chinese.startswith("headless.csv 第1行：找不到表头：需要「数量/Quantity」列")


def test_a_chain_file_that_cannot_be_read_is_said_in_english(tmp_path):
    listing = tmp_path / "chain.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    exc = _raised(spec.load_yaml, listing)
    assert isinstance(exc, ChainFileError) and exc.code == "chain_file_not_a_mapping"
    english, chinese = _said(exc)
    assert english == "chain.yaml: the file should hold a mapping (slug, name, nodes …)"
    assert (
        chinese
        == "产业链文件有 1 处错误（chain.yaml）：\n- chain.yaml：文件内容应为键值对（slug、name、nodes …）"
    )

    broken = tmp_path / "broken.yaml"
    broken.write_text("slug: a\nname: [unclosed\n", encoding="utf-8")
    english, chinese = _said(_raised(spec.load_yaml, broken))
    assert re.match(r"broken\.yaml: YAML format error at line \d+, column \d+: ", english)
    assert re.search(r"broken\.yaml：YAML 格式错误第 \d+ 行第 \d+ 列：", chinese)


def test_classifying_a_csv_names_the_missing_file_and_column_in_english(tmp_path):
    exc = _raised(
        classify_csv,
        tmp_path / "none.csv",
        tmp_path / "in.csv",
        tmp_path / "out.csv",
        text_column="t",
        label_column="l",
    )
    assert isinstance(exc, ClassifyError)
    english, chinese = _said(exc)
    assert english == f"The training file does not exist: {tmp_path / 'none.csv'}"
    assert chinese == f"训练文件不存在：{tmp_path / 'none.csv'}"

    train = tmp_path / "train.csv"
    train.write_text("文本,类别\n轴承,b\n", encoding="utf-8")
    english, chinese = _said(
        _raised(classify_csv, train, train, tmp_path / "out.csv", text_column="文本", label_column="label")
    )
    assert english == f"The training file {train} has no column “label” (its columns: 文本, 类别)"
    assert chinese == f"训练文件 {train} 中没有“label”列（现有列：文本、类别）"


def test_the_learned_layer_says_its_errors_in_english(tmp_path):
    english, chinese = _said(_raised(learned.TextClassifier, C=0))
    assert english == "The regularisation parameter C must be greater than 0, got 0"
    assert chinese == "正则化参数 C 必须大于 0，收到 0"

    english, chinese = _said(_raised(learned.TextClassifier().predict, ["轴承"]))
    assert english == "The classifier has not been trained yet; call fit first"
    assert chinese == "分类器尚未训练，请先调用 fit"

    missing = tmp_path / "model.pkl"
    english, chinese = _said(_raised(learned.TextClassifier.load, missing))
    assert english == f"The model file does not exist: {missing}"
    assert chinese == f"模型文件不存在：{missing}"

    english, _ = _said(_raised(learned.TextClassifier().fit, ["a", "b"], ["x"]))
    assert english == "There are 2 texts but 1 labels; the counts differ"


def test_gap_thresholds_that_make_no_sense_are_said_in_english():
    english, chinese = _said(_raised(gap.NodeThreshold, strong_firms=1, weak_firms=2))
    assert english == "The least number of firms for “strong” (1) cannot be below that for “weak” (2)"
    assert chinese == "「强」的最少企业数（1）不能小于「弱」的最少企业数（2）"

    english, chinese = _said(_raised(gap.Thresholds, weak_coverage=2.0))
    assert english == "The coverage of a “weak” node should be between 0 and 1, it is 2.0"
    assert chinese == "「弱」节点的覆盖系数应在 0 到 1 之间，实际为 2.0"


def test_a_malformed_manufacturer_table_is_said_in_english(tmp_path):
    table = tmp_path / "makers.yaml"
    table.write_text("- key: acme\n  zh: 甲公司\n  region: NO\n", encoding="utf-8")
    english, chinese = _said(_raised(manufacturers.load_manufacturers, table))
    assert english == "The region of the maker acme was read as the boolean False; put it in quotes"
    assert chinese == "制造商acme的region的值被读成布尔值False，请给它加引号"

    table.write_text("key: acme\n", encoding="utf-8")
    english, chinese = _said(_raised(manufacturers.load_manufacturers, table))
    assert (english, chinese) == ("The manufacturer table should be a list", "制造商表应为列表")


def test_rules_and_targets_say_bad_input_in_english(mini_spec):
    english, chinese = _said(_raised(rules.RuleClassifier, [mini_spec, mini_spec]))
    assert english == "Duplicate chain identifiers: mini-rail"
    assert chinese == "产业链标识重复：mini-rail"

    english, chinese = _said(_raised(targets.region_prefix, "43ab"))
    assert english == "A region code should have six digits (GB/T 2260), it is “43ab”"
    assert chinese == "行政区划代码应为 6 位数字（GB/T 2260），实际为「43ab」"

    english, chinese = _said(
        _raised(targets.Factors, node=0, size=0, growth=0, listed=0, distance=0, links=0)
    )
    assert (english, chinese) == ("The factor weights cannot all be 0", "因素权重不能全为 0")


# --------------------------------------------------------------------------------------------------------------
# The edges: services, commands, pages and the API


@pytest.mark.django_db
def test_a_service_error_is_english_for_an_english_user_and_the_old_chinese_otherwise():
    from zhaoshang.chains import services

    with translation.override("en"):
        english = error_message(_raised(services.find_chain, "nope"))
    with translation.override("zh-hans"):
        chinese = error_message(_raised(services.find_chain, "nope"))
    assert english == "No chain is named or identified as “nope”; there are: (none)"
    assert chinese == "没有名为或标识为「nope」的产业链；现有：（无）"


def test_a_service_that_rewraps_a_core_error_keeps_its_code_and_params():
    from zhaoshang.chains.services.thresholds import thresholds_from

    exc = _raised(thresholds_from, {"weak_coverage": 2})
    assert not isinstance(exc, ChainAnalysisError)  # the service's own error
    assert exc.code == "gap_weak_coverage_out_of_range" and exc.params == {"value": 2.0}
    english, chinese = _said(exc)
    assert english == "The coverage of a “weak” node should be between 0 and 1, it is 2.0"
    assert chinese == "「弱」节点的覆盖系数应在 0 到 1 之间，实际为 2.0"


def test_a_threshold_setting_that_the_core_refuses_is_explained_in_english():
    from zhaoshang.chains.services.thresholds import thresholds_from

    with translation.override("en"):
        english = error_message(_raised(thresholds_from, {"strong_firms": 1, "weak_firms": 3}))
    with translation.override("zh-hans"):
        chinese = error_message(_raised(thresholds_from, {"strong_firms": 1, "weak_firms": 3}))
    assert english == (
        "The threshold settings are wrong: "
        "The least number of firms for “strong” (1) cannot be below that for “weak” (3)"
    )
    assert chinese == "阈值设置有误：「强」的最少企业数（1）不能小于「弱」的最少企业数（3）"


@pytest.mark.django_db
def test_the_chains_command_speaks_english_when_the_language_is_english(tmp_path, chain):
    bad = tmp_path / "bad.csv"
    bad.write_text("Reference,Quantity,Value\nR1,1,10k\nR2,abc,1k\n", encoding="utf-8")
    with translation.override("en"):
        err = io.StringIO()
        with pytest.raises(CommandError, match=r"^Errors in the BOM file: 1$"):
            call_command("chains", "bom", str(bad), "--name", "x", stdout=io.StringIO(), stderr=err)
        assert err.getvalue() == "bad.csv row 3, column “Quantity”: the quantity “abc” is not a number\n"
        with pytest.raises(CommandError, match="No chain is named or identified as “nope”"):
            call_command("chains", "export", "nope", "-o", str(tmp_path / "x.yaml"))
        (tmp_path / "chain.txt").write_text("x", encoding="utf-8")
        err = io.StringIO()
        with pytest.raises(CommandError, match=r"^Errors in the chain file: 1; nothing was imported$"):
            call_command("chains", "import", str(tmp_path / "chain.txt"), stderr=err)
        assert err.getvalue() == "chain.txt: only .yaml/.yml or .xlsx files are supported\n"
        out = io.StringIO()
        call_command("chains", "list", stdout=out)
        assert out.getvalue() == "mini-rail\t迷你轨交链\t8 nodes\n"
    out = io.StringIO()
    call_command("chains", "list", stdout=out)
    assert out.getvalue() == "mini-rail\t迷你轨交链\t8 个节点\n"
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^BOM 文件有 1 处错误$"):
        call_command("chains", "bom", str(bad), "--name", "x", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == "bad.csv 第3行「Quantity」列：数量「abc」不是数字\n"
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^产业链文件有 1 处错误，未导入任何数据$"):
        call_command("chains", "import", str(tmp_path / "chain.txt"), stderr=err)
    assert err.getvalue() == "chain.txt：只支持 .yaml/.yml 或 .xlsx 文件\n"


def test_the_classify_command_says_a_core_error_in_english(tmp_path):
    args = ["classify", str(tmp_path / "in.csv"), "--train", str(tmp_path / "none.csv")]
    args += ["--text-column", "t", "--label-column", "l", "-o", str(tmp_path / "out.csv")]
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command(*args, stderr=io.StringIO())
    assert str(caught.value) == f"The training file does not exist: {tmp_path / 'none.csv'}"
    with pytest.raises(CommandError) as caught:
        call_command(*args, stderr=io.StringIO())
    assert str(caught.value) == f"训练文件不存在：{tmp_path / 'none.csv'}"


@pytest.mark.django_db
def test_the_comparison_page_says_a_bad_region_in_the_users_language(client_for, cast, chain):
    client = client_for(cast.leader)
    url = "/chains/mini-rail/compare/?regions=abc"
    chinese = client.get(url).content.decode()
    assert "「abc」既不是 6 位行政区划代码，也不是带区划代码的组织（园区）代码" in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(url).content.decode()
    assert (
        "“abc” is neither a six-digit region code nor the code of an organisation (park) that has a region code"
        in english
    )


@pytest.mark.django_db
def test_the_gap_api_says_a_domain_error_in_english_for_an_english_user(client_for, cast, chain):
    chain.extra = {**(chain.extra or {}), "thresholds": {"weak_coverage": 2}}
    chain.save(update_fields=["extra"])
    client = client_for(cast.owner)
    url = "/api/chains/mini-rail/gap/?region=430200"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english == {
        "error": "The coverage of a “weak” node should be between 0 and 1, it is 2.0",
        "code": "gap_weak_coverage_out_of_range",
    }
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["error"] == "「弱」节点的覆盖系数应在 0 到 1 之间，实际为 2.0"

    unknown = client.get("/api/chains/mini-rail/gap/?region=999999", HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 400 and unknown.json()["error"] == "Unknown region code: 999999"
    missing = client.get("/api/chains/mini-rail/gap/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert missing["error"] == {"region": "Give a region (a region code or a park's code)"}
    assert not CJK.search(str(missing))


CHAIN_WITH_PROBLEMS = """slug: t
name: 测试
nodes:
  - key: a
    name: A
    weight: abc
  - name: 无键
links:
  - from: a
    to: zz
"""


@pytest.mark.django_db
def test_the_problems_of_a_chain_file_are_listed_in_the_users_language(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(CHAIN_WITH_PROBLEMS, encoding="utf-8")
    said = {}
    for language in ("en", "zh-hans"):
        err = io.StringIO()
        with translation.override(language), pytest.raises(CommandError) as caught:
            call_command("chains", "import", str(path), stderr=err)
        said[language] = (str(caught.value), err.getvalue().splitlines())
    assert said["en"] == (
        "Errors in the chain file: 3; nothing was imported",
        [
            "t.yaml row 7 field “key”: the node key is missing (name “无键”)",
            "t.yaml row 4 node a field “weight”: the weight should be a number, it is “abc”",
            "t.yaml row 9 field “to”: the supply relation a → zz refers to a node “zz” that does not exist",
        ],
    )
    assert said["zh-hans"] == (
        "产业链文件有 3 处错误，未导入任何数据",
        [
            "t.yaml 第 7 行 字段「key」：缺少节点键（名称「无键」）",
            "t.yaml 第 4 行 节点 a 字段「weight」：权重应为数字，实际是「abc」",
            "t.yaml 第 9 行 字段「to」：供应关系 a → zz 引用的节点「zz」不存在",
        ],
    )


def test_every_problem_code_of_a_chain_file_has_an_english_sentence():
    source = (ANALYSIS / "spec.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"(chain_[a-z0-9_]+)"', source))
    assert used <= set(messages.ERRORS) | set(messages.ISSUES)
