from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.core.models import AuditEntry
from zhaoshang.pipeline import services
from zhaoshang.pipeline.models import CoordinationItem, FollowUp, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_parks(cast, make_project):
    ours = make_project(
        "甲园区的项目",
        first_contact_date=dt.date(2026, 3, 2),
        visit_date=dt.date(2026, 3, 3),
        planned_investment_wan=Decimal("10"),
    )
    theirs = make_project("乙园区的机密项目", team=cast.other_park, owner=cast.outsider, actor=cast.outsider)
    return ours, theirs


def test_the_api_needs_a_login(client, two_parks):
    for url in (
        "/api/projects/",
        "/api/followups/",
        "/api/coordination-items/",
        f"/api/projects/{two_parks[0].pk}/",
    ):
        response = client.get(url)
        assert response.status_code in (401, 403) and "error" in response.json()


def test_a_park_lists_only_its_projects_and_gets_404_for_anothers(cast, client_for, two_parks):
    ours, theirs = two_parks
    client = client_for(cast.owner)
    names = [p["name"] for p in client.get("/api/projects/").json()["results"]]
    assert names == ["甲园区的项目"]
    assert client.get(f"/api/projects/{theirs.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/projects/{theirs.pk}/advance/", {"stage": "dropped", "drop_reason": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/api/projects/{theirs.pk}/duplicates/").status_code == 404


def test_a_leader_lists_every_project_but_may_not_create(cast, client_for, two_parks):
    client = client_for(cast.leader)
    assert len(client.get("/api/projects/").json()["results"]) == 2
    response = client.post(
        "/api/projects/", {"name": "x", "organisation": cast.park.pk, "investor_name": "y"}
    )
    assert response.status_code == 403


def test_creating_a_project_through_the_api_is_audited_and_stays_in_the_users_organisations(cast, client_for):
    client = client_for(cast.owner)
    response = client.post(
        "/api/projects/",
        {
            "name": "API项目",
            "organisation": cast.park.pk,
            "investor_name": "接口科技有限公司",
            "planned_investment_wan": "500",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    project = Project.objects.get(name="API项目")
    assert project.stage == "lead" and project.investor.name == "接口科技有限公司"
    assert AuditEntry.objects.filter(
        model="pipeline.project", object_id=str(project.pk), actor=cast.owner
    ).exists()
    response = client.post(
        "/api/projects/",
        {"name": "越权项目", "organisation": cast.other_park.pk, "investor_name": "z"},
        content_type="application/json",
    )
    assert response.status_code == 400 and not Project.objects.filter(name="越权项目").exists()


def test_advancing_without_the_stages_data_answers_400_with_the_chinese_message(cast, client_for, two_parks):
    ours, _ = two_parks
    client = client_for(cast.owner)
    response = client.post(
        f"/api/projects/{ours.pk}/advance/", {"stage": "signed"}, content_type="application/json"
    )
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "stage_requirements_missing"
    assert body["error"] == "进入「签约」阶段还需要：签约日期、签约金额（万元）、落户载体或地点"
    assert [m["field"] for m in body["missing"]] == ["signed_date", "signed_amount_wan", "carrier_id"]
    response = client.post(
        f"/api/projects/{ours.pk}/advance/",
        {"stage": "signed", "signed_date": "2026-03-10", "signed_amount_wan": "9", "location": "甲园区"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["stage_name"] == "签约"


def test_the_duplicates_endpoint_reveals_only_team_and_contact(cast, client_for, make_project):
    ours = make_project(investor_name="重复投资方有限公司")
    make_project(
        "对方项目",
        team=cast.other_park,
        owner=cast.outsider,
        investor_name="重复投资方有限公司",
        planned_investment_wan=Decimal("777"),
    )
    body = client_for(cast.owner).get(f"/api/projects/{ours.pk}/duplicates/").json()
    assert body == [{"team": "乙园区", "contact": str(cast.outsider), "phone": ""}]


def test_follow_ups_through_the_api_use_the_service_and_stay_in_scope(cast, client_for, two_parks):
    ours, theirs = two_parks
    client = client_for(cast.owner)
    response = client.post(
        "/api/followups/",
        {"project": ours.pk, "date": "2026-03-06", "way": "call", "content": "电话"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert ours.tasks.count() == 1  # the callback
    response = client.post(
        "/api/followups/",
        {"project": theirs.pk, "date": "2026-03-06", "way": "call", "content": "越权"},
        content_type="application/json",
    )
    assert response.status_code == 400 and FollowUp.objects.filter(project=theirs).count() == 0
    services.record_followup(cast.outsider, theirs, date=dt.date(2026, 3, 6), content="他们的记录")
    assert [f["content"] for f in client.get("/api/followups/").json()["results"]] == ["电话"]


def test_coordination_items_through_the_api_record_their_history(cast, client_for, two_parks):
    ours, theirs = two_parks
    owner = client_for(cast.owner)
    response = owner.post(
        "/api/coordination-items/",
        {"project": ours.pk, "title": "用地报批", "department": cast.dept.pk, "due": "2026-03-20"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    item = CoordinationItem.objects.get()
    handler = client_for(cast.handler)
    assert [i["title"] for i in handler.get("/api/coordination-items/").json()["results"]] == ["用地报批"]
    response = handler.patch(
        f"/api/coordination-items/{item.pk}/",
        {"status": "done", "note": "已批复"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [e.note for e in item.events.all()] == ["用地报批", "已批复"]
    assert client_for(cast.outsider).get(f"/api/coordination-items/{item.pk}/").status_code == 404
    assert client_for(cast.handler).get("/api/projects/").status_code == 403


def test_every_change_through_the_api_is_in_the_audit_log_under_the_user(cast, client_for, two_parks):
    ours, _ = two_parks
    owner = client_for(cast.owner)
    owner.post(f"/api/projects/{ours.pk}/advance/", {"stage": "negotiation"}, content_type="application/json")
    response = owner.patch(
        f"/api/projects/{ours.pk}/", {"expected_jobs": 120}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    followup = owner.post(
        "/api/followups/",
        {
            "project": ours.pk,
            "date": "2026-03-06",
            "way": "call",
            "content": "电话",
            "next_action": "寄资料",
            "next_due": "2026-03-09",
        },
        content_type="application/json",
    ).json()
    assert (
        owner.patch(
            f"/api/followups/{followup['id']}/", {"done": True}, content_type="application/json"
        ).status_code
        == 200
    )
    item = owner.post(
        "/api/coordination-items/",
        {"project": ours.pk, "title": "环评", "department": cast.dept.pk, "due": "2026-03-20"},
        content_type="application/json",
    ).json()
    assert (
        client_for(cast.handler)
        .patch(
            f"/api/coordination-items/{item['id']}/",
            {"status": "in_progress"},
            content_type="application/json",
        )
        .status_code
        == 200
    )

    def changes(model, pk, actor):
        return [
            e.changes
            for e in AuditEntry.objects.filter(model=model, object_id=str(pk), actor=actor).order_by("id")
        ]

    project_changes = changes("pipeline.project", ours.pk, cast.owner)
    assert ["lead", "negotiation"] in [c.get("stage") for c in project_changes]
    assert [None, 120] in [c.get("expected_jobs") for c in project_changes]
    assert AuditEntry.objects.filter(
        model="pipeline.followup", object_id=str(followup["id"]), action="create", actor=cast.owner
    ).exists()
    assert [False, True] in [c.get("done") for c in changes("pipeline.followup", followup["id"], cast.owner)]
    assert AuditEntry.objects.filter(
        model="pipeline.coordinationitem", object_id=str(item["id"]), action="create", actor=cast.owner
    ).exists()
    assert ["open", "in_progress"] in [
        c.get("status") for c in changes("pipeline.coordinationitem", item["id"], cast.handler)
    ]


def test_a_leader_reads_every_parks_follow_ups_and_items_but_writes_none(cast, client_for, two_parks):
    ours, theirs = two_parks
    services.record_followup(cast.owner, ours, date=dt.date(2026, 3, 6), content="我们的记录")
    services.record_followup(cast.outsider, theirs, date=dt.date(2026, 3, 6), content="他们的记录")
    services.create_coordination_item(
        cast.outsider, theirs, title="他们的事项", department=cast.dept, due=dt.date(2026, 3, 20)
    )
    leader = client_for(cast.leader)
    assert sorted(f["content"] for f in leader.get("/api/followups/").json()["results"]) == [
        "他们的记录",
        "我们的记录",
    ]
    assert [i["title"] for i in leader.get("/api/coordination-items/").json()["results"]] == ["他们的事项"]
    response = leader.post(
        "/api/followups/",
        {"project": ours.pk, "date": "2026-03-06", "way": "call", "content": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403 and FollowUp.objects.count() == 2
    assert [
        i["title"] for i in client_for(cast.owner).get("/api/coordination-items/").json()["results"]
    ] == []


def test_creating_a_project_through_the_api_names_another_team_on_the_same_investor_and_nothing_else(
    cast, client_for, make_project
):
    make_project(
        "对方的机密项目",
        team=cast.other_park,
        owner=cast.outsider,
        investor_name="同一投资方有限公司",
        planned_investment_wan=Decimal("4321"),
    )
    response = client_for(cast.owner).post(
        "/api/projects/",
        {"name": "我们的项目", "organisation": cast.park.pk, "investor_name": "同一投资方有限公司"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["duplicates"] == [{"team": "乙园区", "contact": str(cast.outsider), "phone": ""}]
    assert "对方的机密项目" not in response.content.decode() and "4321" not in response.content.decode()
