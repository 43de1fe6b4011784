"""Import findings and domain errors in the user's language: the cores give codes and parameters, the edge
(zhaoshang.core.messages) says them — English when the user chose English, the core's Chinese otherwise."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from tests.registry.conftest import CODE_A

from zhaoshang.core.messages import ISSUE_MESSAGES, error_message, issue_message
from zhaoshang.registry.core import dedupe_in_file, rows
from zhaoshang.registry.models import ImportBatch
from zhaoshang.tabular.issues import RowIssue

CJK = re.compile(r"[\u4e00-\u9fff]")
BAD_CHECK = CODE_A[:-1] + ("0" if CODE_A[-1] != "0" else "1")  # the same code with a wrong check digit
HEADER = ["统一社会信用代码", "企业名称", "成立日期", "行政区划代码"]
ROWS = [
    [BAD_CHECK, "株洲甲科技有限公司", "2020-01-01", ""],
    ["", "株洲乙科技有限公司", "不是日期", ""],
    ["", "株洲丙科技有限公司", "2019-05-01", "43ab"],
]


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "\n".join(",".join(r) for r in [HEADER, *ROWS]) + "\n"
    return SimpleUploadedFile("firms.csv", text.encode("utf-8"), content_type="text/csv")


def _import(client, cast):
    client.post(reverse("registry:import_new"), {"file": _upload(), "organisation": cast.park.pk})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    content = b"".join(client.get(reverse("registry:import_report", args=[batch.pk])).streaming_content)
    report = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return batch, page, {r[2]: r[3] for r in report[1:]}


@pytest.mark.django_db
def test_a_registry_imports_findings_are_english_on_the_page_and_in_the_report(cast, client_for):
    client = client_for(cast.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    batch, page, report = _import(client, cast)
    codes = {i["code"] for i in batch.issues}
    assert {"uscc_bad_check_digit", "founded_unparseable", "region_code_invalid"} <= codes
    bad_code = f"The credit code “{BAD_CHECK}” has a wrong check digit; please check it"
    bad_date = "The founding date “不是日期” could not be read as a date"
    assert bad_code in page and bad_date in page
    assert report[BAD_CHECK] == bad_code and report["不是日期"] == bad_date
    assert report["43ab"] == "The region code “43ab” is not six digits"
    assert not any(CJK.sub("", m) != m and "不是日期" not in m for m in report.values())
    # the stored findings (the machine form) stay as the core wrote them
    assert all(CJK.search(i["message"]) for i in batch.issues)
    # the firm's flags on its page and in the list
    from zhaoshang.registry.models import Enterprise

    firm = Enterprise.objects.get(name="株洲甲科技有限公司")
    assert firm.flags[0]["code"] == "uscc_bad_check_digit"
    assert bad_code in client.get(reverse("registry:detail", args=[firm.pk])).content.decode()
    assert bad_code in client.get(reverse("registry:list")).content.decode()


@pytest.mark.django_db
def test_the_same_import_in_chinese_is_unchanged(cast, client_for):
    batch, page, report = _import(client_for(cast.owner), cast)
    stored = {i["raw"]: i["message"] for i in batch.issues}
    assert report[BAD_CHECK] == stored[BAD_CHECK] and CJK.search(report[BAD_CHECK])
    assert report["43ab"] == "行政区划代码“43ab”不是6位数字"
    assert stored[BAD_CHECK] in page and stored["不是日期"] in page
    assert "wrong check digit" not in page


@pytest.mark.django_db
def test_an_api_domain_error_answers_in_the_requests_language_with_the_same_code(cast, client_for, write_csv):
    from zhaoshang.registry.models import Enterprise
    from zhaoshang.registry.services import import_enterprises

    import_enterprises(
        cast.owner, write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "株洲甲科技有限公司"]]), cast.park
    )
    url = f"/api/enterprises/{Enterprise.objects.get().pk}/"
    client = client_for(cast.owner)
    stale = {"version": 7, "status": "注销"}  # a version never read: someone else changed the firm
    chinese = client.patch(url, stale, content_type="application/json")
    english = client.patch(url, stale, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 409
    assert chinese.json()["code"] == english.json()["code"] == "edited_by_someone_else"
    assert chinese.json()["error"].startswith("已被他人修改")
    assert english.json()["error"].startswith("Someone else changed this record")
    assert english.json()["changes"] == chinese.json()["changes"]


def _codes(module) -> set[str]:
    """The values of the module's upper-case string constants (its issue codes)."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id.isupper() and isinstance(value, ast.Constant):
            if isinstance(value.value, str) and re.fullmatch(r"[a-z_]+", value.value):
                found.add(value.value)
    return found


def test_every_issue_code_of_the_registry_core_has_an_english_sentence():
    from zhaoshang.registry import importing, parks

    codes = _codes(rows) | _codes(dedupe_in_file) | _codes(importing) | _codes(parks)
    assert {"missing_name", "uscc_bad_check_digit", "same_firm_again"} <= codes
    assert sorted(codes - set(ISSUE_MESSAGES)) == []


def test_a_finding_without_an_entry_or_a_parameter_falls_back_to_its_chinese():
    with translation.override("en"):
        unknown = RowIssue(2, "甲", "x", "no_such_code", "未知问题", "warning")
        lacking = RowIssue(
            2, "甲", "x", "founded_in_future", "成立日期晚于今天", "warning"
        )  # no "date" param
        assert issue_message(unknown) == "未知问题" and issue_message(lacking) == "成立日期晚于今天"
        future = RowIssue(2, "甲", "x", "founded_in_future", "…", "warning", {"date": "2030-01-01"})
        assert issue_message(future) == "The founding date 2030-01-01 is later than today; please check it"
    with translation.override("zh-hans"):
        assert issue_message(future) == "…"


def test_a_domain_error_is_said_by_its_code_and_params():
    from zhaoshang.registry.core.errors import CurrencyError

    with translation.override("en"):
        assert "currency XYZ" in error_message(CurrencyError("XYZ"))
    with translation.override("zh-hans"):
        assert error_message(CurrencyError("XYZ")) == "没有币种 XYZ 的折算汇率，请在设置中补充"


@pytest.mark.django_db
def test_the_webs_400_page_says_a_domain_error_in_the_users_language(rf):
    from django.contrib.auth.models import AnonymousUser

    from zhaoshang.core.errors import DomainError
    from zhaoshang.web.views import domain_error

    request = rf.get("/pipeline/99999999999999999999/")
    request.user = AnonymousUser()
    refused = DomainError("数值超出范围", code="out_of_range")
    with translation.override("en"):
        english = domain_error(request, refused)
    with translation.override("zh-hans"):
        chinese = domain_error(request, refused)
    assert english.status_code == chinese.status_code == 400
    assert (
        "A number is out of range" in english.content.decode()
        and "数值超出范围" not in english.content.decode()
    )
    assert "数值超出范围" in chinese.content.decode()
