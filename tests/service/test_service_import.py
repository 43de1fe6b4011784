"""The 12345 import: header variants, Excel and text dates, bad rows, idempotent re-import, departments and firms."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

HEADER = [
    "工单编号",
    "受理时间",
    "企业名称",
    "统一社会信用代码",
    "诉求类型",
    "诉求内容",
    "承办单位",
    "响应时间",
    "办结时间",
    "是否解决",
    "满意度",
    "办理时限",
]


def run(path, *extra) -> dict:
    out = StringIO()
    call_command("service", "import", str(path), "--json", *extra, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def rows():
    return [
        [
            "GD001",
            datetime(2025, 1, 24, 9),
            "测试甲机械有限公司",
            "",
            "用地",
            "园区路灯不亮",
            "自然资源局",
            datetime(2025, 1, 26, 10),
            datetime(2025, 2, 7, 17),
            "是",
            "满意",
            5,
        ],
        [
            "GD002",
            "2025/1/24 10:00",
            "测试乙电子有限公司",
            "",
            "水电气",
            "路灯坏了不亮",
            "市城管局",
            "2025-01-27 10:00",
            "2025-02-10 09:00",
            "否",
            "不满意",
            "5个工作日",
        ],
        [
            "GD003",
            "2025年1月27日 8时",
            "测试丙科技有限公司",
            "",
            "配套",
            "晚上路灯一直不亮",
            "市城管局",
            None,
            None,
            None,
            None,
            None,
        ],
        ["GD004", "不是日期", "测试丁公司", "", "其他", "x", "", None, None, None, None, None],
        [
            "GD006",
            "2025-02-10 09:00",
            "测试戊公司",
            "",
            "审批",
            "施工许可",
            "市城管局",
            "2025-02-10 10:00",
            "2025-02-11 09:00",
            "部分解决",
            "基本满意",
            "2025-02-12",
        ],
    ]


def test_it_imports_an_export_and_reports_the_bad_row_by_number(desk, write_export):
    result = run(write_export(rows(), HEADER))
    assert (result["read"], result["created"], result["rejected"]) == (5, 4, 1)
    assert result["issues"][0]["row"] == 5
    assert "受理时间" in result["issues"][0]["message"]


def test_an_imported_row_is_kept_as_the_export_states_it(desk, write_export):
    from zhaoshang.service.models import Appeal

    run(write_export(rows(), HEADER))
    first = Appeal.objects.get(ticket="GD001")
    assert first.department == desk.dept  # matched by name
    assert (first.status, first.result, first.satisfaction) == ("closed", "solved", "satisfied")
    assert first.responded_in_time and first.closed_on_time
    assert first.handling_due.isoformat() == "2025-02-07"  # 办理时限 5 overrides 用地's 10 days
    second = Appeal.objects.get(ticket="GD002")
    assert second.satisfaction == "unsatisfied" and second.reopen_count == 0 and second.status == "closed"
    assert not second.responded_in_time and not second.closed_on_time
    sixth = Appeal.objects.get(ticket="GD006")
    assert (
        sixth.handling_due.isoformat() == "2025-02-12" and sixth.closed_on_time and sixth.result == "partly"
    )


def test_re_importing_the_same_file_changes_nothing(desk, write_export):
    from zhaoshang.core.models import AuditEntry

    path = write_export(rows(), HEADER)
    run(path)
    entries = AuditEntry.objects.count()
    again = run(path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert AuditEntry.objects.count() == entries


def test_a_later_export_updates_an_appeal_by_its_ticket(desk, write_export):
    from zhaoshang.service.models import Appeal

    run(write_export(rows(), HEADER))
    later = rows()
    later[2][7:11] = ["2025-01-27 09:00", "2025-01-29 09:00", "已解决", "非常满意"]
    result = run(write_export(later, HEADER, name="later.xlsx"))
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 3)
    third = Appeal.objects.get(ticket="GD003")
    assert third.status == "closed" and third.satisfaction == "satisfied"


def test_a_dry_run_writes_nothing(desk, write_export):
    from zhaoshang.registry.models import Enterprise
    from zhaoshang.service.models import Appeal

    firms = Enterprise.objects.count()
    result = run(write_export(rows(), HEADER), "--dry-run")
    assert result["created"] == 4 and result["dry_run"]
    assert Appeal.objects.count() == 0 and Enterprise.objects.count() == firms


def test_an_unknown_department_is_created_under_the_city_and_flagged(desk, write_export):
    from zhaoshang.accounts.models import Organisation
    from zhaoshang.service.models import DepartmentReview

    result = run(write_export(rows(), HEADER))
    assert result["departments_created"] == 1
    created = Organisation.objects.get(name="市城管局")
    assert created.parent == desk.city and created.kind == "department"
    assert DepartmentReview.objects.filter(organisation=created, confirmed_at__isnull=True).exists()


def test_firms_are_linked_by_code_then_name_and_unknown_ones_flagged(desk, write_export):
    from zhaoshang.registry.models import Enterprise
    from zhaoshang.registry.services import ensure_enterprise

    known = ensure_enterprise(None, name="测试甲机械有限公司", organisation=desk.park, source="test")
    Enterprise.objects.filter(pk=known.pk).update(flags=[])
    run(write_export(rows(), HEADER))
    known.refresh_from_db()
    assert known.appeals.count() == 1 and known.flags == []
    stranger = Enterprise.objects.get(name="测试乙电子有限公司")
    assert stranger.flags[0]["code"] == "needs_review"
    assert Enterprise.objects.filter(name="测试乙电子有限公司").count() == 1


def test_header_variants_and_a_csv_are_read(desk, write_export):
    header = ["工单号", "来电时间", "企业名称", "问题描述", "办结时限", "是否解决", "办结时间"]
    path = write_export(
        [["X1", "2025-03-03 08:00", "测试己公司", "用工难", "3天", "已解决", "2025-03-05"]],
        header,
        name="v.csv",
    )
    result = run(path)
    assert result["created"] == 1 and result["rejected"] == 0


def test_a_file_without_a_ticket_column_is_refused_whole(desk, write_export):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="工单编号"):
        run(write_export([["2025-01-01", "甲"]], ["受理时间", "企业名称"]))


def test_a_duplicate_ticket_in_one_file_is_rejected(desk, write_export):
    dup = rows()[:1] + [rows()[0]]
    result = run(write_export(dup, HEADER))
    assert result["created"] == 1 and result["rejected"] == 1
    assert result["issues"][0]["code"] == "ticket_duplicate"


def test_a_directory_file_creates_departments_and_handlers_so_routing_works(desk, write_export):
    from zhaoshang.accounts.models import Organisation, User

    header = ["单位名称", "单位代码", "上级单位", "单位类型", "用户名", "姓名", "角色", "职务"]
    rows = [
        ["市城管局", "cg", "", "部门", "cg-wang", "王五", "部门办理人", "科长"],
        ["市城管局环卫处", "", "cg", "部门", "", "", "", ""],
    ]
    out = StringIO()
    call_command(
        "service", "directory", str(write_export(rows, header, name="dir.xlsx")), "--json", stdout=out
    )
    assert json.loads(out.getvalue())["users"] == 1
    cg = Organisation.objects.get(code="cg")
    assert cg.parent == desk.city and Organisation.objects.get(name="市城管局环卫处").parent == cg
    assert User.objects.get(username="cg-wang").role == "department_handler"
    result = run(write_export(rows_with_department("市城管局"), HEADER, name="e.xlsx"))
    assert result["departments_created"] == 0


def rows_with_department(name):
    return [
        ["GD9", "2025-03-03 09:00", "测试甲公司", "", "配套", "路灯不亮", name, None, None, None, None, None]
    ]


def test_a_directory_row_with_an_unknown_parent_writes_nothing(desk, write_export):
    from django.core.management.base import CommandError

    from zhaoshang.accounts.models import Organisation

    header = ["单位名称", "上级单位"]
    with pytest.raises(CommandError):
        call_command(
            "service",
            "directory",
            str(write_export([["甲局", ""], ["乙处", "不存在的局"]], header, name="d.xlsx")),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert not Organisation.objects.filter(name="甲局").exists()


def test_the_findings_are_said_in_english_by_code_and_in_chinese_as_written(desk, write_export):
    from django.utils import translation

    from zhaoshang.core.messages import issue_message

    result = run(write_export([*rows(), rows()[0]], HEADER))
    by_code = {i["code"]: i for i in result["issues"]}
    with translation.override("en"):
        assert (
            issue_message(by_code["ticket_duplicate"]) == "Row 7, 工单编号: the ticket number repeats row 2"
        )
        assert (  # the core's reason (its code is the finding's kind), not only "could not be read"
            issue_message(by_code["value_unreadable"])
            == "Row 5, 受理时间: the date-time “不是日期” could not be read; write it like “2024-01-05 09:30”"
        )
    with translation.override("zh-hans"):
        assert issue_message(by_code["ticket_duplicate"]) == "第7行 工单编号：工单编号与第2行重复"
