"""Service-desk pages: the public form and status page (no login), and the staff pages with their scoping."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.test import Client

from zhaoshang.service import services as s
from zhaoshang.service.forms import CHALLENGE_SALT
from zhaoshang.service.models import Appeal

pytestmark = pytest.mark.django_db


def public_post(client, **extra):
    page = client.get("/public/appeal/")
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    answer = signing.loads(token, salt=CHALLENGE_SALT)
    data = {
        "firm": "测试公开公司",
        "contact": "王先生",
        "phone": "13812345678",
        "content": "园区路灯不亮",
        "answer": answer,
        "token": token,
        "consent": "on",
    }
    data.update(extra)
    return client.post("/public/appeal/", data)


def test_the_public_form_needs_no_login_and_returns_a_tracking_code(desk):
    client = Client()
    assert client.get("/public/appeal/").status_code == 200
    response = public_post(client)
    assert response.status_code == 200
    code = re.search(r'data-testid="tracking-code">(\w+)<', response.content.decode()).group(1)
    appeal = Appeal.objects.get(tracking_code=code)
    assert appeal.channel == "public" and appeal.phone == "13812345678"


def test_the_public_form_refuses_a_wrong_answer_and_the_honeypot(desk):
    client = Client()
    assert public_post(client, answer=999).status_code == 400
    assert public_post(client, website="http://spam").status_code == 400
    assert public_post(client, consent="").status_code == 400
    assert Appeal.objects.count() == 0


def test_the_public_form_is_rate_limited_per_phone_and_per_ip(desk):
    client = Client()
    for _ in range(3):
        assert public_post(client).status_code == 200
    assert public_post(client).status_code == 429  # fourth from the same phone today
    for n in range(2):
        assert public_post(client, phone=f"1390000000{n}").status_code == 200
    assert public_post(client, phone="13900000009").status_code == 429  # sixth from the same IP this hour


def test_status_needs_the_tracking_code_and_the_same_phone(desk):
    appeal = s.receive_appeal(None, channel="public", firm_name="甲公司", phone="13812345678", content="路灯")
    s.reply_to_firm(desk.service, appeal, "已安排维修")
    client = Client()
    wrong = client.post("/public/appeal/status/", {"code": appeal.tracking_code, "phone": "13800000000"})
    assert wrong.status_code == 404 and "已安排维修" not in wrong.content.decode()
    right = client.post(
        "/public/appeal/status/", {"code": appeal.tracking_code.lower(), "phone": "138 1234 5678"}
    )
    assert right.status_code == 200 and "已安排维修" in right.content.decode()


def test_the_firm_can_reply_on_the_status_page(desk):
    appeal = s.receive_appeal(None, channel="public", firm_name="甲公司", phone="13812345678", content="路灯")
    Client().post(
        "/public/appeal/status/",
        {"code": appeal.tracking_code, "phone": "13812345678", "message": "还是不亮"},
    )
    assert appeal.events.filter(kind="firm_message", text="还是不亮").exists()


def test_the_status_page_never_shows_another_firms_appeal(desk):
    mine = s.receive_appeal(None, channel="public", firm_name="甲公司", phone="13812345678", content="路灯")
    other = s.receive_appeal(
        None, channel="public", firm_name="乙公司", phone="13987654321", content="乙公司的秘密"
    )
    response = Client().post("/public/appeal/status/", {"code": other.tracking_code, "phone": mine.phone})
    assert response.status_code == 404 and "乙公司" not in response.content.decode()


def test_staff_pages_need_a_login(desk):
    appeal = s.receive_appeal(desk.service, channel="phone", firm_name="甲", content="x")
    for url in (
        "/service/",
        f"/service/{appeal.pk}/",
        "/service/rates/",
        "/service/clusters/",
        "/service/new/",
    ):
        assert Client().get(url).status_code == 302


def test_a_handler_sees_their_departments_appeals_only(desk, client_for):
    mine = s.receive_appeal(desk.service, channel="phone", firm_name="甲", content="用地", category=desk.land)
    theirs = s.receive_appeal(desk.service, channel="phone", firm_name="乙", content="治安")
    client = client_for(desk.handler)
    assert client.get(f"/service/{mine.pk}/").status_code == 200
    assert client.get(f"/service/{theirs.pk}/").status_code == 404
    listing = client.get("/service/?state=all").content.decode()
    assert "甲" in listing and ">乙<" not in listing


def test_roles_without_appeals_get_403_and_outsiders_404(desk, client_for):
    appeal = s.receive_appeal(
        desk.service, channel="phone", firm_name="甲", content="用地", category=desk.land
    )
    assert client_for(desk.officer).get("/service/").status_code == 403  # investment officer: no appeals
    assert client_for(desk.outsider).get(f"/service/{appeal.pk}/").status_code == 404  # other park
    response = client_for(desk.outsider).post(f"/service/{appeal.pk}/accept/")
    assert response.status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == "assigned"


def test_a_leader_may_see_but_not_handle(desk, client_for):
    appeal = s.receive_appeal(
        desk.service, channel="phone", firm_name="甲", content="用地", category=desk.land
    )
    client = client_for(desk.leader)
    assert client.get(f"/service/{appeal.pk}/").status_code == 200
    assert client.post(f"/service/{appeal.pk}/accept/").status_code == 403


def test_the_handler_replies_and_closes_on_the_page(desk, client_for):
    appeal = s.receive_appeal(
        desk.service, channel="phone", firm_name="甲", content="用地", category=desk.land
    )
    client = client_for(desk.handler)
    assert client.post(f"/service/{appeal.pk}/accept/").status_code == 302
    assert (
        client.post(f"/service/{appeal.pk}/transfer/", {"department": desk.park.pk, "reason": ""}).status_code
        == 400
    )
    assert client.post(f"/service/{appeal.pk}/reply/", {"text": "已受理"}).status_code == 302
    assert client.post(f"/service/{appeal.pk}/close/", {"result": "solved"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "closed" and appeal.reply == "已受理"


def test_phones_are_masked_for_those_outside_the_handling_side(desk, client_for):
    appeal = s.receive_appeal(
        desk.service, channel="phone", firm_name="甲", content="用地", category=desk.land, phone="13812345678"
    )
    assert "13812345678" in client_for(desk.handler).get(f"/service/{appeal.pk}/").content.decode()
    leader_page = client_for(desk.leader).get(f"/service/{appeal.pk}/").content.decode()
    assert "13812345678" not in leader_page and "138****5678" in leader_page


def test_the_list_page_costs_a_fixed_number_of_queries(desk, client_for, django_assert_max_num_queries):
    for n in range(15):
        s.receive_appeal(
            desk.service, channel="phone", firm_name=f"甲{n}", content="用地", category=desk.land
        )
    client = client_for(desk.service)
    with django_assert_max_num_queries(12):
        assert client.get("/service/").status_code == 200


def test_the_rates_page_shows_the_definitions_and_the_reports_download(desk, client_for):
    s.receive_appeal(desk.service, channel="phone", firm_name="甲", content="用地", category=desk.land)
    client = client_for(desk.leader)
    page = client.get("/service/rates/").content.decode()
    assert "响应率" in page and "期内受理的诉求数" in page
    xlsx = client.get("/service/rates/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    docx = client.get("/service/rates/report.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_the_firm_profile_shows_its_appeals(desk, client_for):
    appeal = s.receive_appeal(
        desk.service, channel="phone", firm_name="测试甲公司", content="路灯不亮", category=desk.land
    )
    page = client_for(desk.admin).get(f"/registry/{appeal.enterprise_id}/").content.decode()
    assert 'data-testid="firm-appeals"' in page and "路灯不亮" in page


def test_the_api_needs_a_login_and_scopes_and_masks_like_the_pages(desk, client_for):
    mine = s.receive_appeal(
        desk.service, channel="phone", firm_name="甲", content="用地", category=desk.land, phone="13812345678"
    )
    theirs = s.receive_appeal(desk.service, channel="phone", firm_name="乙", content="治安")
    assert Client().get("/api/service/appeals/").status_code in (401, 403)
    handler = client_for(desk.handler)
    listed = handler.get("/api/service/appeals/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["phone"] == "13812345678"
    assert handler.get(f"/api/service/appeals/{theirs.pk}/").status_code == 404
    leader_row = client_for(desk.leader).get(f"/api/service/appeals/{mine.pk}/").json()
    assert leader_row["phone"] == "138****5678"
    assert (
        client_for(desk.officer).get("/api/service/appeals/").status_code == 403
    )  # investment officer: no appeals


def test_the_api_rates_answer_a_bad_period_with_a_400(desk, client_for):
    client = client_for(desk.leader)
    assert client.get("/api/service/appeals/rates/?from=x&to=y").status_code == 400
    data = client.get("/api/service/appeals/rates/?from=2020-01-01&to=2030-12-31").json()
    assert data["received"] == 0 and data["response_rate"] is None


def test_the_workbench_shows_the_handlers_appeals_and_the_leaders_rates(desk, client_for):
    s.receive_appeal(desk.service, channel="phone", firm_name="甲公司", content="用地", category=desk.land)
    handler_home = client_for(desk.handler).get("/").content.decode()
    assert 'data-testid="panel-appeals"' in handler_home and "甲公司" in handler_home
    leader_home = client_for(desk.leader).get("/").content.decode()
    assert 'data-testid="panel-rates"' in leader_home and 'data-testid="panel-appeals"' not in leader_home
    assert 'data-testid="panel-appeals"' not in client_for(desk.officer).get("/").content.decode()


def test_an_action_from_a_stale_page_is_refused_and_changes_nothing(desk, client_for):
    appeal = s.receive_appeal(
        desk.service, channel="phone", firm_name="甲", content="用地", category=desk.land
    )
    client = client_for(desk.handler)
    assert client.post(f"/service/{appeal.pk}/accept/", {"version": "0"}).status_code == 302
    page = client.get(f"/service/{appeal.pk}/").content.decode()
    assert 'name="version" value="1"' in page  # every action form carries the version it was read at
    # two pages read at version 1: the first reply wins, the close from the other page is refused
    assert client.post(f"/service/{appeal.pk}/reply/", {"text": "已受理", "version": "1"}).status_code == 302
    stale = client.post(f"/service/{appeal.pk}/close/", {"result": "solved", "version": "1"}, follow=True)
    assert "已被他人修改" in stale.content.decode()
    appeal.refresh_from_db()
    assert appeal.status != "closed" and appeal.version == 2 and appeal.reply == "已受理"
    # a refused action (bad input) does not move the version either
    assert (
        client.post(
            f"/service/{appeal.pk}/transfer/", {"department": desk.park.pk, "version": "2"}
        ).status_code
        == 400
    )
    appeal.refresh_from_db()
    assert appeal.version == 2
    assert (
        client.post(f"/service/{appeal.pk}/close/", {"result": "solved", "version": "2"}).status_code == 302
    )
    appeal.refresh_from_db()
    assert appeal.status == "closed" and appeal.version == 3
