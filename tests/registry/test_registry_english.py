"""The registry and the shared file readers (tabular) in English: the cores raise codes and params, the edges say
them in the user's language; in Chinese every sentence is the one the cores and edges always wrote."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from tests.languages import said_in_both as _said
from tests.registry.conftest import CODE_A

from zhaoshang.core.messages import issue_message
from zhaoshang.registry.core.capital import parse_capital
from zhaoshang.registry.core.errors import CapitalError, HeaderMappingError, UsccError
from zhaoshang.registry.core.headers import map_headers
from zhaoshang.registry.core.uscc import check_char
from zhaoshang.tabular.dates import parse_date, parse_day
from zhaoshang.tabular.errors import DateError, RefusedFileError, UnreadableFileError
from zhaoshang.tabular.readers import open_table
from zhaoshang.tabular.safety import (
    ImportLimits,
    LimitedSafeLoader,
    YamlLimitError,
    check_spreadsheet,
    safe_yaml_load,
)


def _raised(kind, call, *args, **kwargs):
    with pytest.raises(kind) as caught:
        call(*args, **kwargs)
    return caught.value


# ------------------------------------------------------------------------------------------------- tabular


def test_a_date_that_does_not_exist_is_said_in_english_and_unchanged_in_chinese():
    error = _raised(DateError, parse_date, "2015-02-30")
    assert error.code == "date_does_not_exist"
    assert _said(error) == (
        "The date “2015-02-30” could not be read: the day 2015-2-30 does not exist",
        "无法识别日期“2015-02-30”：2015年2月30日不存在",
    )
    english, chinese = _said(_raised(DateError, parse_day, "soon"))
    assert (
        english
        == "The date “soon” could not be read: the format is not recognised; write it like “2015-09-07”"
    )
    assert chinese == "无法识别日期“soon”：格式无法识别，请使用“2015-09-07”这样的格式"


def test_an_unreadable_or_refused_file_is_said_in_english(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    assert _said(_raised(UnreadableFileError, open_table, empty)) == (
        "The file “empty.csv” could not be read: the file is empty: it has no header",
        "无法读取文件“empty.csv”：文件是空的，没有表头",
    )
    binary = tmp_path / "firms.csv"
    binary.write_bytes(b"%PDF-1.7\x00\x01\x02" * 100)
    refused = _raised(RefusedFileError, open_table, binary)
    assert refused.code == "file_binary_not_a_table"
    english, chinese = _said(refused)
    assert english == (
        "The file “firms.csv” was refused: this is a binary file, not CSV text or an Excel sheet; "
        "check the file and its extension"
    )
    assert chinese == "文件“firms.csv”被拒绝：这是二进制文件，不是CSV文本或Excel表格，请检查文件和扩展名"
    missing = _raised(UnreadableFileError, open_table, tmp_path / "gone.xlsx")
    assert _said(missing) == (
        "The file “gone.xlsx” could not be read: the file does not exist",
        "无法读取文件“gone.xlsx”：文件不存在",
    )


def test_a_spreadsheet_over_a_limit_is_refused_in_english(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(3):
            archive.writestr(f"part{i}.xml", "<x/>")
    refused = _raised(RefusedFileError, check_spreadsheet, path, limit=ImportLimits(max_entries=2))
    assert _said(refused) == (
        "The file “many.xlsx” was refused: the archive holds 3 files, over the limit of 2",
        "文件“many.xlsx”被拒绝：压缩包内有3个文件，超过上限2个",
    )


def test_a_sheet_beyond_excels_rows_names_the_sheet_in_english(tmp_path):
    path = tmp_path / "far.xlsx"
    sheet = '<worksheet><sheetData><row r="2000000"><c r="A2000000"/></row></sheetData></worksheet>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    english, chinese = _said(_raised(RefusedFileError, check_spreadsheet, path))
    assert english == (
        "The file “far.xlsx” was refused: sheet 1 has the row number 2,000,000, beyond Excel's 1,048,576 rows"
    )
    assert chinese == "文件“far.xlsx”被拒绝：第1个工作表的行号2,000,000超出Excel的1,048,576行"


def test_a_yaml_nested_too_deep_is_refused_in_english():
    class Shallow(LimitedSafeLoader):
        max_depth = 2

    error = _raised(YamlLimitError, safe_yaml_load, "a:\n  b:\n    c: 1\n", loader=Shallow)
    assert _said(error) == (
        "Nested deeper than 2 levels (line 2): not a valid configuration file",
        "嵌套超过2层（第2行），不是有效的配置文件",
    )


# ------------------------------------------------------------------------------------------------- registry core


def test_a_registered_capital_error_is_said_in_english():
    negative = _raised(CapitalError, parse_capital, "-5万元")
    assert negative.code == "capital_negative"
    assert _said(negative) == (
        "The registered capital “-5万元” could not be read: an amount cannot be negative",
        "无法识别注册资本“-5万元”：金额不能为负数",
    )
    english, chinese = _said(_raised(CapitalError, parse_capital, "100"))
    assert english.startswith("The registered capital “100” could not be read: only a number, no unit")
    assert chinese.startswith("无法识别注册资本“100”：只有数字，没有单位（万元还是元？）")


def test_a_credit_code_error_and_a_header_error_are_said_in_english():
    assert _said(_raised(UsccError, check_char, "91430211")) == (
        "Computing the check character needs 17 characters; got 8: “91430211”",
        "计算校验位需要17位字符，收到8位：“91430211”",
    )
    english, chinese = _said(_raised(HeaderMappingError, map_headers, ["成立日期", "地址"]))
    assert english == (
        "No company name column was found. The file's headers are: 成立日期, 地址; say which column is the "
        "company name (such as “企业名称” or “公司名称”)"
    )
    assert (
        chinese
        == "未找到企业名称列。文件表头为：成立日期、地址；请指定哪一列是企业名称（如“企业名称”“公司名称”）"
    )


# ------------------------------------------------------------------------------------------------- edges


@pytest.mark.django_db
def test_the_registrys_services_say_their_errors_in_the_active_language(cast):
    from zhaoshang.registry.firms import RegistryError, find_enterprise
    from zhaoshang.registry.parks import ParkError, add_rule

    with translation.override("en"):
        assert (
            str(_raised(RegistryError, find_enterprise, None, "无此企业")) == "The register has no “无此企业”"
        )
        english = _raised(ParkError, lambda: add_rule(None, cast.park, kind="region", pattern="天元"))
        assert str(english) == "A region code rule can only be digits (the beginning of the code)"
    with translation.override("zh-hans"):
        assert str(_raised(RegistryError, find_enterprise, None, "无此企业")) == "名录中没有“无此企业”"
        chinese = _raised(ParkError, lambda: add_rule(None, cast.park, kind="region", pattern="天元"))
        assert str(chinese) == "区划代码规则只能是数字（代码的开头部分）"


@pytest.mark.django_db
def test_the_firms_command_answers_in_the_active_language(cast, write_csv):
    with translation.override("en"), pytest.raises(CommandError) as english:
        call_command("firms", "show", "无此企业")
    assert str(english.value) == "The register has no “无此企业”"
    with translation.override("en"), pytest.raises(CommandError) as no_file:
        call_command("firms", "import", "/nowhere/firms.csv", "--org", cast.park.code)
    assert str(no_file.value) == "The file “firms.csv” could not be read: the file does not exist"
    with translation.override("zh-hans"), pytest.raises(CommandError) as chinese:
        call_command("firms", "show", "无此企业")
    assert str(chinese.value) == "名录中没有“无此企业”"


@pytest.mark.django_db
def test_an_api_edit_refused_by_the_registry_answers_in_the_requests_language(cast, client_for, write_csv):
    from zhaoshang.registry.models import Enterprise
    from zhaoshang.registry.services import import_enterprises

    import_enterprises(
        cast.owner, write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "株洲甲科技有限公司"]]), cast.park
    )
    url = f"/api/enterprises/{Enterprise.objects.get().pk}/"
    client = client_for(cast.owner)
    english = client.patch(url, {"uscc": "123"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.patch(url, {"uscc": "123"}, content_type="application/json")
    assert english.status_code == chinese.status_code == 400
    assert english.json()["code"] == chinese.json()["code"] == "uscc_invalid"
    assert (
        english.json()["error"] == "The unified social credit code “123” must have 18 characters (it has 3)"
    )
    assert chinese.json()["error"] == "统一社会信用代码“123”应为18位（现为3位）"


@pytest.mark.django_db
def test_the_import_batch_api_says_its_stored_findings_in_the_requests_language(cast, client_for, write_csv):
    from zhaoshang.registry.services import import_enterprises

    result = import_enterprises(
        cast.owner,
        write_csv(["统一社会信用代码", "企业名称", "成立日期"], [["", "株洲乙科技有限公司", "不是日期"]]),
        cast.park,
    )
    url = f"/api/import-batches/{result.batch.pk}/"
    client = client_for(cast.owner)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get(url).json()
    said = {i["code"]: i["message"] for i in english["issues"]}
    assert said["founded_unparseable"] == "The founding date “不是日期” could not be read as a date"
    stored = {i["code"]: i["message"] for i in result.batch.issues}
    assert {i["code"]: i["message"] for i in chinese["issues"]} == stored
    assert stored["founded_unparseable"].startswith("无法识别日期“不是日期”")


@pytest.mark.django_db
def test_a_firms_stored_flags_carry_their_params_and_read_in_english(cast, client_for, write_csv):
    from django.urls import reverse

    from zhaoshang.registry.models import Enterprise
    from zhaoshang.registry.services import ensure_enterprises, import_enterprises

    future = date.today().replace(year=date.today().year + 2).isoformat()
    import_enterprises(
        cast.owner,
        write_csv(["统一社会信用代码", "企业名称", "成立日期"], [[CODE_A, "株洲甲科技有限公司", future]]),
        cast.park,
    )
    firm = Enterprise.objects.get()
    assert firm.flags[0]["code"] == "founded_in_future" and firm.flags[0]["params"] == {"date": future}
    english = f"The founding date {future} is later than today; please check it"
    client = client_for(cast.owner)
    api = f"/api/enterprises/{firm.pk}/"
    assert client.get(api, HTTP_ACCEPT_LANGUAGE="en").json()["flags"][0]["message"] == english
    assert client.get(api).json()["flags"][0]["message"] == firm.flags[0]["message"]
    assert "晚于今天" in firm.flags[0]["message"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert english in client.get(reverse("registry:detail", args=[firm.pk])).content.decode()

    made = ensure_enterprises(None, [("株洲新建档有限公司", "")], cast.park, source="12345")
    flag = next(iter(made.values())).flags[0]
    with translation.override("en"):
        assert issue_message(flag) == (
            "Created automatically by another capability (such as a firm's appeal); please check it"
        )
    with translation.override("zh-hans"):
        assert issue_message(flag) == "由其他业务（如企业诉求）自动建档，请核实"


@pytest.mark.django_db
def test_a_refused_upload_says_its_batch_message_in_the_readers_language(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from zhaoshang.registry.models import ImportBatch

    client = client_for(cast.owner)
    upload = SimpleUploadedFile("firms.csv", b"%PDF-1.7\x00\x01\x02" * 100, content_type="text/csv")
    client.post(reverse("registry:import_new"), {"file": upload, "organisation": cast.park.pk})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REFUSED and batch.message_code == "file_binary_not_a_table"
    chinese = "文件“firms.csv”被拒绝：这是二进制文件，不是CSV文本或Excel表格，请检查文件和扩展名"
    assert batch.message == chinese
    page = reverse("registry:import_detail", args=[batch.pk])
    assert chinese in client.get(page).content.decode()
    english = "The file “firms.csv” was refused: this is a binary file, not CSV text or an Excel sheet"
    assert (
        english in client.get(f"/api/import-batches/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    )
    assert client.get(f"/api/import-batches/{batch.pk}/").json()["message"] == chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    shown = client.get(page).content.decode()
    assert english in shown and chinese not in shown


@pytest.mark.django_db
def test_a_strict_import_refused_by_a_rejected_row_says_so_in_english(cast, write_csv):
    from zhaoshang.registry.services import import_enterprises

    result = import_enterprises(
        cast.owner, write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, ""]]), cast.park, strict=True
    )
    assert result.refused and result.batch.message == "严格模式：有1行被拒绝，本次导入未写入任何数据"
    with translation.override("en"):
        assert result.batch.said_message() == "Strict mode: 1 row(s) rejected; this import wrote nothing"
    with translation.override("zh-hans"):
        assert result.batch.said_message() == result.batch.message
