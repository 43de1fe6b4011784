"""Bad input never gives a 500: the import keeps going and says in Chinese which file, row, column and why; pages
and the API answer 4xx (or ignore a filter they cannot read), never an error page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from tests.registry.conftest import CODE_A

from zhaoshang.registry.core.errors import HeaderMappingError
from zhaoshang.registry.models import Enterprise, ImportBatch
from zhaoshang.registry.services import import_enterprises


def test_absurd_values_flag_their_row_instead_of_stopping_the_import(cast, write_csv):
    header = ["企业名称", "注册资本", "从业人数", "营业收入", "成立日期"]
    rows = [
        ["株洲甲科技有限公司", "1" + "0" * 40 + "万元", "", "", ""],
        ["株洲乙科技有限公司", "99999999999999999999万元", "", "", ""],
        ["株洲丙科技有限公司", "", "9" * 25, "", ""],
        ["株洲丁科技有限公司", "", "", "9" * 30, ""],
        ["株洲戊科技有限公司", "", "", "", "0001-01-01"],
        ["株洲己科技有限公司", "500万元", "120", "3500", "2015-09-07"],
    ]
    result = import_enterprises(cast.officer, write_csv(header, rows), cast.bureau)
    assert (result.counts["created"], result.counts["flagged"], result.counts["rejected"]) == (6, 5, 0)
    by_row = {i["row"]: i for i in result.issues}
    assert by_row[2]["column"] == "注册资本" and "金额过大" in by_row[2]["message"]
    assert by_row[3]["column"] == "注册资本" and by_row[3]["raw"] == "99999999999999999999万元"
    assert by_row[4]["column"] == "从业人数" and "过大" in by_row[4]["message"]
    assert by_row[5]["column"] == "营业收入" and "无法识别" in by_row[5]["message"]
    assert by_row[6]["column"] == "成立日期" and "年份1不合理" in by_row[6]["message"]
    assert Enterprise.objects.filter(capital_wan__isnull=True, employees__isnull=True).count() == 5
    assert Enterprise.objects.get(name="株洲己科技有限公司").capital_wan == 500


def test_nul_characters_in_a_file_never_reach_the_database(cast, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text("企业名称,法定代表人\n株洲甲科技\x00有限公司,张\x00三\n", encoding="utf-8")
    result = import_enterprises(cast.officer, path, cast.bureau)
    firm = Enterprise.objects.get()
    assert result.counts["created"] == 1 and (firm.name, firm.legal_rep) == ("株洲甲科技有限公司", "张三")


def test_a_name_longer_than_the_column_is_truncated_and_flagged(cast, write_csv):
    long_name = "株洲" + "很" * 300 + "科技有限公司"
    result = import_enterprises(cast.officer, write_csv(["企业名称"], [[long_name]]), cast.bureau)
    firm = Enterprise.objects.get()
    assert len(firm.name) == 255 and len(firm.name_key) <= 255
    [issue] = result.issues
    assert issue["column"] == "企业名称" and "已截断" in issue["message"]


def test_a_file_without_a_name_column_names_the_file_on_the_command_line(cast, write_csv):
    path = write_csv(["统一社会信用代码", "地址"], [[CODE_A, "株洲"]], "园区名单.csv")
    with pytest.raises(CommandError, match="文件“园区名单.csv”：未找到企业名称列"):
        call_command(
            "firms", "import", str(path), "--org", cast.bureau.code, stdout=StringIO(), stderr=StringIO()
        )
    with pytest.raises(HeaderMappingError, match="园区名单.csv"):
        import_enterprises(cast.officer, path, cast.bureau)


BROKEN_UPLOADS = [
    ("名录.xlsx", b"this is no spreadsheet", "无法读取文件“名录.xlsx”：不是有效的Excel文件"),
    ("名录.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100, "无法读取文件“名录.xls”"),
    ("名录.csv", "地址\n株洲市天元区\n".encode(), "文件“名录.csv”：未找到企业名称列"),
    ("名录.csv", b"\xff\xfe\x00garbage\x00", "无法读取文件“名录.csv”"),
]


@pytest.mark.parametrize(("name", "content", "message"), BROKEN_UPLOADS)
def test_a_broken_upload_ends_in_a_failed_batch_whose_page_says_why_in_chinese(
    cast, client_for, name, content, message
):
    client = client_for(cast.owner)
    response = client.post(
        reverse("registry:import_new"),
        {"file": SimpleUploadedFile(name, content), "organisation": cast.park.pk},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.FAILED
    assert message in batch.message
    page = client.get(reverse("registry:import_detail", args=[batch.pk]))
    assert page.status_code == 200 and message in page.content.decode()
    assert not Enterprise.objects.exists()


def test_an_upload_mapping_that_names_a_missing_column_fails_with_its_name(cast, client_for):
    client_for(cast.owner).post(
        reverse("registry:import_new"),
        {
            "file": SimpleUploadedFile("名录.csv", "企业名称\n株洲甲科技有限公司\n".encode()),
            "organisation": cast.park.pk,
            "mapping": "公司全名=name",
        },
    )
    batch = ImportBatch.objects.get()
    assert (
        batch.status == ImportBatch.Status.FAILED and "列映射中的列在文件中不存在：公司全名" in batch.message
    )


def test_an_upload_mapping_to_an_unknown_field_is_a_form_error(cast, client_for):
    response = client_for(cast.owner).post(
        reverse("registry:import_new"),
        {
            "file": SimpleUploadedFile("名录.csv", "企业名称\n株洲甲科技有限公司\n".encode()),
            "organisation": cast.park.pk,
            "mapping": "企业名称=firm_name",
        },
    )
    assert response.status_code == 200 and "mapping" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


ODD_PARAMETERS = [
    {"founded_from": "abc"},
    {"founded_from": "99999"},
    {"capital_min": "abc"},
    {"capital_max": "1e999"},
    {"capital_min": "NaN"},
    {"local": "maybe"},
    {"status": "\x00"},
    {"page": "abc"},
    {"page": "99999"},
    {"industry": "ZZZ"},
    {"region": "abc"},
    {"tags": '"]'},
    {"q": '"'},
    {"q": "AND OR NOT * NEAR("},
    {"q": "中车 OR"},
    {"q": "a\x00bcd"},
    {"q": "株" * 3000},
]


@pytest.mark.parametrize("params", ODD_PARAMETERS)
def test_odd_list_parameters_never_give_a_server_error(cast, client_for, params):
    client = client_for(cast.officer)
    for url in (reverse("registry:list"), reverse("registry:export"), "/api/enterprises/"):
        response = client.get(url, params)
        assert response.status_code in (200, 400, 404), (url, params, response.status_code)


def test_an_unreadable_filter_is_a_400_with_a_message_in_the_api_and_the_export(cast, client_for):
    client = client_for(cast.officer)
    api = client.get("/api/enterprises/", {"founded_from": "abc"})
    assert api.status_code == 400 and api.json()["code"]
    export = client.get(reverse("registry:export"), {"founded_from": "abc"})
    assert export.status_code == 400 and export.content.decode() == "筛选条件无效。"
    page = client.get(reverse("registry:list"), {"founded_from": "abc"})
    assert page.status_code == 200 and page.context["form"].errors


def test_the_api_needs_a_login(db):
    for url in ("/api/enterprises/", "/api/import-batches/"):
        assert Client().get(url).status_code in (401, 403)
