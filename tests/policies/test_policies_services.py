"""Policies services: versioning, import/export, matching both ways with reasons, the 免申即享 pushes, the CLI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command

from zhaoshang.accounts.scoping import visible
from zhaoshang.core.models import AuditEntry
from zhaoshang.policies import services
from zhaoshang.policies.models import Clause, Policy, PolicyVersion, Push

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 6, 30, 10, 0)


def test_every_change_of_a_policy_or_clause_is_a_new_version_with_a_snapshot(cast, policy):
    assert policy.versions.count() == 3 and Policy.objects.get(pk=policy.pk).version == 3
    clause = policy.clauses.get(number="第一条")
    services.save_clause(
        cast.admin,
        policy,
        number="第一条",
        title="高企奖励",
        text=clause.text,
        no_application=True,
        amount_wan="30",
        conditions=clause.conditions,
    )
    latest = policy.versions.order_by("-version").first()
    assert latest.version == 4 and latest.changed_by == cast.admin
    assert latest.snapshot["clauses"][0]["amount_wan"] == "30.00"
    assert PolicyVersion.objects.get(policy=policy, version=3).snapshot["clauses"][0]["amount_wan"] == "20.00"
    assert AuditEntry.objects.filter(
        model="policies.clause", object_id=str(clause.pk), action="update"
    ).exists()


def test_saving_the_same_values_again_makes_no_new_version(cast, policy):
    services.save_policy(
        cast.admin,
        code="T-2026-01",
        title=policy.title,
        issuer=policy.issuer,
        valid_from=policy.valid_from,
        valid_to=policy.valid_to,
    )
    assert policy.versions.count() == 3


def test_a_clause_with_a_bad_condition_is_refused_naming_the_line(cast, policy):
    with pytest.raises(services.PoliciesError, match="第2行") as err:
        services.save_clause(
            cast.admin, policy, number="第三条", title="x", text="x", conditions="region in 43\ncolour in red"
        )
    assert err.value.code == "condition_invalid"
    assert not policy.clauses.filter(number="第三条").exists()


@time_machine.travel(TODAY, tick=False)
def test_a_firm_sees_the_clauses_it_meets_nearly_meets_and_cannot_be_judged_on_with_reasons(
    cast, policy, firms
):
    found = services.match_firm(firms["big"])
    assert [r["clause"].number for r in found["matched"]] == ["第一条", "第二条"]
    data = services.match_firm_json(firms["big"])
    rd = data["matched"][1]["conditions"][1]
    assert rd["kind"] == "rd_ratio" and rd["value"] == 5.5 and rd["status"] == "met"
    other = services.match_firm_json(firms["other"])
    (nearly,) = [r for r in other["nearly"] if r["number"] == "第一条"]
    failing = [c for c in nearly["conditions"] if c["status"] == "not_met"]
    assert failing[0]["kind"] == "qualification" and failing[0]["reason"] == "expired"
    small = services.match_firm_json(firms["small"])
    assert [r["number"] for r in small["nearly"]] == ["第一条", "第二条"]
    second = small["nearly"][1]["conditions"]
    assert [c["status"] for c in second] == ["not_met", "unknown", "unknown"]
    assert second[0]["value"] == "6510" and second[1]["missing"] == "rd_ratio"
    blank = services.match_firm_json(firms["blank"])
    (unknown,) = blank["unknown"]
    assert unknown["number"] == "第二条"
    assert [c["missing"] for c in unknown["conditions"]] == ["industry_code", "rd_ratio", "revenue_wan"]


@time_machine.travel(TODAY, tick=False)
def test_a_clause_finds_its_firms_and_pushes_them_once(cast, policy, firms):
    clause = policy.clauses.get(number="第一条")
    result = services.push_clause(cast.service, clause)
    assert result == {"eligible": 1, "new": 1, "already": 0}
    push = Push.objects.get()
    assert (
        push.enterprise == firms["big"]
        and push.organisation == cast.park
        and push.eligible_on == dt.date(2026, 6, 30)
    )
    assert services.push_clause(cast.service, clause) == {"eligible": 1, "new": 0, "already": 1}
    assert AuditEntry.objects.filter(model="policies.push", note="免申即享推送").count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_push_is_notified_then_paid_with_days_from_eligibility_to_payment(cast, policy, firms):
    clause = policy.clauses.get(number="第一条")
    with time_machine.travel(dt.datetime(2026, 6, 1, 10), tick=False):
        services.push_clause(cast.service, clause)
    push = Push.objects.get()
    services.assign_pushes(cast.service, [push], cast.service)
    services.record_push(cast.service, push, state="notified", on=dt.date(2026, 6, 3))
    with pytest.raises(services.PoliciesError) as err:
        services.record_push(cast.service, push, state="paid", on=dt.date(2026, 6, 25))
    assert err.value.code == "amount_required"
    services.record_push(cast.service, push, state="paid", on=dt.date(2026, 6, 25), amount_wan="20")
    push.refresh_from_db()
    assert push.days_to_payment == 24 and push.amount_wan == Decimal("20") and push.assignee == cast.service
    figures = services.push_figures(Push.objects.all())
    assert figures["median_days_to_payment"] == 24.0 and figures["counts"]["paid"] == 1


@time_machine.travel(TODAY, tick=False)
def test_pushes_are_scoped_to_the_firms_organisation(cast, policy, firms):
    services.save_clause(
        cast.admin, policy, number="第三条", title="全市", text="全市企业。", conditions="region in 4302"
    )
    services.push_clause(cast.service, policy.clauses.get(number="第三条"))
    assert visible(cast.owner, Push.objects.all()).count() == 3
    assert set(visible(cast.outsider, Push.objects.all()).values_list("enterprise__name", flat=True)) == {
        "乙园区制造有限公司"
    }
    assert not visible(cast.handler, Push.objects.all()).exists()
    assert not visible(cast.owner, Push.objects.all(), "change").exists()


def test_a_policy_expired_cannot_be_pushed(cast, firms):
    p, _ = services.save_policy(
        cast.admin,
        code="OLD-1",
        title="旧政策",
        issuer="x",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2021, 1, 1),
    )
    clause = services.save_clause(cast.admin, p, number="一", title="x", text="x", conditions="region in 43")
    with pytest.raises(services.PoliciesError) as err:
        services.push_clause(cast.service, clause)
    assert err.value.code == "not_in_force"


def test_policies_round_trip_through_xlsx_and_yaml_and_a_rerun_changes_nothing(cast, policy, tmp_path):
    for suffix in ("xlsx", "yaml"):
        path = services.export_policies(Policy.objects.all(), tmp_path / f"p.{suffix}")
        result = services.import_policies(cast.admin, path)
        assert (
            result.issues == []
            and result.policies_created == 0
            and result.policies_updated == 0
            and result.clauses == 2
        )
    assert Policy.objects.get().version == 3
    Clause.objects.all().delete()
    Policy.objects.all().delete()
    result = services.import_policies(cast.admin, tmp_path / "p.xlsx")
    assert result.policies_created == 1 and Clause.objects.get(number="第二条").conditions[1] == {
        "kind": "rd_ratio",
        "min": 5.0,
    }


def test_an_import_with_a_bad_row_writes_nothing_and_names_the_row(cast, tmp_path):
    import xlsxwriter

    path = tmp_path / "bad.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate(
        [
            ["政策文号", "政策名称", "发布机关", "条款号", "条款原文", "条件"],
            ["A-1", "甲政策", "甲局", "第一条", "原文", "capital >= 100"],
            ["A-1", "甲政策", "甲局", "第二条", "原文", "capital >= lots"],
        ]
    ):
        sheet.write_row(r, 0, row)
    book.close()
    result = services.import_policies(cast.admin, path)
    assert result.issues and result.issues[0]["row"] == 3 and result.issues[0]["field"] == "条件"
    assert not Policy.objects.exists()
    dry = services.import_policies(cast.admin, tmp_path / "bad.xlsx", dry_run=True)
    assert not Policy.objects.exists() and dry.issues


def test_the_export_neutralises_formulas(cast, tmp_path):
    from python_calamine import CalamineWorkbook

    p, _ = services.save_policy(cast.admin, code="F-1", title='=HYPERLINK("x")', issuer="+1")
    services.save_clause(cast.admin, p, number="一", title="@x", text="-2+3")
    path = services.export_policies(Policy.objects.all(), tmp_path / "f.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[1][1].startswith("'=") and rows[1][2] == "'+1" and rows[1][8] == "'-2+3"


@time_machine.travel(TODAY, tick=False)
def test_the_cli_matches_a_firm_by_credit_code_and_prints_only_json(cast, policy, firms, capsys):
    call_command("policies", "match", firms["big"].uscc, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["firm"]["name"] == "甲园区大型制造有限公司" and len(data["matched"]) == 2
    call_command("policies", "match", "乙园区制造")
    assert "差一项" in capsys.readouterr().out
    with pytest.raises(CommandError, match="找不到企业"):
        call_command("policies", "match", "不存在的公司")


def test_the_cli_imports_a_yaml_file(cast, tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text(
        "policies:\n- code: Y-1\n  title: 乙政策\n  issuer: 乙局\n  clauses:\n  - number: 第一条\n    title: 奖励\n    text: 原文\n"
        "    conditions:\n    - {kind: employees, min: 10}\n",
        encoding="utf-8",
    )
    call_command("policies", "import", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["clauses"] == 1
    assert Clause.objects.get().conditions == [{"kind": "employees", "min": 10.0}]


def test_the_cli_import_writes_the_rows_with_problems_to_an_xlsx(cast, tmp_path):
    from python_calamine import CalamineWorkbook

    path = tmp_path / "bad.csv"
    path.write_text(
        "政策文号,政策名称,条款号,条款原文,条件\nC-1,甲,第一条,原文,colour in red\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="未导入"):
        call_command("policies", "import", str(path), "--errors", str(tmp_path / "errors.xlsx"))
    rows = CalamineWorkbook.from_path(str(tmp_path / "errors.xlsx")).get_sheet_by_index(0).to_python()
    assert rows[0] == ["行号", "字段", "原因"] and rows[1][0] == 2 and "colour" in rows[1][2]
    assert not Policy.objects.exists()
