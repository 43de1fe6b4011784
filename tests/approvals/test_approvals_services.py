"""Approvals services: opening a case from the template, recording items with trips and stamps, the timeline
moving, promises and their escalation, and scoping by role."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhaoshang.accounts.scoping import visible
from zhaoshang.approvals import services
from zhaoshang.approvals.models import ApprovalCase, ApprovalItem, Promise
from zhaoshang.core.models import AuditEntry

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 3, 20, 10, 0)


@time_machine.travel(TODAY, tick=False)
def test_a_case_opened_for_a_signed_project_has_the_template_items_with_their_departments(
    cast, signed_project, departments
):
    project = signed_project()
    case = services.open_case(cast.service, project)
    items = list(case.items.all())
    assert len(items) == 15 and case.start == project.signed_date
    assert case.service_organisation == cast.service.organisation
    site = case.items.get(code="site")
    assert site.department == departments["nr"] and site.prerequisites == ["filing"]
    assert (
        case.items.get(code="eia").department is None
        and case.items.get(code="eia").department_name == "生态环境"
    )
    assert AuditEntry.objects.filter(model="approvals.approvalcase", object_id=str(case.pk)).exists()


def test_a_case_cannot_be_opened_before_signing_or_twice(cast, signed_project, departments):
    from zhaoshang.pipeline.services import create_project

    lead = create_project(
        cast.owner,
        name="未签约项目",
        organisation=cast.park,
        owner=cast.owner,
        investor_name="某投资方有限公司",
    )
    with pytest.raises(services.ApprovalsError, match="尚未签约"):
        services.open_case(cast.service, lead)
    project = signed_project()
    services.open_case(cast.service, project)
    with pytest.raises(services.ApprovalsError) as err:
        services.open_case(cast.service, project)
    assert err.value.code == "case_exists"


@time_machine.travel(TODAY, tick=False)
def test_recording_an_item_done_with_one_trip_moves_the_timeline(cast, signed_project, departments):
    case = services.open_case(cast.service, signed_project())
    filing = case.items.get(code="filing")
    before = services.case_timeline(case)
    services.update_item(cast.service, filing, state="in_progress", started_on=dt.date(2026, 3, 2))
    services.update_item(
        cast.service, filing, state="done", done_on=dt.date(2026, 3, 3), add_trips=1, add_stamps=2
    )
    after = services.case_timeline(case)
    filing.refresh_from_db()
    assert filing.trips == 1 and filing.stamps == 2 and filing.state == "done"
    assert after.item("filing").expected_finish == dt.date(2026, 3, 3)
    assert before.item("filing").expected_finish != after.item("filing").expected_finish
    summary = services.case_summary(case)
    assert (
        summary["trips"]["trips"] == 1
        and summary["trips"]["trips_saved"] == summary["trips"]["baseline_trips"] - 1
    )


@time_machine.travel(TODAY, tick=False)
def test_an_item_cannot_start_before_its_prerequisites_unless_they_run_on_a_promise(
    cast, signed_project, departments
):
    case = services.open_case(cast.service, signed_project())
    with pytest.raises(services.ApprovalsError, match="前置事项尚未办结"):
        services.update_item(cast.service, case.items.get(code="site"), state="in_progress")
    services.update_item(
        cast.service,
        case.items.get(code="filing"),
        state="done",
        done_on=dt.date(2026, 3, 4),
        started_on=dt.date(2026, 3, 2),
    )
    eia = case.items.get(code="eia")
    services.update_item(cast.service, eia, state="in_progress", promise=True)
    services.update_item(cast.service, case.items.get(code="discharge"), state="in_progress")
    assert case.items.get(code="discharge").state == "in_progress"
    with pytest.raises(services.ApprovalsError) as err:
        services.update_item(cast.service, case.items.get(code="site"), promise=True)
    assert err.value.code == "promise_not_allowed"


@time_machine.travel(TODAY, tick=False)
def test_a_done_date_in_the_future_or_before_the_start_is_refused(cast, signed_project, departments):
    case = services.open_case(cast.service, signed_project())
    filing = case.items.get(code="filing")
    with pytest.raises(services.ApprovalsError):
        services.update_item(cast.service, filing, state="done", done_on=dt.date(2026, 4, 1))
    with pytest.raises(services.ApprovalsError):
        services.update_item(
            cast.service, filing, state="done", started_on=dt.date(2026, 3, 10), done_on=dt.date(2026, 3, 5)
        )


@time_machine.travel(TODAY, tick=False)
def test_city_figures_count_trips_per_project_and_show_who_holds_what(cast, signed_project, departments):
    a = services.open_case(cast.service, signed_project())
    b = services.open_case(cast.service, signed_project())
    services.update_item(
        cast.service,
        a.items.get(code="filing"),
        state="done",
        started_on=dt.date(2026, 3, 2),
        done_on=dt.date(2026, 3, 3),
        add_trips=2,
    )
    services.update_item(
        cast.service,
        a.items.get(code="site"),
        state="in_progress",
        started_on=dt.date(2026, 3, 4),
        add_trips=1,
    )
    services.update_item(
        cast.service,
        b.items.get(code="filing"),
        state="in_progress",
        started_on=dt.date(2026, 3, 2),
        add_trips=3,
    )
    data = services.city_figures(ApprovalCase.objects.all())
    (ptype,) = data["per_project_type"]
    assert ptype["cases"] == 2 and ptype["trips_per_project"] == 3.0
    held = {row["department"]: row for row in data["held"]}
    assert held["测试市自然资源和规划局"]["projects"] == 1
    assert held["发展和改革"]["items"][0]["late"] is True  # filing, 3 working days, started 2 March


@time_machine.travel(TODAY, tick=False)
def test_an_overdue_promise_escalates_to_its_department_and_each_level_is_told_once(
    cast, signed_project, departments
):
    project = signed_project()
    late = services.create_promise(
        cast.owner,
        project,
        title="交付净地",
        department=departments["nr"],
        deadline=dt.date(2026, 3, 10),
        kind="land",
    )
    services.create_promise(
        cast.owner, project, title="道路建成", department=departments["nr"], deadline=dt.date(2026, 6, 1)
    )
    escalations = services.due_escalations()
    assert [(e["promise"], e["level"]) for e in escalations] == [(late, "department"), (late, "team_leader")]
    assert cast.handler in escalations[0]["users"]
    assert "逾期10天" in escalations[0]["message"]
    services.mark_told(escalations)
    assert services.due_escalations() == []


def test_a_promise_is_fulfilled_only_with_evidence(cast, signed_project, departments):
    promise = services.create_promise(
        cast.owner,
        signed_project(),
        title="补助首期",
        department=departments["nr"],
        deadline=dt.date(2026, 5, 1),
    )
    with pytest.raises(services.ApprovalsError) as err:
        services.update_promise(cast.owner, promise, state="fulfilled")
    assert err.value.code == "evidence_required"
    services.update_promise(
        cast.owner, promise, state="fulfilled", evidence="拨付凭证", fulfilled_on=dt.date(2026, 4, 2)
    )
    promise.refresh_from_db()
    assert promise.state == "fulfilled" and promise.fulfilled_on == dt.date(2026, 4, 2)


def test_cases_and_items_are_scoped_by_role(cast, signed_project, departments):
    case = services.open_case(cast.service, signed_project(team=cast.park))
    assert visible(cast.owner, ApprovalCase.objects.all()).filter(pk=case.pk).exists()
    assert not visible(cast.outsider, ApprovalCase.objects.all()).exists()
    assert not visible(cast.handler, ApprovalCase.objects.all()).exists()
    handler_items = visible(cast.handler, ApprovalItem.objects.all(), "change")
    assert set(handler_items.values_list("code", flat=True)) == {
        "site",
        "land_contract",
        "land_planning",
        "property",
        "construction_planning",
    }
    assert not visible(cast.outsider, ApprovalItem.objects.all()).exists()
    assert not visible(cast.owner, ApprovalItem.objects.all(), "change").exists()
    promise = services.create_promise(
        cast.owner, case.project, title="交付净地", department=departments["nr"], deadline=dt.date(2026, 5, 1)
    )
    assert not visible(cast.outsider, Promise.objects.all()).exists()
    assert visible(cast.handler, Promise.objects.all(), "change").get() == promise


def test_projects_for_a_new_case_follow_the_role(cast, signed_project, departments):
    mine = signed_project(team=cast.park)
    other = signed_project(team=cast.other_park, actor=cast.outsider)
    assert set(services.projects_for_new_case(cast.service)) == {mine, other}
    assert set(services.projects_for_new_case(cast.owner)) == {mine}
    assert not services.projects_for_new_case(cast.handler).exists()
    assert not services.projects_for_new_case(cast.leader).exists()


@time_machine.travel(dt.datetime(2025, 9, 26, 10), tick=False)
def test_legal_limits_count_working_days_on_the_shared_calendar_across_the_national_day_holiday(
    cast, signed_project, departments
):
    # signed Friday 26 September 2025: Sunday the 28th is a make-up working day, 1–8 October are holidays
    case = services.open_case(cast.service, signed_project(signed=dt.date(2025, 9, 26)))
    tl = services.case_timeline(case)
    assert tl.item("filing").planned_finish == dt.date(2025, 9, 30)  # 3 working days: Sunday 28th, 29th, 30th
    # the site opinion (20 working days) starts on the 30th and skips the whole holiday: 9 October is day 1
    assert tl.item("site").planned_finish == services.calendar().add_working_days(dt.date(2025, 10, 8), 20)
    assert services.calendar().add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)


@time_machine.travel(TODAY, tick=False)
def test_promises_not_kept_by_the_meeting_appear_in_the_meeting_pack(cast, signed_project, departments):
    from zhaoshang.pipeline.services import meeting_pack

    project = signed_project()
    services.create_promise(
        cast.owner, project, title="交付净地", department=departments["nr"], deadline=dt.date(2026, 3, 10)
    )
    pack = meeting_pack(None, dt.date(2026, 3, 1), dt.date(2026, 3, 20))
    text = repr(pack)
    assert "【政府承诺】交付净地" in text


@time_machine.travel(TODAY, tick=False)
def test_the_cli_prints_the_escalations_as_json_and_marks_them_told(
    cast, signed_project, departments, capsys
):
    import json

    from django.core.management import call_command

    services.create_promise(
        cast.owner,
        signed_project(),
        title="交付净地",
        department=departments["nr"],
        deadline=dt.date(2026, 3, 18),
    )
    call_command("approvals", "escalations", "--json", "--mark-told")
    (row,) = json.loads(capsys.readouterr().out)
    assert row["level"] == "department" and row["days_overdue"] == 2 and cast.handler.username in row["users"]
    call_command("approvals", "escalations", "--json")
    assert json.loads(capsys.readouterr().out) == []


def test_a_template_loaded_from_yaml_is_used_for_new_cases_and_a_cycle_is_refused(
    cast, signed_project, departments, tmp_path
):
    from django.core.management import CommandError, call_command

    path = tmp_path / "t.yaml"
    path.write_text(
        "project_type: industrial\nname: 工业项目（带方案）\nitems:\n"
        "- {code: a, name: 备案, department: 发展和改革, limit_days: 2}\n"
        "- {code: b, name: 施工许可, department: 住房和城乡建设, limit_days: 5, prerequisites: [a], milestone: licence}\n",
        encoding="utf-8",
    )
    call_command("approvals", "template", str(path))
    case = services.open_case(cast.service, signed_project())
    assert list(case.items.values_list("code", flat=True)) == ["a", "b"]
    assert case.items.get(code="b").department == departments["housing"]
    path.write_text(
        "project_type: industrial\nname: x\nitems:\n- {code: a, name: 甲, department: d, limit_days: 1, prerequisites: [b]}\n"
        "- {code: b, name: 乙, department: d, limit_days: 1, prerequisites: [a]}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="循环"):
        call_command("approvals", "template", str(path))


@time_machine.travel(TODAY, tick=False)
def test_the_reminder_job_tells_the_department_of_an_overdue_promise_once(cast, signed_project, departments):
    from zhaoshang.notifications.models import Notification
    from zhaoshang.notifications.services import run_reminders

    late = services.create_promise(
        cast.owner,
        signed_project(),
        title="交付净地",
        department=departments["nr"],
        deadline=dt.date(2026, 3, 10),
    )
    run_reminders(TODAY.date())
    told = Notification.objects.filter(kind="promise_department", user=cast.handler)
    assert (
        told.count() == 1 and "交付净地" in told[0].text and told[0].url == f"/approvals/promises/{late.pk}/"
    )
    assert services.due_escalations() == []  # every level handed to the job is marked told
