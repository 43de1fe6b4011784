"""Chain pages: login, the shared registry (every organisation's firms shown), evidence, query counts."""

from __future__ import annotations

import io

import openpyxl
import pytest

from zhaoshang.chains import services
from zhaoshang.chains.models import NodeAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(cast, chain, make_firm):
    local_own = make_firm("株洲甲园区IGBT公司", "IGBT模块", region_code="430211", organisation=cast.park)
    local_other = make_firm(
        "株洲乙园区IGBT公司", "IGBT模块", region_code="430202", organisation=cast.other_park
    )
    target_other = make_firm(
        "长沙乙园区轴承公司", "轴承制造", region_code="430104", organisation=cast.other_park
    )
    target_own = make_firm("昆山甲园区制动公司", "制动系统", region_code="320583", organisation=cast.park)
    services.classify_enterprises(cast.admin)
    return {"own": local_own, "other": local_other, "target_other": target_other, "target_own": target_own}


URLS = [
    "/chains/",
    "/chains/review/",
    "/chains/mini-rail/",
    "/chains/mini-rail/compare/",
    "/chains/mini-rail/nodes/igbt/",
    "/chains/mini-rail/targets.xlsx",
    "/chains/mini-rail/targets.docx",
    "/chains/mini-rail/export.yaml",
]


@pytest.mark.parametrize("url", URLS)
def test_every_page_asks_for_login(client, chain, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/chains/mini-rail/tree.json",
        "/chains/mini-rail/export.xlsx",
        "/chains/mini-rail/targets/brake/1/?region=430200",
    ],
)
def test_the_other_get_endpoints_ask_for_login_too(client, chain, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/chains/review/train/",
        "/chains/review/1/confirm/",
        "/chains/review/1/reject/",
        "/chains/mini-rail/nodes/igbt/card/",
    ],
)
def test_every_action_asks_for_login_and_changes_nothing(client, placed, url):
    before = list(NodeAssignment.objects.values_list("pk", "status"))
    response = client.post(url, {"what": "改"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert list(NodeAssignment.objects.values_list("pk", "status")) == before
    assert placed["own"].node_assignments.get().node.card.get("what") != "改"


@pytest.mark.parametrize("url", URLS)
def test_every_page_opens_for_the_chain_office(client_for, cast, placed, url):
    assert client_for(cast.chain_office).get(url + "?region=430200").status_code == 200


def test_the_chain_map_shows_statuses_completeness_and_the_tree(client_for, cast, placed):
    page = client_for(cast.leader).get("/chains/mini-rail/?region=430200").content.decode()
    assert 'data-testid="chain-map"' in page and "chain-tree" in page and "chains/chain_map.js" in page
    assert 'class="badge missing"' in page and 'class="badge strong"' in page and 'class="badge weak"' in page


def test_a_node_panel_lists_every_organisations_firms_with_their_evidence(client_for, cast, placed):
    page = client_for(cast.owner).get("/chains/mini-rail/nodes/igbt/?region=430200").content.decode()
    assert "株洲甲园区IGBT公司" in page and "株洲乙园区IGBT公司" in page
    assert 'data-evidence="product"' in page and "IGBT" in page and "data-hidden-local" not in page
    for user in (cast.owner, cast.outsider):
        targets = client_for(user).get("/chains/mini-rail/nodes/bearing/?region=430200").content.decode()
        assert "长沙乙园区轴承公司" in targets and "轴承" in targets


def test_the_target_list_export_holds_every_target_with_its_evidence_and_reasons(client_for, cast, placed):
    response = client_for(cast.owner).get("/chains/mini-rail/targets.xlsx?region=430200")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    text = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value)
    assert (
        "昆山甲园区制动公司" in text
        and "长沙乙园区轴承公司" in text
        and "推荐理由" in text
        and "证据类型" in text
    )
    docx = client_for(cast.owner).get("/chains/mini-rail/targets.docx?region=430200")
    assert docx["Content-Type"].endswith("wordprocessingml.document") and docx.content[:2] == b"PK"
    import docx as python_docx

    document = python_docx.Document(io.BytesIO(docx.content))
    words = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert "招商目标清单" in words and "昆山甲园区制动公司" in words and "长沙乙园区轴承公司" in words
    assert "未知" not in words  # nothing said about what nobody knows: no sentence repeated on every row


def test_a_target_has_a_stable_page_for_everyone_who_works_the_chain(client_for, cast, placed):
    firm = placed["target_own"]
    url = services.target_url("mini-rail", "brake", firm.pk, "430200")
    page = client_for(cast.owner).get(url)
    assert page.status_code == 200 and "mini-rail/brake/" in page.content.decode()
    other = services.target_url("mini-rail", "bearing", placed["target_other"].pk, "430200")
    assert client_for(cast.owner).get(other).status_code == 200
    not_a_target = services.target_url("mini-rail", "bearing", placed["own"].pk, "430200")
    assert client_for(cast.owner).get(not_a_target).status_code == 404


def test_only_reviewers_may_confirm_and_never_another_organisations_firm(client_for, cast, placed):
    mine = NodeAssignment.objects.get(enterprise=placed["own"])
    theirs = NodeAssignment.objects.get(enterprise=placed["other"])
    assert client_for(cast.owner).post(f"/chains/review/{mine.pk}/confirm/").status_code == 403
    assert client_for(cast.handler).get("/chains/review/").status_code == 403
    response = client_for(cast.chain_office).post(f"/chains/review/{theirs.pk}/reject/")
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == "rejected" and theirs.reviewed_by == cast.chain_office
    assert client_for(cast.chain_office).get(f"/chains/review/{mine.pk}/confirm/").status_code == 405


def test_the_review_queue_shows_the_reasons_and_evidence_of_every_firm(
    client_for, cast, placed, django_assert_max_num_queries
):
    client = client_for(cast.owner)
    with django_assert_max_num_queries(12):
        page = client.get("/chains/review/").content.decode()
    assert (
        "株洲甲园区IGBT公司" in page
        and "株洲乙园区IGBT公司" in page
        and "IGBT" in page
        and 'data-evidence="product"' in page
    )


def test_list_pages_do_not_grow_queries_with_firms(
    client_for, cast, placed, make_firm, django_assert_max_num_queries
):
    for i in range(15):
        make_firm(f"加量{i}", "轴承", region_code="430211")
    services.classify_enterprises(cast.admin)
    client = client_for(cast.chain_office)
    with django_assert_max_num_queries(12):
        client.get("/chains/review/")
    with django_assert_max_num_queries(15):
        client.get("/chains/")
    with django_assert_max_num_queries(20):
        client.get("/chains/mini-rail/?region=430200")


def test_the_comparison_puts_regions_side_by_side(client_for, cast, placed):
    page = (
        client_for(cast.leader)
        .get("/chains/mini-rail/compare/?regions=430200,430100,320583")
        .content.decode()
    )
    assert "株洲市" in page and "长沙市" in page and "昆山市" in page


def test_cards_are_edited_by_the_chain_office_only(client_for, cast, placed, chain):
    data = {"what": "新的说明", "leaders_domestic": "甲、乙", "source": "公开资料"}
    assert client_for(cast.owner).post("/chains/mini-rail/nodes/igbt/card/", data).status_code == 403
    assert client_for(cast.chain_office).post("/chains/mini-rail/nodes/igbt/card/", data).status_code == 302
    node = chain.nodes.get(key="igbt")
    assert node.card["what"] == "新的说明" and node.card["leaders_domestic"] == ["甲", "乙"]


def test_the_enterprise_positions_snippet_renders(cast, placed):
    from django.template.loader import render_to_string

    html = render_to_string(
        "chains/_enterprise_positions.html", {"positions": services.positions_for(placed["own"])}
    )
    assert "上游 / IGBT模块" in html


def test_the_api_gives_the_gap_document_with_evidence_counts_and_every_target(client_for, cast, placed):
    data = client_for(cast.owner).get("/api/chains/mini-rail/gap/?region=430200").json()
    assert data["completeness"] >= 0 and len(data["nodes"]) == 8
    names = {t["name"] for n in data["nodes"] for t in n["targets"]}
    assert "昆山甲园区制动公司" in names and "长沙乙园区轴承公司" in names
    igbt = next(n for n in data["nodes"] if n["node_key"] == "igbt")
    assert igbt["evidence"]["product"] == 2 and igbt["candidates"] == 0 and igbt["local_firms"] == 2
    assert client_for(cast.owner).get("/api/chains/mini-rail/gap/").status_code == 400


def test_the_api_review_queue_is_shared_and_reviewing_needs_the_right(client_for, cast, placed):
    rows = client_for(cast.owner).get("/api/chain-assignments/").json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert {r["enterprise_name"] for r in rows} == {
        "株洲甲园区IGBT公司",
        "株洲乙园区IGBT公司",
        "长沙乙园区轴承公司",
        "昆山甲园区制动公司",
    }
    assert {r["evidence"] for r in rows} == {"product"} and all(r["matched_words"] for r in rows)
    mine = NodeAssignment.objects.get(enterprise=placed["own"])
    theirs = NodeAssignment.objects.get(enterprise=placed["other"])
    assert client_for(cast.owner).post(f"/api/chain-assignments/{mine.pk}/confirm/").status_code == 403
    assert client_for(cast.owner).post(f"/api/chain-assignments/{theirs.pk}/confirm/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "suggested"
    confirmed = client_for(cast.chain_office).post(f"/api/chain-assignments/{mine.pk}/confirm/").json()
    assert confirmed["status"] == "confirmed" and confirmed["evidence"] == "confirmed"


def test_the_api_asks_for_login(client, chain):
    assert client.get("/api/chains/").status_code in (302, 401, 403)


def test_only_reviewers_may_retrain_the_model(client_for, cast, placed, model_dir):
    assert client_for(cast.owner).post("/chains/review/train/").status_code == 403
    assert client_for(cast.chain_office).post("/chains/review/train/").status_code == 302
    assert services.model_path().exists()


def test_the_enterprise_profile_page_shows_the_firms_chain_positions_and_why(client_for, cast, placed):
    page = client_for(cast.owner).get(f"/registry/{placed['own'].pk}/").content.decode()
    assert "迷你轨交链" in page and "上游 / IGBT模块" in page and "IGBT" in page
    assert 'data-evidence="product"' in page
    # another organisation's firm: the registry is shared, so its profile and positions show too
    other = client_for(cast.owner).get(f"/registry/{placed['other'].pk}/").content.decode()
    assert "上游 / IGBT模块" in other


def test_a_target_on_the_node_panel_becomes_a_lead_with_one_click(client_for, cast, placed):
    from zhaoshang.pipeline.models import Project

    client = client_for(cast.outsider)
    panel = client.get("/chains/mini-rail/nodes/bearing/?region=430200").content.decode()
    assert 'data-testid="lead-from-target"' in panel
    firm = placed["target_other"]
    response = client.post(
        "/pipeline/from-target/", {"chain": "mini-rail", "node": "bearing", "enterprise": firm.pk}
    )
    assert response.status_code == 302
    project = Project.objects.get(investor=firm)
    assert (project.stage, project.organisation) == ("lead", cast.other_park)
    # a leader may read chains but not add projects: no button
    assert (
        'data-testid="lead-from-target"'
        not in client_for(cast.leader).get("/chains/mini-rail/nodes/bearing/?region=430200").content.decode()
    )
