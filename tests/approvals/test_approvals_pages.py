"""Approvals pages and API: what each role sees and may do, negative tests for login and other organisations."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhaoshang.approvals import services
from zhaoshang.approvals.models import ApprovalCase, TrackingCode

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 3, 20, 10, 0)


@pytest.fixture
def case(cast, signed_project, departments):
    return services.open_case(cast.service, signed_project(team=cast.park), agent=cast.service)


URLS = ["/approvals/", "/approvals/items/", "/approvals/promises/", "/approvals/figures/"]


@pytest.mark.parametrize("url", URLS)
def test_every_page_needs_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_api_needs_a_login(client, case):
    for url in (
        "/api/approval-cases/",
        f"/api/approval-cases/{case.pk}/timeline/",
        "/api/approval-items/",
        "/api/promises/",
    ):
        assert client.get(url).status_code in (401, 403)


@time_machine.travel(TODAY, tick=False)
def test_the_service_officer_opens_a_case_from_the_list_page(cast, client_for, signed_project, departments):
    project = signed_project()
    c = client_for(cast.service)
    page = c.get("/approvals/")
    assert page.status_code == 200 and project.name in page.content.decode()
    response = c.post("/approvals/open/", {"project": project.pk, "project_type": "industrial"})
    case = ApprovalCase.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == f"/approvals/{case.pk}/"


@time_machine.travel(TODAY, tick=False)
def test_the_case_page_shows_the_gantt_and_records_an_item_with_a_trip(
    cast, client_for, case, django_assert_max_num_queries
):
    c = client_for(cast.service)
    with django_assert_max_num_queries(30):
        page = c.get(f"/approvals/{case.pk}/")
    html = page.content.decode()
    assert (
        page.status_code == 200
        and 'id="gantt"' in html
        and "approvals/gantt.js" in html  # the chart module (it imports the local ECharts build)
        and "施工许可证" in html
    )
    filing = case.items.get(code="filing")
    response = c.post(
        f"/approvals/items/{filing.pk}/",
        {
            f"i{filing.pk}-state": "done",
            f"i{filing.pk}-started_on": "2026-03-02",
            f"i{filing.pk}-done_on": "2026-03-04",
            f"i{filing.pk}-add_trips": "1",
        },
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.state == "done" and filing.trips == 1


@time_machine.travel(TODAY, tick=False)
def test_a_refused_item_update_answers_400_with_the_reason_on_the_page(cast, client_for, case):
    site = case.items.get(code="site")
    response = client_for(cast.service).post(
        f"/approvals/items/{site.pk}/", {f"i{site.pk}-state": "in_progress"}
    )
    assert response.status_code == 400 and "前置事项尚未办结" in response.content.decode()


def test_another_parks_admin_gets_404_for_the_case_and_its_items(cast, client_for, case):
    c = client_for(cast.outsider)
    assert c.get(f"/approvals/{case.pk}/").status_code == 404
    item = case.items.get(code="filing")
    assert c.post(f"/approvals/items/{item.pk}/", {f"i{item.pk}-state": "in_progress"}).status_code == 404
    assert c.get(f"/api/approval-cases/{case.pk}/").status_code == 404
    data = c.get("/api/approval-items/").json()
    assert (data["results"] if isinstance(data, dict) else data) == []


def test_the_park_admin_sees_the_case_but_may_not_record_items(cast, client_for, case):
    c = client_for(cast.owner)
    assert c.get(f"/approvals/{case.pk}/").status_code == 200
    item = case.items.get(code="filing")
    assert c.post(f"/approvals/items/{item.pk}/", {f"i{item.pk}-state": "in_progress"}).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_the_department_handler_records_only_the_items_of_their_department(cast, client_for, case):
    c = client_for(cast.handler)
    assert c.get(f"/approvals/{case.pk}/").status_code in (403, 404)
    services.update_item(
        cast.service,
        case.items.get(code="filing"),
        state="done",
        started_on=dt.date(2026, 3, 2),
        done_on=dt.date(2026, 3, 3),
    )
    site = case.items.get(code="site")
    page = c.get("/approvals/items/")
    assert (
        page.status_code == 200
        and "用地预审与选址意见书" in page.content.decode()
        and "项目备案/核准" not in page.content.decode()
    )
    response = c.post(
        f"/approvals/items/{site.pk}/",
        {f"i{site.pk}-state": "in_progress", f"i{site.pk}-started_on": "2026-03-04", "back": "items"},
    )
    assert response.status_code == 302
    permit = case.items.get(code="construction_permit")
    assert c.post(f"/approvals/items/{permit.pk}/", {f"i{permit.pk}-state": "in_progress"}).status_code == 404
    api = c.patch(f"/api/approval-items/{site.pk}/", {"add_trips": 1}, content_type="application/json")
    assert api.status_code == 200 and api.json()["trips"] == 1


@time_machine.travel(TODAY, tick=False)
def test_promises_appear_on_the_public_page_by_tracking_code_only(
    cast, client_for, client, case, signed_project, departments
):
    c = client_for(cast.owner)
    response = c.post(
        f"/approvals/{case.pk}/promises/",
        {
            "title": "交付净地80亩",
            "kind": "land",
            "department": departments["nr"].pk,
            "deadline": "2026-03-10",
        },
    )
    assert response.status_code == 302
    other = signed_project(team=cast.other_park, actor=cast.outsider)
    services.create_promise(
        cast.outsider,
        other,
        title="别的项目的承诺",
        department=departments["nr"],
        deadline=dt.date(2026, 4, 1),
    )
    services.tracking_code(cast.outsider, other)
    code = TrackingCode.objects.get(project=case.project).code
    public = client.get(f"/public/track/{code}/")
    html = public.content.decode()
    assert public.status_code == 200 and "交付净地80亩" in html and "别的项目的承诺" not in html
    assert client.get("/public/track/not-a-code/").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_another_team_cannot_add_or_change_a_promise(cast, client_for, case, departments):
    c = client_for(cast.outsider)
    response = c.post(
        f"/approvals/{case.pk}/promises/",
        {"title": "x", "kind": "land", "department": departments["nr"].pk, "deadline": "2026-04-10"},
    )
    assert response.status_code == 404
    promise = services.create_promise(
        cast.owner, case.project, title="道路", department=departments["nr"], deadline=dt.date(2026, 3, 1)
    )
    assert c.post(f"/approvals/promises/{promise.pk}/", {f"p{promise.pk}-state": "broken"}).status_code == 404
    assert (
        client_for(cast.leader)
        .post(f"/approvals/promises/{promise.pk}/", {f"p{promise.pk}-state": "broken"})
        .status_code
        == 403
    )


@time_machine.travel(TODAY, tick=False)
def test_the_leader_sees_figures_and_overdue_promises_on_the_workbench(cast, client_for, case, departments):
    services.create_promise(
        cast.owner, case.project, title="交付净地", department=departments["nr"], deadline=dt.date(2026, 3, 1)
    )
    services.update_item(
        cast.service, case.items.get(code="filing"), state="in_progress", started_on=dt.date(2026, 3, 2)
    )
    c = client_for(cast.leader)
    figures = c.get("/approvals/figures/").content.decode()
    assert "项目备案/核准" in figures
    home = c.get("/").content.decode()
    assert 'data-testid="panel-promises"' in home and "交付净地" in home


@time_machine.travel(TODAY, tick=False)
def test_the_api_opens_a_case_and_gives_its_timeline(cast, client_for, signed_project, departments):
    project = signed_project()
    c = client_for(cast.service)
    created = c.post("/api/approval-cases/", {"project": project.pk}, content_type="application/json")
    assert created.status_code == 201
    again = c.post("/api/approval-cases/", {"project": project.pk}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "case_exists"
    timeline = c.get(f"/api/approval-cases/{created.json()['id']}/timeline/").json()
    assert timeline["critical_path"][0] == "filing" and len(timeline["items"]) == 15
    refused = client_for(cast.handler).post(
        "/api/approval-cases/", {"project": project.pk}, content_type="application/json"
    )
    assert refused.status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_materials_received_are_ticked_on_the_item_form(cast, client_for, case):
    filing = case.items.get(code="filing")
    p = f"i{filing.pk}"
    response = client_for(cast.service).post(
        f"/approvals/items/{filing.pk}/",
        {
            f"{p}-state": "in_progress",
            f"{p}-started_on": "2026-03-02",
            f"{p}-materials_received": ["营业执照", "项目备案申请表"],
        },
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.materials_received == ["项目备案申请表", "营业执照"]  # in the template's order


@time_machine.travel(TODAY, tick=False)
def test_the_leader_sees_which_department_holds_how_many_projects(cast, client_for, case):
    services.update_item(
        cast.service, case.items.get(code="filing"), state="in_progress", started_on=dt.date(2026, 3, 2)
    )
    home = client_for(cast.leader).get("/").content.decode()
    assert 'data-testid="panel-held"' in home and "发展和改革" in home
    assert 'data-testid="panel-held"' not in client_for(cast.service).get("/").content.decode()
