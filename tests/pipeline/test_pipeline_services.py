from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from zhaoshang.core.models import AuditEntry
from zhaoshang.pipeline import services
from zhaoshang.pipeline.models import CoordinationItem, FollowUp, ItemEvent, Project, StageEvent, Task

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
FRIDAY = dt.date(2026, 3, 6)


# --- stages ------------------------------------------------------------------------------------------------


def test_a_new_project_is_a_lead_with_its_investor_created_in_the_registry(cast, make_project):
    project = make_project(
        "锂电池正极材料项目", investor_name="湖南某某新材料有限公司", planned_investment_wan=Decimal("50000")
    )
    assert project.stage == "lead"
    assert project.investor.name == "湖南某某新材料有限公司"
    assert project.investor.organisation == cast.park
    assert StageEvent.objects.get(project=project).to_stage == "lead"
    assert AuditEntry.objects.filter(
        model="pipeline.project", object_id=str(project.pk), action="create"
    ).exists()


def test_entering_signed_says_what_is_missing_and_writes_nothing(cast, make_project):
    project = make_project()
    with pytest.raises(services.StageRequirementsMissing) as caught:
        services.advance_project(cast.owner, project, "signed", signed_date=dt.date(2026, 3, 2))
    message = str(caught.value)
    assert "进入「签约」阶段还需要" in message
    for label in ("首次接洽日期", "考察日期", "计划投资额（万元）", "签约金额（万元）", "落户载体或地点"):
        assert label in message
    assert "签约日期" not in message  # given
    project.refresh_from_db()
    assert project.stage == "lead" and project.signed_date is None
    assert StageEvent.objects.filter(project=project).count() == 1


def test_entering_signed_with_everything_moves_the_project_and_records_the_event(cast, make_project):
    project = make_project(
        first_contact_date=MONDAY, visit_date=MONDAY, planned_investment_wan=Decimal("8000")
    )
    event = services.advance_project(
        cast.owner,
        project,
        "signed",
        signed_date=FRIDAY,
        signed_amount_wan=Decimal("7500"),
        location="高新区A地块",
        on=FRIDAY,
    )
    project.refresh_from_db()
    assert project.stage == "signed" and project.signed_amount_wan == Decimal("7500")
    assert (event.from_stage, event.to_stage, event.date, event.team) == ("lead", "signed", FRIDAY, cast.park)
    change = AuditEntry.objects.filter(
        model="pipeline.project", object_id=str(project.pk), action="update"
    ).last()
    assert change.changes["stage"] == ["lead", "signed"]


def test_going_back_needs_a_reason_and_dropping_needs_a_drop_reason(cast, make_project):
    project = make_project(first_contact_date=MONDAY)
    services.advance_project(cast.owner, project, "contact")
    with pytest.raises(services.StageRequirementsMissing, match="需要填写原因"):
        services.advance_project(cast.owner, project, "lead")
    services.advance_project(cast.owner, project, "lead", reason="对方换了联系人")
    with pytest.raises(services.StageRequirementsMissing, match="终止原因"):
        services.advance_project(cast.owner, project, "dropped")
    services.advance_project(cast.owner, project, "dropped", drop_reason="投资方取消扩产计划")
    assert Project.objects.get(pk=project.pk).stage == "dropped"


def test_an_unknown_stage_is_a_domain_error(cast, make_project):
    with pytest.raises(services.PipelineError, match="未知的阶段"):
        services.advance_project(cast.owner, make_project(), "celebration")


# --- duplicate investors -----------------------------------------------------------------------------------


def test_two_teams_on_the_same_firm_are_told_the_other_team_and_contact_only(cast, make_project):
    cast.outsider.phone = "13800000000"
    cast.outsider.save()
    ours = make_project("我们的项目", investor_name="株洲某某科技有限公司")
    make_project(
        "对方的秘密项目",
        team=cast.other_park,
        owner=cast.outsider,
        actor=cast.outsider,
        investor_name="株洲某某科技股份有限公司",
        planned_investment_wan=Decimal("99999"),
    )
    warnings = services.duplicate_investor_warning(ours)
    assert warnings == [{"team": "乙园区", "contact": str(cast.outsider), "phone": "13800000000"}]
    text = services.duplicate_warning_text(warnings)
    assert "乙园区" in text and "13800000000" in text
    assert "对方的秘密项目" not in text and "99999" not in text


def test_the_same_credit_code_under_another_name_counts_as_the_same_investor(cast, make_project):
    from zhaoshang.core import audit
    from zhaoshang.registry.models import Enterprise

    firm = audit.create(
        cast.admin,
        Enterprise,
        name="甲公司",
        name_key="甲",
        uscc="91430200MA4L000001",
        organisation=cast.city,
    )
    ours = make_project(investor=firm)
    theirs = make_project(
        team=cast.other_park, owner=cast.outsider, investor_name="乙公司", investor_uscc="91430200MA4L000001"
    )
    assert theirs.investor == firm
    assert [w["team"] for w in services.duplicate_investor_warning(ours)] == ["乙园区"]


def test_colleagues_in_the_same_team_or_dropped_projects_raise_no_warning(cast, make_project):
    ours = make_project(investor_name="同一家有限公司")
    make_project(investor_name="同一家有限公司", owner=cast.colleague)
    dropped = make_project(team=cast.other_park, owner=cast.outsider, investor_name="同一家有限公司")
    services.advance_project(cast.outsider, dropped, "dropped", drop_reason="无意向")
    assert services.duplicate_investor_warning(ours) == []


# --- follow-ups, callbacks, cold ---------------------------------------------------------------------------


def test_the_first_follow_up_is_first_contact_and_creates_a_callback_three_working_days_later(
    cast, make_project
):
    project = make_project()
    services.record_followup(cast.owner, project, date=FRIDAY, way="visit", content="上门拜访董事长")
    project.refresh_from_db()
    assert project.first_contact_date == FRIDAY and project.last_followup_on == FRIDAY
    task = Task.objects.get(project=project, kind=Task.Kind.CALLBACK)
    assert task.due == dt.date(2026, 3, 11)  # Fri + 3 working days = Wed
    assert task.assignee == cast.owner and task.done_at is None


def test_a_later_follow_up_completes_the_callback_and_the_earlier_next_action(cast, make_project):
    project = make_project()
    first = services.record_followup(
        cast.owner,
        project,
        date=MONDAY,
        content="电话沟通",
        next_action="寄送园区资料",
        next_due=dt.date(2026, 3, 4),
    )
    second = services.record_followup(
        cast.owner, project, date=dt.date(2026, 3, 5), content="回访，资料已收到"
    )
    first.refresh_from_db()
    assert first.done
    task = Task.objects.get(project=project, kind=Task.Kind.CALLBACK)
    assert task.done_at is not None and task.followup == second
    assert Task.objects.filter(project=project).count() == 1


def test_a_next_action_needs_a_due_date_not_before_the_follow_up(cast, make_project):
    project = make_project()
    with pytest.raises(services.PipelineError, match="完成期限"):
        services.record_followup(cast.owner, project, date=MONDAY, content="x", next_action="再约")
    with pytest.raises(services.PipelineError, match="不能早于"):
        services.record_followup(
            cast.owner, project, date=MONDAY, content="x", next_action="再约", next_due=dt.date(2026, 3, 1)
        )


def test_follow_ups_are_due_on_their_day_and_overdue_from_the_day_after(cast, make_project):
    project = make_project()
    services.record_followup(
        cast.owner, project, date=MONDAY, content="a", next_action="寄资料", next_due=dt.date(2026, 3, 4)
    )
    with time_machine.travel(dt.datetime(2026, 3, 3, 9), tick=False):
        assert list(services.due_followups(cast.owner)) == []
    with time_machine.travel(dt.datetime(2026, 3, 4, 9), tick=False):
        assert [f.next_action for f in services.due_followups(cast.owner)] == ["寄资料"]
    with time_machine.travel(dt.datetime(2026, 3, 9, 9), tick=False):
        assert len(services.due_followups(cast.owner)) == 1
        assert list(services.due_followups(cast.colleague)) == []


def test_a_project_goes_cold_after_its_stage_limit_and_its_owner_and_leader_see_it(cast, make_project):
    cast.owner.leader = cast.leader
    cast.owner.save()
    project = make_project(created_on=dt.date(2026, 1, 5))
    services.record_followup(cast.owner, project, date=dt.date(2026, 2, 1), content="电话")
    # 线索 allows 30 quiet days: 2026-03-03 is day 30 (not cold), 2026-03-04 day 31 (cold).
    with time_machine.travel(dt.datetime(2026, 3, 3, 9), tick=False):
        assert list(services.cold_projects_for(cast.owner)) == []
    with time_machine.travel(dt.datetime(2026, 3, 4, 9), tick=False):
        assert list(services.cold_projects_for(cast.owner)) == [project]
        assert list(services.cold_projects_for(cast.leader)) == [project]
        assert list(services.cold_projects_for(cast.colleague)) == []


def test_the_cold_query_agrees_with_the_core_rule(cast, make_project):
    from zhaoshang.pipeline.core.followup import ProjectActivity, cold_projects

    today = dt.date(2026, 4, 1)
    made = []
    for stage_fields, quiet in [
        ({}, 30),
        ({}, 31),
        ({"first_contact_date": MONDAY}, 15),
        ({"first_contact_date": MONDAY}, 14),
    ]:
        p = make_project(created_on=today - dt.timedelta(days=quiet), **stage_fields)
        if stage_fields:
            services.advance_project(cast.owner, p, "contact")
        made.append(p)
    with time_machine.travel(dt.datetime(2026, 4, 1, 9), tick=False):
        from_db = set(Project.objects.filter(services.cold_filter()).values_list("pk", flat=True))
    core = {
        c.id
        for c in cold_projects(
            [ProjectActivity(p.pk, Project.objects.get(pk=p.pk).stage, None, p.quiet_since) for p in made],
            today=today,
        )
    }
    assert from_db == core == {made[1].pk, made[2].pk}


# --- new registrations -------------------------------------------------------------------------------------


def _batch(cast, firms):
    from zhaoshang.core import audit
    from zhaoshang.registry.models import Enterprise, ImportBatch

    batch = audit.create(cast.admin, ImportBatch, organisation=cast.city, file_name="register.xlsx")
    for name, region, founded in firms:
        audit.create(
            cast.admin,
            Enterprise,
            name=name,
            name_key=name,
            region_code=region,
            founded=founded,
            organisation=cast.city,
            import_batch=batch,
        )
    return batch


def test_a_newly_registered_local_firm_gets_a_first_contact_task_for_its_area_due_the_next_working_day(cast):
    batch = _batch(
        cast,
        [
            ("甲园区新公司", "430211", dt.date(2026, 2, 20)),  # in 甲园区's region
            ("市区新公司", "430204", dt.date(2026, 3, 1)),  # elsewhere in the city → the bureau
            ("老公司", "430211", dt.date(2019, 1, 1)),  # not new
            ("外地新公司", "440300", dt.date(2026, 3, 1)),  # not local
        ],
    )
    tasks = services.create_new_registration_tasks(batch, today=FRIDAY)
    assert {(t.enterprise.name, t.organisation, t.due) for t in tasks} == {
        ("甲园区新公司", cast.park, dt.date(2026, 3, 9)),
        ("市区新公司", cast.bureau, dt.date(2026, 3, 9)),
    }
    assert services.create_new_registration_tasks(batch, today=FRIDAY) == []  # once per firm
    with time_machine.travel(dt.datetime(2026, 3, 6, 9), tick=False):
        assert [t.enterprise.name for t in services.open_tasks(cast.colleague)] == ["甲园区新公司"]
        assert list(services.open_tasks(cast.outsider)) == []


def test_a_new_registration_task_before_a_holiday_is_due_after_it(cast):
    batch = _batch(cast, [("节前新公司", "430211", dt.date(2026, 4, 1))])
    (task,) = services.create_new_registration_tasks(batch, today=dt.date(2026, 4, 3))  # Friday before 清明
    assert task.due == dt.date(2026, 4, 7)


# --- coordination items ------------------------------------------------------------------------------------


def test_coordination_items_are_overdue_after_their_due_date_grouped_by_department(cast, make_project):
    project = make_project()
    late = services.create_coordination_item(
        cast.owner, project, title="用地指标", department=cast.dept, due=dt.date(2026, 3, 5)
    )
    services.create_coordination_item(
        cast.owner, project, title="环评", department=cast.dept, due=dt.date(2026, 3, 6)
    )
    settled = services.create_coordination_item(
        cast.owner, project, title="电力增容", department=cast.bureau, due=dt.date(2026, 3, 1)
    )
    services.update_coordination_item(
        cast.handler, settled, status="done", note="已解决", on=dt.date(2026, 3, 2)
    )
    groups = services.overdue_by_department(CoordinationItem.objects.all(), dt.date(2026, 3, 6))
    assert [(g["department"], [i.title for i in g["items"]]) for g in groups] == [(cast.dept, ["用地指标"])]
    assert groups[0]["items"][0].days_overdue == 1
    with pytest.raises(
        services.PipelineError, match="延期申请"
    ):  # a department asks; it does not move its deadline
        services.update_coordination_item(cast.handler, late, due=dt.date(2026, 3, 20), note="部门自行延期")
    services.update_coordination_item(cast.owner, late, due=dt.date(2026, 3, 20), note="延期至月底前")
    assert services.overdue_by_department(CoordinationItem.objects.all(), dt.date(2026, 3, 6)) == []
    assert [e.note for e in ItemEvent.objects.filter(item=late)] == ["用地指标", "延期至月底前"]


def test_an_item_update_without_any_change_is_refused(cast, make_project):
    item = services.create_coordination_item(
        cast.owner, make_project(), title="x", department=cast.dept, due=MONDAY
    )
    with pytest.raises(services.PipelineError, match="没有需要保存的变更"):
        services.update_coordination_item(cast.owner, item, status="open")


# --- carriers ----------------------------------------------------------------------------------------------


def test_a_projects_needs_are_matched_against_available_carriers_with_reasons(cast, make_project):
    from zhaoshang.pipeline.models import Carrier

    big = services.save_carrier(
        cast.owner,
        organisation=cast.park,
        name="A1地块",
        kind="land",
        area=Decimal("60"),
        area_unit="mu",
        price=Decimal("20"),
    )
    services.save_carrier(
        cast.owner,
        organisation=cast.park,
        name="A2地块",
        kind="land",
        area=Decimal("30"),
        area_unit="mu",
        price=Decimal("20"),
    )
    services.save_carrier(
        cast.owner,
        organisation=cast.park,
        name="已用地块",
        kind="land",
        area=Decimal("90"),
        area_unit="mu",
        status="occupied",
    )
    services.save_carrier(
        cast.owner, organisation=cast.park, name="一号厂房", kind="factory", area=Decimal("9000")
    )
    project = make_project(
        need_kind="land", need_area=Decimal("50"), need_area_unit="mu", need_max_price=Decimal("25")
    )
    matches = services.match_carriers(project, Carrier.objects.all())
    assert [m["carrier"].name for m in matches] == ["A1地块", "A2地块"]
    assert matches[0]["match"].complete and not matches[1]["match"].complete
    assert "面积 30亩（20,000㎡） 小于需求 50亩（33,333㎡）" in matches[1]["match"].reasons_zh
    assert matches[0]["carrier"] == big


def test_saving_a_carrier_twice_updates_it(cast):
    from zhaoshang.pipeline.models import Carrier

    services.save_carrier(cast.owner, organisation=cast.park, name="B栋", kind="office", price=Decimal("30"))
    services.save_carrier(cast.owner, organisation=cast.park, name="B栋", kind="office", price=Decimal("28"))
    assert Carrier.objects.get().price == Decimal("28")


# --- chain targets -----------------------------------------------------------------------------------------


def test_a_chain_target_becomes_a_lead_once(cast):
    from zhaoshang.chains.models import Chain, ChainNode
    from zhaoshang.core import audit
    from zhaoshang.registry.models import Enterprise

    chain = Chain.objects.create(slug="rail", name="轨道交通")
    node = ChainNode.objects.create(chain=chain, key="bogie", name="转向架", path="转向架")
    firm = audit.create(
        cast.admin, Enterprise, name="某转向架公司", name_key="某转向架", organisation=cast.city
    )
    project, created = services.create_lead_from_target(
        cast.owner,
        chain="rail",
        node_key="bogie",
        enterprise_id=firm.pk,
        organisation=cast.park,
        owner=cast.owner,
    )
    assert created and project.stage == "lead" and project.source == "target_list"
    assert list(project.nodes.all()) == [node] and project.investor == firm
    again, created = services.create_lead_from_target(
        cast.owner, chain="rail", node_key="bogie", enterprise_id=firm.pk, organisation=cast.park
    )
    assert again == project and not created
    with pytest.raises(services.PipelineError, match="没有节点"):
        services.create_lead_from_target(
            cast.owner, chain="rail", node_key="x", enterprise_id=firm.pk, organisation=cast.park
        )


def test_followups_are_audited(cast, make_project):
    project = make_project()
    f = services.record_followup(cast.owner, project, date=MONDAY, content="a")
    assert AuditEntry.objects.filter(model="pipeline.followup", object_id=str(f.pk), action="create").exists()
    assert FollowUp.objects.count() == 1


def test_the_funnel_still_counts_a_project_put_on_hold_at_the_stages_it_reached(cast, make_project):
    project = make_project(
        "暂缓项目",
        created_on=dt.date(2026, 1, 5),
        first_contact_date=dt.date(2026, 1, 6),
        visit_date=dt.date(2026, 1, 7),
    )
    services.advance_project(cast.owner, project, "visit")
    services.advance_project(cast.owner, project, "on_hold", hold_reason="投资方资金未落实")
    reached = {r["code"]: r["reached"] for r in services.dashboard(Project.objects.all()).funnel}
    assert (reached["lead"], reached["contact"], reached["visit"], reached["negotiation"]) == (1, 1, 1, 0)
