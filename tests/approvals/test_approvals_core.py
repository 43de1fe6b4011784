"""The approvals core: templates, prerequisites, planned dates in working days, lateness, critical path,
trips and stamps, and promise escalation."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from zhaoshang.approvals.core import figures, promises, templates, timeline
from zhaoshang.approvals.core.templates import CaseTemplate, ItemTemplate, TemplateError
from zhaoshang.approvals.core.timeline import CaseItem

D = dt.date


def test_the_default_industrial_template_has_the_fifteen_items_in_an_order_that_respects_prerequisites():
    t = templates.DEFAULT_INDUSTRIAL
    assert len(t.items) == 15
    order = templates.topological_order({i.code: i.prerequisites for i in t.items})
    for item in t.items:
        for pre in item.prerequisites:
            assert order.index(pre) < order.index(item.code)
    assert t.item("construction_permit").milestone == "licence"


def test_a_template_with_a_cycle_is_refused_naming_the_cycle():
    t = CaseTemplate(
        "x", "x", (ItemTemplate("a", "甲", "d", 1, ("b",)), ItemTemplate("b", "乙", "d", 1, ("a",)))
    )
    with pytest.raises(TemplateError, match="循环"):
        templates.validate_template(t)


def test_a_template_naming_an_unknown_prerequisite_is_refused():
    t = CaseTemplate("x", "x", (ItemTemplate("a", "甲", "d", 1, ("zz",)),))
    with pytest.raises(TemplateError, match="zz"):
        templates.validate_template(t)


def test_a_template_round_trips_through_a_dict():
    t = templates.DEFAULT_INDUSTRIAL
    assert templates.template_from_dict(templates.template_to_dict(t)) == t


def _items(**states):
    base = [
        CaseItem("a", "备案", "发改", 3),
        CaseItem("b", "选址", "自规", 5, ("a",)),
        CaseItem("c", "环评", "生态", 10, ("a",)),
        CaseItem("d", "施工许可", "住建", 2, ("b", "c"), milestone="licence"),
    ]
    return [dataclasses.replace(i, **states.get(i.code, {})) for i in base]


def test_planned_dates_add_the_legal_limit_in_working_days_skipping_weekends(calendar):
    # Monday 2025-09-01; a: 3 working days → Thu 09-04; c: 10 more → Thu 09-18; d: 2 more → Mon 09-22
    tl = timeline.build_timeline(_items(), D(2025, 9, 1), D(2025, 9, 1), calendar)
    assert tl.item("a").planned_finish == D(2025, 9, 4)
    assert tl.item("c").planned_finish == D(2025, 9, 18)
    assert tl.item("d").planned_start == D(2025, 9, 18)
    assert tl.item("d").planned_finish == D(2025, 9, 22)


def test_a_limit_across_the_national_day_holiday_skips_it_and_counts_the_make_up_saturday(calendar):
    # Starting Fri 2025-09-26: Sun 09-28 is a make-up working day, Oct 1-8 are holidays, Sat Oct 11 works.
    items = [CaseItem("a", "备案", "发改", 5)]
    tl = timeline.build_timeline(items, D(2025, 9, 26), D(2025, 9, 26), calendar)
    # working days after 09-26: 09-28 (make-up), 09-29, 09-30, 10-09, 10-10
    assert tl.item("a").planned_finish == D(2025, 10, 10)
    items = [CaseItem("a", "备案", "发改", 6)]
    assert timeline.build_timeline(items, D(2025, 9, 26), D(2025, 9, 26), calendar).item(
        "a"
    ).planned_finish == D(2025, 10, 11)


def test_the_critical_path_runs_through_the_longest_branch(calendar):
    tl = timeline.build_timeline(_items(), D(2025, 9, 1), D(2025, 9, 1), calendar)
    assert tl.critical_path == ["a", "c", "d"]
    assert tl.item("c").critical and not tl.item("b").critical


def test_a_slow_item_moves_the_critical_path_and_the_expected_end(calendar):
    # b started on time but is still open long after its limit: today it decides the end
    today = D(2025, 9, 29)
    tl = timeline.build_timeline(
        _items(
            a={"state": "done", "started_on": D(2025, 9, 1), "done_on": D(2025, 9, 4)},
            b={"state": "in_progress", "started_on": D(2025, 9, 4)},
            c={"state": "done", "started_on": D(2025, 9, 4), "done_on": D(2025, 9, 10)},
        ),
        D(2025, 9, 1),
        today,
        calendar,
    )
    b = tl.item("b")
    assert b.due == D(2025, 9, 11) and b.late
    assert b.working_days_late == calendar.working_days_between(D(2025, 9, 11), today)
    assert tl.critical_path == ["a", "b", "d"]
    assert tl.item("d").expected_start == today
    assert tl.late_items == ["b"]


def test_an_item_done_after_its_limit_stays_marked_late_with_its_working_days(calendar):
    tl = timeline.build_timeline(
        _items(a={"state": "done", "started_on": D(2025, 9, 1), "done_on": D(2025, 9, 9)}),
        D(2025, 9, 1),
        D(2025, 9, 10),
        calendar,
    )
    a = tl.item("a")
    assert a.late and a.working_days_late == 3 and a.working_days_taken == 6


def test_an_item_under_the_promise_system_releases_its_successors_when_it_starts(calendar):
    items = [CaseItem("a", "环评", "生态", 20, promise=True), CaseItem("b", "施工许可", "住建", 2, ("a",))]
    tl = timeline.build_timeline(items, D(2025, 9, 1), D(2025, 9, 1), calendar)
    assert tl.item("b").planned_start == D(2025, 9, 1)
    assert tl.item("b").planned_finish == D(2025, 9, 3)


def test_done_without_a_date_is_refused(calendar):
    with pytest.raises(templates.ApprovalError):
        timeline.build_timeline(_items(a={"state": "done"}), D(2025, 9, 1), D(2025, 9, 1), calendar)


def test_days_from_signing_to_licence_start_and_production_are_calendar_days():
    items = _items(d={"state": "done", "done_on": D(2025, 1, 22)})
    m = timeline.milestones(D(2025, 1, 1), items, D(2025, 2, 5), None)
    assert m.days() == {"licence": 21, "start": 35, "production": None}


def _record(case, code, trips, stamps, bt, bs, **kw):
    base = dict(
        case_id=case,
        project=f"P{case}",
        project_type="industrial",
        code=code,
        name=code,
        department="住建",
        limit_days=10,
        state="done",
        working_days_taken=5,
        late=False,
        trips=trips,
        stamps=stamps,
        baseline_trips=bt,
        baseline_stamps=bs,
    )
    base.update(kw)
    return figures.ItemRecord(**base)


def test_trips_and_stamps_are_summed_and_saved_against_the_baseline():
    recs = [_record(1, "a", 1, 2, 3, 6), _record(1, "b", 0, 1, 2, 4), _record(2, "a", 4, 9, 3, 6)]
    one = figures.trips_and_stamps(recs[:2])
    assert one == {
        "trips": 1,
        "stamps": 3,
        "baseline_trips": 5,
        "baseline_stamps": 10,
        "trips_saved": 4,
        "stamps_saved": 7,
    }
    (row,) = figures.per_project_type(recs)
    assert row["cases"] == 2 and row["trips_per_project"] == 2.5 and row["trips_saved"] == 3
    assert row["stamps_per_project"] == 6.0 and row["stamps_saved"] == 4


def test_per_item_figures_rank_the_slowest_item_against_its_limit_first():
    recs = [
        _record(1, "fast", 0, 0, 0, 0, working_days_taken=2),
        _record(2, "fast", 0, 0, 0, 0, working_days_taken=4),
        _record(1, "slow", 0, 0, 0, 0, working_days_taken=18, late=True),
    ]
    rows = figures.per_item(recs)
    assert [r["code"] for r in rows] == ["slow", "fast"]
    assert rows[1]["median_days"] == 3.0 and rows[0]["late"] == 1


def test_held_by_department_lists_the_open_items_of_each_department():
    recs = [
        _record(
            1, "a", 0, 0, 0, 0, state="in_progress", department="自规", started_on=D(2025, 1, 1), late=True
        ),
        _record(2, "a", 0, 0, 0, 0, state="in_progress", department="自规", started_on=D(2025, 1, 20)),
        _record(3, "b", 0, 0, 0, 0, state="done", department="住建"),
    ]
    (row,) = figures.held_by_department(recs, D(2025, 2, 1))
    assert row["department"] == "自规" and row["projects"] == 2 and row["late"] == 1
    assert row["items"][0]["days_held"] == 31


def _promise(i, deadline, state="open"):
    return promises.PromiseRecord(i, "项目", f"承诺{i}", "自规局", "招商一处", deadline, state)


def test_an_overdue_promise_is_escalated_to_the_department_then_the_team_then_the_city():
    today = D(2025, 3, 31)
    ps = [
        _promise(1, D(2025, 3, 30)),
        _promise(2, D(2025, 3, 20)),
        _promise(3, D(2025, 2, 1)),
        _promise(4, D(2025, 4, 5)),
        _promise(5, D(2025, 1, 1), state="fulfilled"),
    ]
    got = {(e.promise_id, e.level) for e in promises.due_escalations(ps, today)}
    assert got == {
        (1, "department"),
        (2, "department"),
        (2, "team_leader"),
        (3, "department"),
        (3, "team_leader"),
        (3, "city_leader"),
    }


def test_a_promise_already_told_at_a_level_is_not_told_again():
    ps = [_promise(2, D(2025, 3, 20))]
    got = promises.due_escalations(ps, D(2025, 3, 31), already_told=[(2, "department")])
    assert [(e.promise_id, e.level) for e in got] == [(2, "team_leader")]
    assert "逾期11天" in got[0].message


def test_an_item_not_applied_for_is_not_late_and_is_expected_to_start_no_earlier_than_today(calendar):
    today = D(2025, 12, 1)
    tl = timeline.build_timeline(_items(), D(2025, 9, 1), today, calendar)
    assert tl.late_items == []
    assert tl.item("a").expected_start == today
    assert tl.item("a").planned_start == D(2025, 9, 1)
