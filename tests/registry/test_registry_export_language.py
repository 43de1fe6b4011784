"""The firm export and the import error report: Chinese by default, English when the user chose English."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from tests.registry.conftest import CODE_A, CODE_B
from tests.registry.test_registry_pages import csv_upload

from zhaoshang.registry.models import ImportBatch
from zhaoshang.registry.services import EXPORT_COLUMNS, import_enterprises

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def _rows(response):
    content = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    return book.active.title, list(book.active.iter_rows(values_only=True))


@pytest.fixture
def firm(cast, write_csv):
    import_enterprises(
        cast.owner,
        write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "株洲甲园区科技有限公司"]]),
        cast.park,
    )


def test_the_firm_export_is_chinese_by_default(cast, client_for, firm):
    response = client_for(cast.owner).get(reverse("registry:export"))
    title, rows = _rows(response)
    assert title == "企业名录" and list(rows[0]) == [label for _, label in EXPORT_COLUMNS]
    assert "%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95.xlsx" in response["Content-Disposition"]  # 企业名录.xlsx


def test_the_firm_export_follows_the_users_english(cast, client_for, firm):
    client = client_for(cast.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(reverse("registry:export"))
    title, rows = _rows(response)
    headers = list(rows[0])
    assert title == "Firm list" and headers[:2] == ["Unified social credit code", "Firm name"]
    assert len(headers) == len(EXPORT_COLUMNS) and not any(CJK.search(h) for h in headers)
    local = headers.index("Local firm")
    assert rows[1][1] == "株洲甲园区科技有限公司" and rows[1][local] in ("yes", "no")
    assert "Firm list.xlsx" in response["Content-Disposition"]


def test_the_import_error_report_follows_the_users_english(cast, client_for):
    client = client_for(cast.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post(
        reverse("registry:import_new"),
        {"file": csv_upload([[CODE_B, "", "1万元"]]), "organisation": cast.park.pk},
    )
    batch = ImportBatch.objects.get()
    title, rows = _rows(client.get(reverse("registry:import_report", args=[batch.pk])))
    assert title == "Problems"
    assert rows[0] == ("Row number", "Column name", "Value as read", "Problem", "Severity")
    assert rows[1][0] == 2 and rows[1][4] == "error"
