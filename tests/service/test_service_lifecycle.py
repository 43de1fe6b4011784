"""An appeal's life: routing and ownership, transfer and 退单 with reasons, joint handling, pauses, closing,
the satisfaction call-back (不满意 reopens), escalation steps, and the rates against hand-computed figures."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from zhaoshang.service import services as s

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")  # the installation's time zone: dates are local dates


def new(desk, **extra):
    values = {"channel": "phone", "firm_name": "测试甲公司", "content": "用地指标不够", "category": desk.land}
    values.update(extra)
    return s.receive_appeal(desk.service, **values)


def test_a_new_appeal_is_owned_by_its_first_receiver_and_routed_by_category(desk):
    appeal = new(desk)
    assert appeal.receiving_org == desk.city
    assert appeal.department == desk.dept and appeal.status == "assigned"
    assert appeal.enterprise is not None and appeal.enterprise.flags[0]["code"] == "needs_review"


def test_the_department_accepts_and_acceptance_is_the_first_response(desk):
    appeal = s.accept_appeal(desk.handler, new(desk))
    assert appeal.status == "accepted" and appeal.handler == desk.handler
    assert appeal.first_response_at is not None and appeal.responded_in_time


def test_transfer_and_send_back_need_a_reason(desk):
    appeal = new(desk)
    with pytest.raises(s.ServiceError):
        s.transfer_appeal(desk.handler, appeal, desk.park, reason=" ")
    with pytest.raises(s.ServiceError):
        s.send_back_appeal(desk.handler, appeal, reason="")
    s.send_back_appeal(desk.handler, appeal, reason="不属于本部门职责")
    appeal.refresh_from_db()
    assert appeal.department is None and appeal.receiving_org == desk.city and appeal.status == "received"
    assert appeal.events.filter(kind="sent_back", text="不属于本部门职责").exists()


def test_a_transfer_moves_the_appeal_and_the_old_department_no_longer_sees_it(desk):
    from zhaoshang.accounts.scoping import visible
    from zhaoshang.service.models import Appeal

    appeal = new(desk)
    s.transfer_appeal(desk.handler, appeal, desk.park, reason="园区负责")
    assert not visible(desk.handler, Appeal.objects.filter(pk=appeal.pk)).exists()
    assert visible(desk.owner, Appeal.objects.filter(pk=appeal.pk)).exists()


def test_joint_handling_keeps_one_lead(desk):
    appeal = new(desk)
    s.add_joint_departments(desk.handler, appeal, [desk.park, desk.dept])
    appeal.refresh_from_db()
    assert appeal.department == desk.dept
    assert [j.department for j in appeal.joint.all()] == [desk.park]


def test_a_handler_of_another_organisation_may_not_act(desk):
    from zhaoshang.accounts.services import ensure_organisation, ensure_user

    other = ensure_organisation(None, code="t-dept2", name="人社局", kind="department", parent=desk.city)
    stranger = ensure_user(
        None, username="t-handler2", password="x" * 12, organisation=other, role="department_handler"
    )
    appeal = new(desk)
    for step in (
        lambda: s.accept_appeal(stranger, appeal),
        lambda: s.reply_to_firm(stranger, appeal, "好"),
        lambda: s.close_appeal(stranger, appeal, result="solved"),
    ):
        with pytest.raises(PermissionDenied):
            step()


def test_a_pause_moves_the_due_date_by_the_working_days_waited(desk):
    with time_machine.travel(datetime(2025, 9, 26, 9, tzinfo=SH), tick=False):  # Friday
        appeal = new(desk)
        assert appeal.handling_due == date(
            2025, 10, 16
        )  # 9/28 (Sunday worked), 9/29, 9/30, 10/9-11 (Saturday worked), 10/13-16
        with pytest.raises(s.ServiceError):
            s.pause_appeal(desk.handler, appeal, reason="")
        s.pause_appeal(desk.handler, appeal, reason="等待企业补充材料", on=date(2025, 9, 29))
    s.resume_appeal(desk.handler, appeal, on=date(2025, 10, 10))  # waited 9/30, 10/9, 10/10: 3 working days
    appeal.refresh_from_db()
    assert appeal.handling_due == date(2025, 10, 21)  # 10/17, 10/20, 10/21
    assert appeal.status == "assigned" and appeal.paused_since is None


def test_partly_solved_needs_an_explanation_and_closing_on_the_due_day_is_in_time(desk):
    appeal = s.accept_appeal(desk.handler, new(desk))
    with pytest.raises(s.ServiceError):
        s.close_appeal(desk.handler, appeal, result="partly")
    late_evening = datetime.combine(appeal.handling_due, datetime.min.time()).replace(hour=23, minute=59)
    s.close_appeal(desk.handler, appeal, result="partly", note="指标需省里下达", at=late_evening)
    appeal.refresh_from_db()
    assert appeal.status == "closed" and appeal.closed_on_time


def test_the_handler_may_not_record_satisfaction_and_unsatisfied_reopens(desk):
    appeal = s.accept_appeal(desk.handler, new(desk))
    s.close_appeal(desk.handler, appeal, result="solved")
    with pytest.raises(s.ServiceError):
        s.record_satisfaction(desk.handler, appeal, "satisfied")
    s.record_satisfaction(desk.service, appeal, "unsatisfied", note="路灯仍不亮")
    appeal.refresh_from_db()
    assert appeal.status == "accepted" and appeal.reopen_count == 1 and appeal.closed_at is None
    assert appeal.events.filter(kind="reopened").exists()


def test_escalation_goes_to_the_handler_then_the_head_then_the_city_leader_and_is_recorded_once(desk):
    from zhaoshang.accounts.services import ensure_user

    head = ensure_user(
        None,
        username="t-head",
        password="x" * 12,
        organisation=desk.dept,
        role="department_handler",
        title="局长",
    )
    with time_machine.travel(datetime(2025, 3, 3, 9, tzinfo=SH), tick=False):  # Monday
        appeal = s.accept_appeal(desk.handler, new(desk))  # 用地: due 3/17 (10 working days)
    assert appeal.handling_due == date(2025, 3, 17)
    assert s.due_escalations(date(2025, 3, 13)) == []
    soon = s.due_escalations(date(2025, 3, 14))
    assert [(e.level, e.recipients) for e in soon] == [("due_soon", [desk.handler.pk])]
    s.record_escalations(date(2025, 3, 14))
    assert s.due_escalations(date(2025, 3, 14)) == []
    overdue = s.due_escalations(date(2025, 3, 18))
    assert [(e.level, e.recipients) for e in overdue] == [("overdue", [head.pk])]
    again = s.due_escalations(date(2025, 4, 1))  # 10 more working days after 3/17 end on 3/31
    assert [(e.level, e.recipients) for e in again] == [("overdue_again", [desk.leader.pk])]


def test_a_paused_or_closed_appeal_is_not_escalated(desk):
    with time_machine.travel(datetime(2025, 3, 3, 9, tzinfo=SH), tick=False):
        paused = new(desk)
        s.pause_appeal(desk.handler, paused, reason="等材料")
        closed = s.accept_appeal(desk.handler, new(desk))
        s.close_appeal(desk.handler, closed, result="solved")
    assert s.due_escalations(date(2025, 4, 30)) == []


def test_each_rate_matches_the_hand_computed_figure(desk):
    """Six appeals received in March 2025 (figures worked out by hand):
    A responded day 0, closed solved on time, 满意; B responded late, closed solved late, 基本满意;
    C responded in time, closed 未解决 on time, 不满意 → reopened; D responded in time, open;
    E never responded; F responded in time, closed 部分解决 on time, 未评价.
    响应率 4/6 (A, C, D, F); closed = A, B, F (C reopened); 解决率 2/3 (A, B); 按时办结率 2/3 (A, F);
    满意率 2/3 (A 满意, B 基本满意 of A, B, C rated; F 未评价 excluded); reopen rate 1/6."""
    received = datetime(2025, 3, 3, 9)  # Monday; response due 3/4, 用地 handling due 3/17
    with time_machine.travel(received.replace(tzinfo=SH), tick=False):
        a, b, c, d, e, f = (new(desk, firm_name=f"测试{n}公司") for n in "ABCDEF")

    def at(day, hour=10):
        return datetime(2025, 3, day, hour, tzinfo=SH)

    with time_machine.travel(at(3), tick=False):
        s.accept_appeal(desk.handler, a)
    with time_machine.travel(at(5), tick=False):  # after the response due date 3/4
        s.accept_appeal(desk.handler, b)
    with time_machine.travel(at(4, 23), tick=False):  # 23:00 on the due day is in time
        for x in (c, d, f):
            s.accept_appeal(desk.handler, x)
    s.close_appeal(desk.handler, a, result="solved", at=at(10))
    s.close_appeal(desk.handler, b, result="solved", at=at(18))  # after 3/17
    s.close_appeal(desk.handler, c, result="unsolved", note="不具备条件", at=at(17, 22))
    s.close_appeal(desk.handler, f, result="partly", note="部分", at=at(12))
    s.record_satisfaction(desk.service, a, "satisfied")
    s.record_satisfaction(desk.service, b, "basic")
    s.record_satisfaction(desk.service, f, "unrated")
    s.record_satisfaction(desk.service, c, "unsatisfied")  # reopens C: no longer closed
    rates = s.compute_rates(s.appeals_in_period(date(2025, 3, 1), date(2025, 3, 31))).as_dict()
    assert rates["received"] == 6
    assert rates["response_rate"] == pytest.approx(4 / 6)  # A, C, D, F
    assert rates["closed"] == 3  # A, B, F (C reopened)
    assert rates["solve_rate"] == pytest.approx(2 / 3)  # A, B
    assert rates["on_time_rate"] == pytest.approx(2 / 3)  # A, F
    assert rates["satisfaction_rate"] == pytest.approx(2 / 3)  # 满意 A + 基本满意 B of A, B, C (F 未评价)
    assert rates["reopen_rate"] == pytest.approx(1 / 6)
    assert rates["median_days_to_close"] == 9.0  # 7, 9, 15 days


def test_rates_count_appeals_received_in_the_period_only(desk):
    with time_machine.travel(datetime(2025, 2, 28, 9, tzinfo=SH), tick=False):
        new(desk)
    with time_machine.travel(datetime(2025, 3, 3, 9, tzinfo=SH), tick=False):
        new(desk)
    assert s.compute_rates(s.appeals_in_period(date(2025, 3, 1), date(2025, 3, 31))).counts["received"] == 1


def test_rates_with_nothing_received_are_none_not_zero(desk):
    rates = s.compute_rates(s.appeals_in_period(date(2020, 1, 1), date(2020, 1, 31))).as_dict()
    assert rates["response_rate"] is None and rates["received"] == 0


def test_a_visit_is_planned_recorded_and_its_problem_becomes_an_appeal_in_one_step(desk):
    from zhaoshang.registry.services import ensure_enterprise

    firm = ensure_enterprise(None, name="测试走访公司", organisation=desk.park, source="test")
    assert s.plan_visits(desk.service, [firm], planned_for=date(2025, 4, 1), plan="规上企业季度走访") == 1
    assert s.plan_visits(desk.service, [firm], planned_for=date(2025, 4, 1), plan="规上企业季度走访") == 0
    visit = firm.service_visits.get()
    appeal = s.record_visit(
        desk.service, visit, findings="用工紧张", appeal_text="招不到焊工", category=desk.land
    )
    assert appeal.channel == "visit" and appeal.enterprise == firm
    coverage = s.visit_coverage(date(2025, 1, 1), date(2025, 12, 31), user=desk.service)
    assert coverage["parks"] == [{"name": desk.park.name, "planned": 1, "done": 1}]


def test_an_investment_officer_may_not_plan_visits(desk):
    from zhaoshang.registry.services import ensure_enterprise

    firm = ensure_enterprise(None, name="测试走访公司", organisation=desk.park, source="test")
    with pytest.raises(PermissionDenied):
        s.plan_visits(desk.officer, [firm], planned_for=date(2025, 4, 1), plan="走访")


def test_retention_erases_the_contact_of_appeals_closed_long_ago(desk):
    with time_machine.travel(datetime(2023, 3, 1, 9, tzinfo=SH), tick=False):
        old = new(desk, phone="13812345678", contact="王五")
        s.accept_appeal(desk.handler, old)
        s.close_appeal(desk.handler, old, result="solved")
    recent = new(desk, phone="13900000000", contact="赵六")
    assert s.erase_personal_data(None, older_than_days=365) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.phone, old.contact, old.personal_data_erased) == ("", "", True)
    assert recent.phone == "13900000000"
