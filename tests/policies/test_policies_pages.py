"""Policy pages and API: the library, clause forms with rules beside the words, a firm's matches, the
免申即享 list; negative tests for login, role and other organisations."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhaoshang.policies import services
from zhaoshang.policies.models import Clause, Push

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 6, 30, 10, 0)


@pytest.mark.parametrize("url", ["/policies/", "/policies/export/", "/policies/import/"])
def test_every_page_needs_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_api_needs_a_login(client):
    assert client.get("/api/policies/").status_code in (401, 403)
    assert client.get("/api/policy-pushes/").status_code in (401, 403)


def test_the_policy_page_shows_each_clause_beside_its_rules(
    cast, client_for, policy, django_assert_max_num_queries
):
    c = client_for(cast.officer)
    with django_assert_max_num_queries(15):
        html = c.get(f"/policies/{policy.pk}/").content.decode()
    assert (
        "对本市高新技术企业给予20万元奖励。" in html
        and "具有高新技术企业资质（在有效期内）" in html
        and "研发投入占比不低于5%" in html
    )
    assert c.get("/policies/").status_code == 200


def test_only_an_administrator_edits_a_clause_and_a_bad_condition_is_a_form_error(cast, client_for, policy):
    clause = policy.clauses.get(number="第一条")
    url = f"/policies/clauses/{clause.pk}/edit/"
    assert client_for(cast.service).get(url).status_code == 403
    admin = client_for(cast.admin)
    bad = admin.post(url, {"title": "高企奖励", "text": "原文", "conditions": "capital >= lots"})
    assert bad.status_code == 400 and "不是数字" in bad.content.decode()
    good = admin.post(
        url, {"title": "高企奖励", "text": "原文", "conditions": "capital >= 500\nregion in 4302"}
    )
    assert good.status_code == 302
    assert Clause.objects.get(pk=clause.pk).conditions == [
        {"kind": "capital", "min": 500.0},
        {"kind": "region", "in": ["4302"]},
    ]


def test_a_new_policy_is_created_through_the_form(cast, client_for):
    response = client_for(cast.admin).post(
        "/policies/new/", {"code": "N-1", "title": "新政策", "issuer": "某局", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 302
    assert (
        client_for(cast.service)
        .post("/policies/new/", {"code": "N-2", "title": "x", "issuer": "y"})
        .status_code
        == 403
    )


def test_the_import_page_reports_rows_and_writes_nothing_on_error(cast, client_for, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "p.csv", "政策文号,政策名称,条款号,条款原文,条件\nC-1,甲,第一条,原文,colour in red\n".encode()
    )
    response = client_for(cast.admin).post("/policies/import/", {"file": upload})
    assert response.status_code == 400 and "第1行" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_firm_section_lists_matched_nearly_and_unknown_clauses(cast, client_for, policy, firms):
    html = client_for(cast.owner).get(f"/policies/firm/{firms['big'].pk}/").content.decode()
    assert "高企奖励" in html and "研发补助" in html and "✓" in html
    # the registry is shared: another park reads the same matches (and an unknown firm is 404)
    assert client_for(cast.outsider).get(f"/policies/firm/{firms['big'].pk}/").status_code == 200
    assert client_for(cast.outsider).get("/policies/firm/999999/").status_code == 404
    api = client_for(cast.owner).get(f"/api/policies/match/?firm={firms['big'].pk}").json()
    assert [r["number"] for r in api["matched"]] == ["第一条", "第二条"]
    assert client_for(cast.outsider).get(f"/api/policies/match/?firm={firms['big'].pk}").status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_the_service_officer_pushes_assigns_records_and_exports_the_list(cast, client_for, policy, firms):
    clause = policy.clauses.get(number="第一条")
    c = client_for(cast.service)
    assert c.post(f"/policies/clauses/{clause.pk}/push/").status_code == 302
    push = Push.objects.get()
    assert (
        c.post(
            f"/policies/clauses/{clause.pk}/assign/", {"push": [push.pk], "assignee": cast.service.pk}
        ).status_code
        == 302
    )
    response = c.post(
        f"/policies/pushes/{push.pk}/",
        {f"p{push.pk}-state": "paid", f"p{push.pk}-on": "2026-06-30", f"p{push.pk}-amount_wan": "20"},
    )
    assert response.status_code == 302
    push.refresh_from_db()
    assert push.state == "paid" and push.assignee == cast.service
    export = c.get(f"/policies/clauses/{clause.pk}/pushes/?export=xlsx")
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")
    assert 'data-testid="panel-pushes"' not in c.get("/").content.decode()  # paid: no longer open


@time_machine.travel(TODAY, tick=False)
def test_a_park_admin_sees_the_pushes_of_their_firms_but_cannot_push_or_record(
    cast, client_for, policy, firms
):
    clause = policy.clauses.get(number="第一条")
    services.push_clause(cast.service, clause)
    push = Push.objects.get()
    owner = client_for(cast.owner)
    assert "甲园区大型制造有限公司" in owner.get(f"/policies/clauses/{clause.pk}/pushes/").content.decode()
    assert owner.post(f"/policies/clauses/{clause.pk}/push/").status_code == 403
    assert owner.post(f"/policies/pushes/{push.pk}/", {f"p{push.pk}-state": "notified"}).status_code == 403
    outsider = client_for(cast.outsider)
    assert (
        "甲园区大型制造有限公司"
        not in outsider.get(f"/policies/clauses/{clause.pk}/pushes/").content.decode()
    )
    assert outsider.post(f"/policies/pushes/{push.pk}/", {f"p{push.pk}-state": "notified"}).status_code == 404
    assert outsider.get(f"/api/policy-pushes/{push.pk}/").status_code == 404
    assert client_for(cast.handler).get(f"/policies/clauses/{clause.pk}/pushes/").status_code == 403
    api = client_for(cast.service).patch(
        f"/api/policy-pushes/{push.pk}/",
        {"state": "notified", "on": "2026-06-30"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["state"] == "notified"
    bad = client_for(cast.service).patch(
        f"/api/policy-pushes/{push.pk}/", {"state": "paid"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "amount_required"


@time_machine.travel(TODAY, tick=False)
def test_the_firm_profile_shows_the_policy_section(cast, client_for, policy, firms):
    html = client_for(cast.owner).get(f"/registry/{firms['big'].pk}/").content.decode()
    assert 'data-testid="firm-policies"' in html and "高企奖励" in html


def test_the_source_document_is_uploaded_with_the_policy_and_served_to_logged_in_users(
    cast, client_for, client, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("办法.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client_for(cast.admin).post(
        "/policies/new/", {"code": "S-1", "title": "有原文的政策", "source_file": upload}
    )
    assert response.status_code == 302
    policy_id = int(response["Location"].strip("/").split("/")[-1])
    document = client_for(cast.officer).get(f"/policies/{policy_id}/source/")
    assert document.status_code == 200 and b"".join(document.streaming_content) == b"%PDF-1.4 test"
    assert client.get(f"/policies/{policy_id}/source/").status_code == 302
