from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from zhaoshang.pipeline import services
from zhaoshang.pipeline.models import CoordinationItem, FollowUp, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_parks(cast, make_project):
    ours = make_project("甲园区的项目", planned_investment_wan=Decimal("1000"))
    theirs = make_project("乙园区的机密项目", team=cast.other_park, owner=cast.outsider, actor=cast.outsider)
    return ours, theirs


def test_pages_need_a_login(client, two_parks):
    ours, _ = two_parks
    for url in (
        reverse("pipeline:list"),
        reverse("pipeline:detail", args=[ours.pk]),
        reverse("pipeline:items"),
        reverse("pipeline:carriers"),
        reverse("pipeline:meeting"),
        reverse("pipeline:dashboard"),
        reverse("pipeline:import"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_park_sees_its_projects_and_not_another_parks(cast, client_for, two_parks):
    ours, theirs = two_parks
    page = client_for(cast.owner).get(reverse("pipeline:list")).content.decode()
    assert "甲园区的项目" in page and "乙园区的机密项目" not in page
    assert client_for(cast.owner).get(reverse("pipeline:detail", args=[theirs.pk])).status_code == 404
    assert (
        client_for(cast.owner)
        .post(reverse("pipeline:advance", args=[theirs.pk]), {"stage": "dropped"})
        .status_code
        == 404
    )
    assert (
        client_for(cast.owner)
        .post(
            reverse("pipeline:followup_new", args=[theirs.pk]),
            {"date": "2026-03-02", "content": "x", "way": "call"},
        )
        .status_code
        == 404
    )
    assert FollowUp.objects.count() == 0


def test_a_leader_sees_every_parks_projects_but_cannot_change_them(cast, client_for, two_parks):
    ours, theirs = two_parks
    page = client_for(cast.leader).get(reverse("pipeline:list")).content.decode()
    assert "甲园区的项目" in page and "乙园区的机密项目" in page
    assert (
        client_for(cast.leader)
        .post(reverse("pipeline:advance", args=[theirs.pk]), {"stage": "dropped", "drop_reason": "x"})
        .status_code
        == 403
    )
    assert Project.objects.get(pk=theirs.pk).stage == "lead"


def test_a_department_handler_cannot_open_the_project_list(cast, client_for, two_parks):
    assert client_for(cast.handler).get(reverse("pipeline:list")).status_code == 403


def test_the_project_list_runs_a_bounded_number_of_queries(
    cast, client_for, make_project, django_assert_max_num_queries
):
    for i in range(30):
        make_project(f"项目{i}")
    client = client_for(cast.owner)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pipeline:list") + "?stage=lead")
    assert response.status_code == 200 and response.content.decode().count("/pipeline/") >= 30


def test_the_list_filters_by_stage_and_search(cast, client_for, make_project):
    make_project("风电叶片项目", first_contact_date=dt.date(2026, 3, 2))
    lead = make_project("储能电站项目")
    services.advance_project(cast.owner, Project.objects.get(name="风电叶片项目"), "contact")
    page = client_for(cast.owner).get(reverse("pipeline:list") + "?stage=contact").content.decode()
    assert "风电叶片项目" in page and lead.name not in page
    page = client_for(cast.owner).get(reverse("pipeline:list") + "?q=储能").content.decode()
    assert "储能电站项目" in page and "风电叶片项目" not in page


def test_moving_to_signed_on_the_page_first_says_what_is_missing(cast, client_for, make_project):
    project = make_project(
        first_contact_date=dt.date(2026, 3, 2),
        visit_date=dt.date(2026, 3, 3),
        planned_investment_wan=Decimal("100"),
    )
    client = client_for(cast.owner)
    response = client.post(reverse("pipeline:advance", args=[project.pk]), {"stage": "signed"})
    assert response.status_code == 400
    assert "进入「签约」阶段还需要：签约日期、签约金额（万元）、落户载体或地点" in response.content.decode()
    response = client.post(
        reverse("pipeline:advance", args=[project.pk]),
        {"stage": "signed", "signed_date": "2026-03-10", "signed_amount_wan": "90", "location": "甲园区"},
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).stage == "signed"


def test_creating_a_project_on_the_page_warns_about_another_team_on_the_same_investor(
    cast, client_for, make_project
):
    make_project("对方的项目", team=cast.other_park, owner=cast.outsider, investor_name="同名科技有限公司")
    response = client_for(cast.owner).post(
        reverse("pipeline:new"),
        {
            "name": "我的项目",
            "organisation": cast.park.pk,
            "owner": cast.owner.pk,
            "source": "fair",
            "investor_name": "同名科技有限公司",
            "need_area_unit": "m2",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "乙园区" in page and str(cast.outsider) in page
    assert "对方的项目" not in page


def test_recording_a_follow_up_on_the_page_creates_the_callback(cast, client_for, make_project):
    project = make_project()
    response = client_for(cast.owner).post(
        reverse("pipeline:followup_new", args=[project.pk]),
        {
            "date": "2026-03-06",
            "way": "visit",
            "content": "拜访",
            "participants": "王总",
            "next_action": "",
            "next_due": "",
        },
    )
    assert response.status_code == 302
    assert project.tasks.get().due == dt.date(2026, 3, 11)


def test_the_workbench_lists_my_due_and_overdue_follow_ups_and_cold_projects(cast, client_for, make_project):
    project = make_project("需要跟进的项目", created_on=dt.date(2026, 1, 1))
    services.record_followup(
        cast.owner,
        project,
        date=dt.date(2026, 1, 5),
        content="a",
        next_action="寄送资料",
        next_due=dt.date(2026, 3, 2),
    )
    cold = make_project("沉寂项目", created_on=dt.date(2026, 1, 1))
    with time_machine.travel(dt.datetime(2026, 3, 4, 9), tick=False):
        page = client_for(cast.owner).get("/").content.decode()
        assert "寄送资料" in page and "沉寂项目" in page and cold.name in page
        page = client_for(cast.colleague).get("/").content.decode()
        assert "寄送资料" not in page and "沉寂项目" not in page


def test_coordination_items_are_seen_by_the_responsible_department_and_listed_when_overdue(
    cast, client_for, make_project
):
    project = make_project()
    item = services.create_coordination_item(
        cast.owner, project, title="施工许可加急", department=cast.dept, due=dt.date(2026, 3, 2)
    )
    with time_machine.travel(dt.datetime(2026, 3, 5, 9), tick=False):
        page = client_for(cast.handler).get(reverse("pipeline:items")).content.decode()
    assert "施工许可加急" in page and "自然资源局" in page
    response = client_for(cast.handler).post(
        reverse("pipeline:item", args=[item.pk]), {"status": "done", "note": "已办结"}
    )
    assert response.status_code == 302 and CoordinationItem.objects.get().status == "done"
    assert client_for(cast.outsider).get(reverse("pipeline:item", args=[item.pk])).status_code == 404


def test_the_meeting_pack_downloads_as_word_and_pdf(cast, client_for, make_project):
    make_project("下载测试项目", created_on=dt.date(2026, 2, 1))
    client = client_for(cast.leader)
    base = reverse("pipeline:meeting") + "?start=2026-01-01&end=2026-03-31"
    assert "下载测试项目" in client.get(base).content.decode()
    docx = client.get(base + "&format=docx")
    assert docx.status_code == 200 and docx["Content-Disposition"].startswith("attachment")
    assert b"".join(docx.streaming_content)[:2] == b"PK"
    pdf = client.get(base + "&format=pdf")
    assert b"".join(pdf.streaming_content)[:4] == b"%PDF"


def test_a_park_cannot_ask_for_another_parks_meeting_pack(cast, client_for, make_project):
    make_project("乙园区机密", team=cast.other_park, owner=cast.outsider, created_on=dt.date(2026, 2, 1))
    response = client_for(cast.owner).get(
        reverse("pipeline:meeting") + f"?start=2026-01-01&end=2026-03-31&org={cast.other_park.pk}"
    )
    assert "乙园区机密" not in response.content.decode()


def test_the_dashboard_shows_the_funnel(cast, client_for, make_project):
    make_project()
    page = client_for(cast.leader).get(reverse("pipeline:dashboard")).content.decode()
    assert "pipeline/dashboard.js" in page and "pipeline-chart" in page and "线索" in page


def test_carriers_are_listed_for_the_park_and_added_by_its_admin(cast, client_for):
    response = client_for(cast.owner).post(
        reverse("pipeline:carriers"),
        {
            "organisation": cast.park.pk,
            "name": "三号标准厂房",
            "kind": "factory",
            "area_unit": "m2",
            "status": "available",
        },
    )
    assert response.status_code == 302
    assert "三号标准厂房" in client_for(cast.owner).get(reverse("pipeline:carriers")).content.decode()
    assert "三号标准厂房" not in client_for(cast.outsider).get(reverse("pipeline:carriers")).content.decode()
    assert client_for(cast.leader).post(reverse("pipeline:carriers"), {"name": "x"}).status_code == 403


def test_the_import_page_shows_row_errors(cast, client_for, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "项目名称,投资方,计划投资（万元）\n,某公司,abc\n".encode()
    response = client_for(cast.owner).post(
        reverse("pipeline:import"),
        {"file": SimpleUploadedFile("list.csv", csv), "organisation": cast.park.pk, "dry_run": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        "<td>2</td><td>项目名称</td><td></td><td>「项目名称」不能为空</td>" in page
    )  # row, column, value, reason
    assert "<td>2</td><td>计划投资（万元）</td><td>abc</td>" in page and Project.objects.count() == 0


def test_the_owners_leader_sees_the_cold_project_on_the_workbench_and_a_peer_does_not(
    cast, client_for, make_project
):
    cast.owner.leader = cast.leader
    cast.owner.save()
    make_project("被遗忘的线索", created_on=dt.date(2026, 1, 5))
    with time_machine.travel(dt.datetime(2026, 2, 4, 9), tick=False):  # day 30: not yet
        assert "被遗忘的线索" not in client_for(cast.leader).get("/").content.decode()
    with time_machine.travel(dt.datetime(2026, 2, 5, 9), tick=False):  # day 31: going cold
        page = client_for(cast.leader).get("/").content.decode()
        assert 'data-testid="panel-cold"' in page and "被遗忘的线索" in page and str(cast.owner) in page
        assert "被遗忘的线索" in client_for(cast.owner).get("/").content.decode()
        assert "被遗忘的线索" not in client_for(cast.officer).get("/").content.decode()


def test_every_users_workbench_lists_their_own_due_follow_ups(cast, client_for, make_project):
    import re

    theirs = make_project(
        "乙园区的项目",
        team=cast.other_park,
        owner=cast.outsider,
        actor=cast.outsider,
        created_on=dt.date(2026, 3, 1),
    )
    services.record_followup(
        cast.outsider,
        theirs,
        date=dt.date(2026, 3, 2),
        content="a",
        next_action="乙园区回访",
        next_due=dt.date(2026, 3, 4),
    )
    ours = make_project("甲园区的项目", created_on=dt.date(2026, 3, 1))
    services.record_followup(
        cast.colleague,
        ours,
        date=dt.date(2026, 3, 2),
        content="b",
        next_action="同事的回访",
        next_due=dt.date(2026, 3, 3),
    )
    with time_machine.travel(dt.datetime(2026, 3, 4, 9), tick=False):
        outsider = client_for(cast.outsider).get("/").content.decode()
        colleague = client_for(cast.colleague).get("/").content.decode()

    def entry(page, text):
        return next((li for li in re.findall(r"<li>.*?</li>", page, re.S) if text in li), None)

    assert entry(outsider, "乙园区回访") is not None and "同事的回访" not in outsider
    assert "badge missing" not in entry(outsider, "乙园区回访")  # due today
    assert (
        "badge missing" in entry(colleague, "同事的回访") and "乙园区回访" not in colleague
    )  # overdue since yesterday


def test_the_workbench_and_project_page_run_a_bounded_number_of_queries(
    cast, client_for, make_project, django_assert_max_num_queries
):
    for i in range(15):
        p = make_project(f"项目{i}", created_on=dt.date(2026, 1, 1))
        services.record_followup(
            cast.owner,
            p,
            date=dt.date(2026, 1, 2),
            content="a",
            next_action="回访",
            next_due=dt.date(2026, 1, 5),
        )
        services.create_coordination_item(
            cast.owner, p, title=f"事项{i}", department=cast.dept, due=dt.date(2026, 1, 10)
        )
    client = client_for(cast.owner)
    with django_assert_max_num_queries(25):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("pipeline:detail", args=[p.pk])).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("pipeline:items")).status_code == 200


def test_the_dashboard_figures_are_the_databases_and_stay_within_the_users_scope(
    cast, client_for, make_project
):
    import json

    from zhaoshang.chains.models import Chain, ChainNode

    node = ChainNode.objects.create(
        chain=Chain.objects.create(slug="rail", name="轨道交通"), key="bogie", name="转向架", path="转向架"
    )
    with time_machine.travel(dt.datetime(2026, 3, 15, 9), tick=False):
        signed = make_project(
            "签约项目",
            created_on=dt.date(2026, 1, 10),
            nodes=[node],
            first_contact_date=dt.date(2026, 1, 10),
            visit_date=dt.date(2026, 1, 20),
            planned_investment_wan=Decimal("5000"),
        )
        services.advance_project(
            cast.owner,
            signed,
            "signed",
            signed_date=dt.date(2026, 2, 10),
            signed_amount_wan=Decimal("4500"),
            location="甲园区",
        )
        make_project("线索一", created_on=dt.date(2026, 2, 1), planned_investment_wan=Decimal("800"))
        make_project(
            "乙园区项目",
            team=cast.other_park,
            owner=cast.outsider,
            created_on=dt.date(2026, 3, 1),
            planned_investment_wan=Decimal("7000"),
        )
        data = services.dashboard(Project.objects.all())
        mine = client_for(cast.owner).get(reverse("pipeline:dashboard"))
    funnel = {r["code"]: (r["count"], r["planned"], r["signed"]) for r in data.funnel}
    assert funnel["lead"] == (2, Decimal("7800"), Decimal(0)) and funnel["signed"] == (
        1,
        Decimal("5000"),
        Decimal("4500"),
    )
    assert sum(r["count"] for r in data.funnel) == Project.objects.count()
    assert [(r["name"], r["planned"]) for r in data.by_team] == [
        ("乙园区", Decimal("7000")),
        ("甲园区", Decimal("5800")),
    ]
    assert [(r["name"], r["count"]) for r in data.by_chain] == [("轨道交通", 1)]
    trend = {r["month"]: (r["new"], r["signed"]) for r in data.trend}
    assert trend["2026-01"] == (1, 0) and trend["2026-02"] == (1, 1) and trend["2026-03"] == (1, 0)
    chart = json.loads(
        mine.content.decode()
        .split('<script id="pipeline-chart" type="application/json">')[1]
        .split("</script>")[0]
    )
    reached = {r["code"]: r["reached"] for r in data.funnel}
    assert (reached["lead"], reached["contact"], reached["signed"], reached["registered"]) == (3, 1, 1, 0)
    assert reached["on_hold"] is None  # a hold is not a step of the funnel
    # the owner's funnel counts the projects that got at least that far: 2 leads, 1 of them on to 签约
    assert chart["teams"] == ["甲园区"] and [f["value"] for f in chart["funnel"]][:6] == [2, 1, 1, 1, 1, 0]
    assert chart["planned"][0] == 800.0 and chart["signed"][4] == 4500.0


def test_the_project_page_lists_matching_carriers_with_their_reasons_from_the_users_scope(
    cast, client_for, make_project
):
    services.save_carrier(
        cast.owner, organisation=cast.park, name="A1地块", kind="land", area=Decimal("60"), area_unit="mu"
    )
    services.save_carrier(
        cast.owner, organisation=cast.park, name="A2小地块", kind="land", area=Decimal("30"), area_unit="mu"
    )
    services.save_carrier(
        cast.outsider,
        organisation=cast.other_park,
        name="乙园区地块",
        kind="land",
        area=Decimal("90"),
        area_unit="mu",
    )
    project = make_project(need_kind="land", need_area=Decimal("50"), need_area_unit="mu")
    page = client_for(cast.owner).get(reverse("pipeline:detail", args=[project.pk])).content.decode()
    assert page.index("A1地块") < page.index("A2小地块")
    assert "面积 30亩（20,000㎡） 小于需求 50亩（33,333㎡）" in page
    assert "乙园区地块" not in page


def test_the_import_page_refuses_a_team_outside_the_users_organisation(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "项目名称,投资方\n越权项目,某公司\n".encode()
    response = client_for(cast.owner).post(
        reverse("pipeline:import"),
        {"file": SimpleUploadedFile("list.csv", csv), "organisation": cast.other_park.pk},
    )
    assert response.status_code == 400 and Project.objects.count() == 0
