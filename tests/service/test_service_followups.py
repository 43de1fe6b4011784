"""The service desk's follow-ups: the web 12345 import with progress and its error file, structural-problem edits,
departments to confirm, the directory upload, automatic visit plans and the dashboard's charts."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command

from zhaoshang.service import importing
from zhaoshang.service import services as s
from zhaoshang.service.models import Appeal, DepartmentReview, ImportRun, StructuralProblem, Visit

pytestmark = pytest.mark.django_db

HEADER = ["工单编号", "受理时间", "企业名称", "诉求类型", "诉求内容", "承办单位"]
GOOD = [
    ["W001", datetime(2025, 3, 3, 9), "测试网页甲有限公司", "用地", "路灯不亮", "自然资源局"],
    ["W002", datetime(2025, 3, 4, 9), "测试网页乙有限公司", "用工", "招工难", "测试市新设局"],
]
BAD = ["W003", "不是日期", "测试网页丙有限公司", "用地", "路灯不亮", "自然资源局"]


@pytest.fixture
def foreground(settings, tmp_path):
    settings.SERVICE_IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, path, **extra):
    with open(path, "rb") as handle:
        return client.post("/service/import/", {"file": handle, **extra})


# ------------------------------------------------------------------------------------------------ web import


def test_the_web_import_runs_shows_its_counts_and_the_importer_downloads_the_error_file(
    desk, client_for, write_export, foreground
):
    from openpyxl import load_workbook

    path = write_export([*GOOD, BAD], HEADER)
    client = client_for(desk.service)
    response = upload(client, path)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/service/import/{run.pk}/"
    assert run.status == "done" and run.counts["created"] == 2 and run.counts["rejected"] == 1
    page = client.get(f"/service/import/{run.pk}/").content.decode()
    assert 'data-status="done"' in page and "errors.xlsx" in page
    report = client.get(f"/service/import/{run.pk}/errors.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(report.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原始值", "问题", "级别")
    assert rows[1][0] == 4 and rows[1][1] == "受理时间" and rows[1][4] == "错误"


def test_only_the_importer_and_administrators_get_the_error_file(desk, client_for, write_export, foreground):
    from zhaoshang.accounts.roles import Role
    from zhaoshang.accounts.services import ensure_user

    upload(client_for(desk.service), write_export([BAD], HEADER))
    run = ImportRun.objects.get()
    url = f"/service/import/{run.pk}/errors.xlsx"
    colleague = ensure_user(
        None, username="t-service-2", password="x", organisation=desk.city, role=Role.SERVICE_OFFICER
    )
    assert client_for(colleague).get(url).status_code == 403
    assert "errors.xlsx" not in client_for(colleague).get(f"/service/import/{run.pk}/").content.decode()
    assert client_for(desk.admin).get(url).status_code == 200
    elsewhere = ensure_user(
        None, username="t-service-b", password="x", organisation=desk.other_park, role=Role.SERVICE_OFFICER
    )
    assert client_for(elsewhere).get(f"/service/import/{run.pk}/").status_code == 404  # another organisation
    assert client_for(desk.officer).get(url).status_code == 403  # a role without appeals


def test_the_page_polls_the_live_progress_of_a_running_import(desk, client_for, foreground):
    run = ImportRun.objects.create(
        created_by=desk.service, organisation=desk.city, file_name="x.xlsx", status="running"
    )
    client = client_for(desk.service)
    with importing._LIVE_LOCK:
        importing._LIVE[run.pk] = (1500, 3000)
    try:
        page = client.get(f"/service/import/{run.pk}/").content.decode()
        assert f'hx-get="/service/import/{run.pk}/progress/"' in page and "1500" in page and "50%" in page
        fragment = client.get(f"/service/import/{run.pk}/progress/", HTTP_HX_REQUEST="true")
        assert fragment.status_code == 200 and "HX-Refresh" not in fragment
        assert "<html" not in fragment.content.decode() and 'value="1500"' in fragment.content.decode()
    finally:
        with importing._LIVE_LOCK:
            importing._LIVE.pop(run.pk, None)
    ImportRun.objects.filter(pk=run.pk).update(status="done", counts={"read": 3000})
    done = client.get(f"/service/import/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_an_interrupted_import_is_shown_so_and_a_re_run_is_safe(desk, client_for, write_export, foreground):
    path = write_export(GOOD, HEADER)
    client = client_for(desk.service)
    upload(client, path)
    first = ImportRun.objects.get()
    assert Appeal.objects.count() == 2
    # a second upload of the same file whose server died while it ran: nothing written, no sign of life
    run = ImportRun.objects.create(
        created_by=desk.service,
        organisation=desk.city,
        file_name=first.file_name,
        status="running",
        heartbeat_at=datetime(2025, 1, 1, tzinfo=importing.UTC),
    )
    importing.run_file(run).parent.mkdir(parents=True)
    importing.run_file(run).write_bytes(importing.run_file(first).read_bytes())
    page = client.get(f"/service/import/{run.pk}/").content.decode()
    assert 'data-status="interrupted"' in page and "rerun" in page
    assert client.post(f"/service/import/{run.pk}/rerun/").status_code == 302
    run.refresh_from_db()
    assert run.status == "done" and run.counts["unchanged"] == 2 and run.counts["created"] == 0
    assert Appeal.objects.count() == 2
    # a finished run is not re-run
    client.post(f"/service/import/{run.pk}/rerun/")
    assert ImportRun.objects.get(pk=run.pk).counts["unchanged"] == 2


def test_an_unreadable_upload_ends_as_a_failed_run_with_its_reason(desk, client_for, tmp_path, foreground):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    upload(client_for(desk.service), bad)
    run = ImportRun.objects.get()
    assert run.status == "failed" and run.message
    page = client_for(desk.service).get(f"/service/import/{run.pk}/")
    assert page.status_code == 200 and run.message in page.content.decode()


# ------------------------------------------------------------------------------------------------ structural problems


@pytest.fixture
def problem(desk):
    appeal = s.receive_appeal(
        desk.service, channel="cadre", firm_name="测试共性有限公司", content="路灯不亮", category=desk.land
    )
    return s.raise_structural_problem(desk.service, title="园区路灯不亮", appeals=[appeal])


def form_data(problem, **extra):
    data = {
        "title": problem.title,
        "owner": problem.owner_id,
        "decision": "facility",
        "decision_text": "更换园区全部路灯",
        "deadline": "2025-06-30",
        "outcome": "",
        "status": "decided",
        "version": problem.version or 0,
    }
    data.update(extra)
    return data


def test_an_officer_edits_a_structural_problem_and_the_change_is_audited(desk, client_for, problem):
    from zhaoshang.core.models import AuditEntry

    client = client_for(desk.service)
    assert client.get(f"/service/problems/{problem.pk}/").status_code == 200
    response = client.post(f"/service/problems/{problem.pk}/", form_data(problem, owner=desk.dept.pk))
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.decision, problem.status, problem.owner, problem.deadline) == (
        "facility",
        "decided",
        desk.dept,
        date(2025, 6, 30),
    )
    assert problem.version == 1
    entry = AuditEntry.objects.filter(model="service.structuralproblem", action="update").latest("id")
    assert entry.changes["decision"] == ["other", "facility"] and entry.actor == desk.service


def test_a_stale_edit_is_refused_with_the_others_changes(desk, client_for, problem):
    stale = form_data(problem)
    client_for(desk.service).post(f"/service/problems/{problem.pk}/", form_data(problem, decision_text="甲"))
    response = client_for(desk.admin).post(
        f"/service/problems/{problem.pk}/", {**stale, "decision_text": "乙"}
    )
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    problem.refresh_from_db()
    assert problem.decision_text == "甲"


def test_a_problem_is_done_only_with_an_outcome(desk, client_for, problem):
    client = client_for(desk.service)
    response = client.post(f"/service/problems/{problem.pk}/", form_data(problem, status="done"))
    assert response.status_code == 400 and "结果" in response.content.decode()
    ok = client.post(
        f"/service/problems/{problem.pk}/", form_data(problem, status="done", outcome="已全部更换")
    )
    assert ok.status_code == 302 and StructuralProblem.objects.get().status == "done"


def test_who_may_edit_a_structural_problem(desk, client_for, problem):
    url = f"/service/problems/{problem.pk}/"
    assert client_for(desk.leader).get(url).status_code == 403  # sees it, may not change it
    assert client_for(desk.owner).get(url).status_code == 404  # another organisation's
    assert client_for(desk.officer).get(url).status_code == 404  # a role without appeals sees none
    assert client_for(desk.leader).get("/service/problems/").status_code == 200
    assert client_for(desk.officer).get("/service/problems/").status_code == 403


def test_the_workbench_lists_open_structural_problems_with_their_deadlines(desk, client_for, problem):
    s.update_structural_problem(desk.service, problem, deadline=date(2025, 6, 30))
    for user in (desk.leader, desk.service):
        page = client_for(user).get("/").content.decode()
        assert 'data-testid="panel-problems"' in page and "园区路灯不亮" in page and "2025-06-30" in page
    assert 'data-testid="panel-problems"' not in client_for(desk.handler).get("/").content.decode()


# ------------------------------------------------------------------------------------------------ departments, directory


def test_an_administrator_confirms_renames_or_merges_the_departments_an_import_created(
    desk, write_export, client_for
):
    importing.import_appeals(None, write_export(GOOD, HEADER), receiving_org=desk.city)
    review = DepartmentReview.objects.get(name_as_written="测试市新设局")
    client = client_for(desk.admin)
    assert "测试市新设局" in client.get("/service/departments/").content.decode()
    assert client_for(desk.service).get("/service/departments/").status_code == 403
    assert client_for(desk.service).post(f"/service/departments/{review.pk}/confirm/").status_code == 403

    client.post(f"/service/departments/{review.pk}/merge/", {"target": desk.dept.pk})
    review.refresh_from_db()
    assert review.merged_into == desk.dept and review.confirmed_by == desk.admin
    assert Appeal.objects.get(ticket="W002").department == desk.dept
    # a later export naming the same unit routes to the department it was merged into
    later = ["W009", datetime(2025, 3, 9, 9), "测试网页乙有限公司", "用工", "又招工难", "测试市新设局"]
    importing.import_appeals(None, write_export([later], HEADER, name="later.xlsx"), receiving_org=desk.city)
    assert Appeal.objects.get(ticket="W009").department == desk.dept
    page = client.get("/service/departments/").content.decode()
    assert 'data-testid="department-review"' not in page and "测试市新设局 → 自然资源局" in page


def test_confirming_with_a_new_name_renames_the_department(desk, write_export, client_for):
    importing.import_appeals(None, write_export(GOOD, HEADER), receiving_org=desk.city)
    review = DepartmentReview.objects.get(name_as_written="测试市新设局")
    client_for(desk.admin).post(f"/service/departments/{review.pk}/confirm/", {"name": "测试市新设事务局"})
    review.refresh_from_db()
    assert review.confirmed_at is not None and review.organisation.name == "测试市新设事务局"
    later = ["W010", datetime(2025, 3, 9, 9), "测试网页乙有限公司", "用工", "又招工难", "测试市新设局"]
    importing.import_appeals(None, write_export([later], HEADER, name="later.xlsx"), receiving_org=desk.city)
    assert Appeal.objects.get(ticket="W010").department == review.organisation


def test_the_directory_upload_previews_then_imports_and_a_bad_file_writes_nothing(
    desk, client_for, write_export, settings, tmp_path
):
    from zhaoshang.accounts.models import Organisation, User

    settings.MEDIA_ROOT = tmp_path / "media"
    header = ["单位名称", "单位代码", "上级单位", "单位类型", "用户名", "姓名", "角色"]
    good = write_export([["测试市水务局", "t-water", "", "部门", "t-water-1", "李四", "部门办理人"]], header)
    client = client_for(desk.admin)
    with open(good, "rb") as handle:
        preview = client.post("/service/directory/", {"file": handle})
    body = preview.content.decode()
    assert preview.status_code == 200 and 'name="token"' in body
    assert not Organisation.objects.filter(code="t-water").exists()  # a preview writes nothing
    token = body.split('name="token" value="')[1].split('"')[0]
    done = client.post("/service/directory/", {"token": token})
    assert done.status_code == 200 and Organisation.objects.filter(code="t-water").exists()
    assert User.objects.get(username="t-water-1").role == "department_handler"
    assert client.post("/service/directory/", {"token": token}).status_code == 302  # used once

    bad = write_export([["测试市林业局", "", "不存在的上级", "部门", "", "", ""]], header, name="bad.xlsx")
    with open(bad, "rb") as handle:
        refused = client.post("/service/directory/", {"file": handle})
    assert refused.status_code == 400 and "第2行" in refused.content.decode()
    assert 'name="token"' not in refused.content.decode()
    assert not Organisation.objects.filter(name="测试市林业局").exists()
    assert client_for(desk.service).get("/service/directory/").status_code == 403


# ------------------------------------------------------------------------------------------------ visit plans


@pytest.fixture
def firms(desk):
    from zhaoshang.registry.models import Enterprise
    from zhaoshang.registry.parks import set_park
    from zhaoshang.registry.services import ensure_enterprise

    above = ensure_enterprise(None, name="测试规上甲有限公司", organisation=desk.city, source="test")
    below = ensure_enterprise(None, name="测试规下乙有限公司", organisation=desk.city, source="test")
    Enterprise.objects.filter(pk=above.pk).update(above_scale=True)
    Enterprise.objects.filter(pk=below.pk).update(above_scale=False)
    set_park(None, above, desk.park)
    return above, below


def test_every_above_scale_firm_is_planned_once_a_quarter_for_the_officer_whose_scope_holds_it(desk, firms):
    from zhaoshang.accounts.roles import Role
    from zhaoshang.accounts.services import ensure_user

    park_officer = ensure_user(
        None, username="t-park-service", password="x", organisation=desk.park, role=Role.SERVICE_OFFICER
    )
    above, below = firms
    counts = s.plan_automatic_visits(date(2025, 5, 10))
    assert counts["above_scale"] == 1 and counts["by_officer"] == {park_officer.pk: 1}
    visit = Visit.objects.get()
    assert (
        visit.enterprise == above and visit.officer == park_officer and visit.plan_key == "above_scale:2025Q2"
    )
    assert date(2025, 5, 10) <= visit.planned_for <= date(2025, 6, 30)
    assert s.plan_automatic_visits(date(2025, 6, 1))["above_scale"] == 0  # idempotent within the quarter
    assert s.plan_automatic_visits(date(2025, 7, 1))["above_scale"] == 1  # the next quarter
    assert not Visit.objects.filter(enterprise=below).exists()


def test_a_newly_landed_project_gets_a_visit_in_its_first_month(desk, firms):
    from zhaoshang.pipeline.services import advance_project, create_project

    above, _below = firms
    project = create_project(desk.admin, name="测试落地项目", organisation=desk.bureau, investor=above)
    advance_project(
        desk.admin,
        project,
        "registered",
        on=date(2025, 5, 2),
        first_contact_date=date(2025, 1, 2),
        visit_date=date(2025, 2, 2),
        planned_investment_wan=1000,
        signed_date=date(2025, 3, 2),
        signed_amount_wan=1000,
        location="甲园区",
        registered_uscc="91430211MA4L0XY05X",
    )
    counts = s.plan_automatic_visits(date(2025, 5, 10))
    assert counts["landed"] == 1
    landed = Visit.objects.get(plan_key=f"landed:{project.pk}")
    assert (
        landed.officer == desk.service and landed.enterprise == above
    )  # the registry does not know the code
    assert landed.planned_for == date(2025, 5, 16)  # two weeks after landing, within the first month
    assert s.plan_automatic_visits(date(2025, 5, 11))["landed"] == 0
    assert s.plan_automatic_visits(date(2025, 7, 10))["landed"] == 0  # past its first month: no new plan


def test_coverage_per_officer_and_per_park_counts_planned_and_done(desk, firms):
    s.plan_automatic_visits(date(2025, 5, 10))
    visit = Visit.objects.get()
    s.record_visit(desk.service, visit, findings="一切正常", done_on=date(2025, 5, 20))
    coverage = s.visit_coverage(date(2025, 4, 1), date(2025, 6, 30), user=desk.service)
    assert coverage["parks"] == [{"name": desk.park.name, "planned": 1, "done": 1}]
    assert coverage["officers"][0]["planned"] == 1 and coverage["officers"][0]["done"] == 1


def test_the_command_and_the_hourly_reminder_source_plan_the_same_visits_once(desk, firms):
    from zhaoshang.notifications.models import Notification
    from zhaoshang.notifications.services import run_reminders

    out = StringIO()
    call_command("service", "plan-visits", "--date", "2025-05-10", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["above_scale"] == 1 and data["by_officer"] == {"t-service": 1}
    out = StringIO()
    call_command("service", "plan-visits", "--date", "2025-05-10", "--json", stdout=out)
    assert json.loads(out.getvalue())["above_scale"] == 0
    Visit.objects.all().delete()
    run_reminders(date(2025, 5, 10))
    assert Visit.objects.count() == 1
    note = Notification.objects.get(kind="visits_planned")
    assert note.user == desk.service and "1" in note.text


# ------------------------------------------------------------------------------------------------ charts


def test_the_dashboard_charts_carry_the_monthly_rates_and_load_a_static_module(desk, client_for):
    from zoneinfo import ZoneInfo

    import time_machine

    for day in (datetime(2025, 3, 3, 9), datetime(2025, 3, 4, 9), datetime(2025, 4, 1, 9)):
        with time_machine.travel(day.replace(tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
            s.receive_appeal(
                desk.service,
                channel="cadre",
                firm_name="测试图表有限公司",
                content="路灯",
                category=desk.land,
            )
    months = s.monthly_rates(s.appeals_in_period(date(2025, 1, 1), date(2025, 12, 31)))
    assert [(m["month"], m["received"]) for m in months] == [("2025-03", 2), ("2025-04", 1)]
    page = client_for(desk.leader).get("/service/rates/?start=2025-01-01&end=2025-12-31").content.decode()
    assert '<script type="module" src="/static/service/rates.js"' in page
    assert 'data-months-url="/service/rates/months.json?start=2025-01-01&amp;end=2025-12-31"' in page
    data = json.loads(page.split('id="service-chart" type="application/json">')[1].split("</script>")[0])
    assert data["categories"] == ["用地"] and data["category_received"] == [3]
    series = client_for(desk.leader).get("/service/rates/months.json?start=2025-01-01&end=2025-12-31").json()
    assert series["months"] == ["2025-03", "2025-04"] and series["received"] == [2, 1]
    assert series["response_rate"] == [0.0, 0.0]  # received, none responded yet


def test_the_monthly_series_needs_a_login_and_the_appeal_view_right(desk, client, client_for):
    url = "/service/rates/months.json"
    assert client.get(url).status_code == 302
    assert client_for(desk.officer).get(url).status_code == 403
    assert client_for(desk.leader).get(url + "?start=bad").status_code == 200  # a bad period: the default one
