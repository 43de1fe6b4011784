"""Policies in the user's language: the conditions core's errors carry codes and parameters said in English by
the edge, the services, import findings, command, pages and API say them in English to an English user and, to
a Chinese user, exactly the Chinese they said before."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from zhaoshang.core.messages import error_message
from zhaoshang.policies import services
from zhaoshang.policies.core import conditions as c
from zhaoshang.policies.messages import condition_message
from zhaoshang.policies.models import Policy, Push

TODAY = dt.datetime(2026, 6, 30, 10, 0)
KINDS = ", ".join(c.KINDS)
BAD_CSV = "政策文号,政策名称,条款号,条款原文,条件\nC-1,甲,第一条,原文,colour in red\n"


def _said(exc: BaseException, language: str, say=error_message) -> str:
    with translation.override(language):
        return say(exc)


def test_the_conditions_cores_errors_are_english_for_an_english_user_and_unchanged_in_chinese():
    with pytest.raises(c.ConditionError) as reversed_:
        c.validate_condition({"kind": "capital", "min": 10, "max": 5})
    assert reversed_.value.code == "condition_bounds_reversed"
    assert (
        _said(reversed_.value, "en") == "The minimum of the condition “capital” is greater than its maximum"
    )
    assert _said(reversed_.value, "zh-hans") == "条件「注册资本」的下限大于上限"

    with pytest.raises(c.ConditionError) as unknown:
        c.validate_condition({"kind": "colour"})
    assert _said(unknown.value, "en") == f"Unknown kind of condition “colour”; available: {KINDS}"
    assert _said(unknown.value, "zh-hans") == f"未知的条件类型「colour」；可用：{'、'.join(c.KINDS)}"

    with pytest.raises(c.ConditionError) as syntax:
        c.parse_condition_line("employees 50")
    assert _said(syntax.value, "en") == (
        "Write the condition “employees 50” as “employees >= number”, “employees <= number” or “employees min..max”"
    )


def test_a_condition_lines_error_names_the_line_and_says_its_own_reason_in_the_users_language():
    with pytest.raises(c.ConditionError) as err:
        c.parse_conditions("region in 4302\ncapital >= lots")
    assert err.value.code == "condition_line_invalid" and err.value.params["line"] == 2
    assert _said(err.value, "en", condition_message) == (
        "Line 2: The min of the condition “capital” is not a number: 'lots'"
    )
    assert _said(err.value, "zh-hans", condition_message) == "第2行：条件「注册资本」的min不是数字：'lots'"


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_the_services_refuse_in_the_users_language_and_keep_their_codes(cast, policy, firms):
    clause = policy.clauses.get(number="第一条")
    for language, expected in (
        ("en", f"Line 1: Unknown kind of condition “x”; available: {KINDS}"),
        ("zh-hans", f"第1行：未知的条件类型「x」；可用：{'、'.join(c.KINDS)}"),
    ):
        with translation.override(language), pytest.raises(services.PoliciesError) as err:
            services.save_clause(cast.admin, policy, number="第一条", text="原文", conditions="x")
        assert err.value.code == "condition_invalid" and err.value.message == expected
    services.push_clause(cast.service, clause)
    push = Push.objects.get()
    with translation.override("en"), pytest.raises(services.PoliciesError) as err:
        services.record_push(cast.service, push, state="paid")
    assert err.value.code == "amount_required" and err.value.message == "A payment needs its amount"
    with translation.override("zh-hans"), pytest.raises(services.PoliciesError) as err:
        services.record_push(cast.service, push, state="paid")
    assert err.value.message == "兑现需要填写金额"
    with translation.override("en"), pytest.raises(services.PoliciesError) as err:
        services.find_firm("不存在的公司")
    assert err.value.message == "No firm “不存在的公司” was found"


@pytest.mark.django_db
def test_the_import_findings_are_english_for_an_english_user_and_unchanged_in_chinese(cast, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV + ",乙,第二条,原文,\n", encoding="utf-8")
    with translation.override("en"):
        english = services.import_policies(cast.admin, path).issues
    with translation.override("zh-hans"):
        chinese = services.import_policies(cast.admin, path).issues
    assert {
        "row": 3,
        "field": "Policy document number",
        "reason": "The policy document number is missing",
    } in english
    assert {
        "row": 2,
        "field": "Conditions",
        "reason": f"Line 1: Unknown kind of condition “colour”; available: {KINDS}",
    } in english
    assert {"row": 3, "field": "政策文号", "reason": "缺少政策文号"} in chinese
    assert {
        "row": 2,
        "field": "条件",
        "reason": f"第1行：未知的条件类型「colour」；可用：{'、'.join(c.KINDS)}",
    } in chinese
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_the_command_says_its_findings_and_errors_in_the_active_language(cast, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError, match="^1 problems: nothing was imported$"):
        call_command("policies", "import", str(path), "--errors", str(tmp_path / "errors.xlsx"))
    assert "Row 2 · Conditions · Line 1: Unknown kind of condition “colour”" in capsys.readouterr().err
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(tmp_path / "errors.xlsx")).get_sheet_by_index(0).to_python()
    assert rows[0] == ["Row number", "Field", "Reason it was refused"]
    with translation.override("en"), pytest.raises(CommandError, match="^No firm “x” was found$"):
        call_command("policies", "match", "x")
    with translation.override("zh-hans"), pytest.raises(CommandError, match="^找不到企业「x」$"):
        call_command("policies", "match", "x")
    with translation.override("zh-hans"), pytest.raises(CommandError, match="^1 处问题，未导入任何内容$"):
        call_command("policies", "import", str(path))
    assert "第2行 · 条件 · 第1行：未知的条件类型「colour」" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_clause_form_and_the_import_page_say_a_bad_condition_in_english_to_an_english_user(
    cast, client_for, policy
):
    clause = policy.clauses.get(number="第一条")
    admin = client_for(cast.admin)
    admin.post("/i18n/setlang/", {"language": "en", "next": "/"})
    bad = admin.post(
        f"/policies/clauses/{clause.pk}/edit/",
        {"title": "x", "text": "原文", "conditions": "capital >= lots"},
    )
    page = bad.content.decode()
    assert bad.status_code == 400 and "Line 1: The min of the condition “capital” is not a number" in page
    assert "不是数字" not in page
    upload = SimpleUploadedFile("p.csv", BAD_CSV.encode())
    imported = admin.post("/policies/import/", {"file": upload})
    page = imported.content.decode()
    assert imported.status_code == 400 and "Row 2 · Conditions · Line 1: Unknown kind of condition" in page
    assert "未知的条件类型" not in page


@pytest.mark.django_db
def test_the_clause_form_is_unchanged_for_a_chinese_user(cast, client_for, policy):
    clause = policy.clauses.get(number="第一条")
    bad = client_for(cast.admin).post(
        f"/policies/clauses/{clause.pk}/edit/",
        {"title": "x", "text": "原文", "conditions": "capital >= lots"},
    )
    assert (
        bad.status_code == 400
        and "第1行：条件「注册资本」的min不是数字：&#x27;lots&#x27;" in bad.content.decode()
    )


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_the_push_api_says_a_refusal_in_english_to_an_english_user(cast, client_for, policy, firms):
    services.push_clause(cast.service, policy.clauses.get(number="第一条"))
    push = Push.objects.get()
    api = client_for(cast.service)
    bad = api.patch(f"/api/policy-pushes/{push.pk}/", {"state": "paid"}, content_type="application/json")
    assert bad.json() == {"error": "兑现需要填写金额", "code": "amount_required"}
    api.post("/i18n/setlang/", {"language": "en", "next": "/"})
    bad = api.patch(f"/api/policy-pushes/{push.pk}/", {"state": "paid"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json() == {"error": "A payment needs its amount", "code": "amount_required"}


def test_a_rule_is_said_in_english_to_an_english_user_and_in_the_cores_words_in_chinese():
    from zhaoshang.policies.messages import describe, kind_label

    rules = [
        {"kind": "employees", "min": 50.0, "max": 500.0},
        {"kind": "capital", "min": 1000.0},
        {"kind": "qualification", "any": ["高新技术企业", "专精特新"]},
        {"kind": "region", "in": ["4302", "430211"]},
    ]
    with translation.override("en"):
        assert [describe(r) for r in rules] == [
            "Employees between 50 and 500 people",
            "Registered capital at least 1000 10k CNY",
            "Holds the qualification 高新技术企业 or 专精特新 (valid on the day)",
            "Registered region in: 4302, 430211",
        ]
        assert kind_label("rd_ratio") == "R&D spending share of revenue"
    with translation.override("zh-hans"):
        assert [describe(r) for r in rules] == [c.describe(r) for r in rules]
        assert describe(rules[0]) == "从业人数在50至500人之间" and kind_label("rd_ratio") == "研发投入占比"


@pytest.mark.django_db
def test_the_policy_page_shows_the_rules_in_english_to_an_english_user(cast, client_for, policy):
    officer = client_for(cast.officer)
    officer.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = officer.get(f"/policies/{policy.pk}/").content.decode()
    assert "Holds the qualification 高新技术企业 (valid on the day)" in html
    assert "R&amp;D spending share of revenue at least 5 %" in html
    assert "资质（在有效期内）" not in html
