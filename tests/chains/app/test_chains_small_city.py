"""A small city of its own: specific makers, generic firms with only an industry code, makers elsewhere of what
the city lacks. Statuses follow evidence, not codes; targets fill the gaps; firms are classified on arrival; the
score is one figure on screen, in the exports and in the API."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from zhaoshang.chains import services
from zhaoshang.chains.models import NodeAssignment
from zhaoshang.registry.models import Enterprise

pytestmark = pytest.mark.django_db

CITY = {
    "slug": "city-rail",
    "name": "小城轨交链",
    "nodes": [
        {
            "key": "vehicle",
            "name": "整车",
            "weight": 0.3,
            "children": [
                {
                    "key": "emu",
                    "name": "动车组",
                    "weight": 1.0,
                    "keywords": ["动车组"],
                    "industry_codes": ["3711"],
                    "decisive_codes": ["3711"],
                },
            ],
        },
        {
            "key": "parts",
            "name": "部件",
            "weight": 0.5,
            "children": [
                {
                    "key": "bogie",
                    "name": "转向架",
                    "weight": 0.4,
                    "key_node": True,
                    "keywords": ["转向架"],
                    "industry_codes": ["3716"],
                },
                {
                    "key": "turnout",
                    "name": "道岔",
                    "weight": 0.3,
                    "key_node": True,
                    "keywords": ["道岔", "辙叉"],
                    "industry_codes": ["3716"],
                },
                {
                    "key": "door",
                    "name": "站台门",
                    "weight": 0.3,
                    "keywords": ["站台门", "屏蔽门"],
                    "industry_codes": ["3716"],
                },
            ],
        },
        {
            "key": "wayside",
            "name": "线路",
            "weight": 0.2,
            "children": [
                {
                    "key": "cbtc",
                    "name": "CBTC信号",
                    "weight": 0.5,
                    "key_node": True,
                    "keywords": ["CBTC"],
                    "industry_codes": ["3891"],
                },
                {
                    "key": "sleeper",
                    "name": "轨枕",
                    "weight": 0.5,
                    "keywords": ["轨枕"],
                    "industry_codes": ["3022"],
                },
            ],
        },
    ],
}
HOME = "430200"
GENERIC_SCOPE = "轨道交通装备配件、机械零部件的加工与销售"


@pytest.fixture
def city(cast, make_firm):
    from zhaoshang.chains.analysis.spec import from_dict

    chain = services.load_chain(cast.admin, from_dict(CITY))
    firms = {
        "bogie": [
            make_firm(f"株洲{n}走行部有限公司", "转向架的研发制造", industry_code="3716", capital_wan=c)
            for n, c in (("甲", 5000), ("乙", 800), ("丙", 300))
        ],
        "door": [make_firm("株洲丁站台门有限公司", "站台门系统集成", industry_code="3716")],
        "generic": [
            make_firm(f"株洲{n}轨道装备有限公司", GENERIC_SCOPE, industry_code="3716") for n in "戊己庚辛"
        ],
        "emu": [make_firm("株洲壬车辆有限公司", "铁路车辆制造", industry_code="3711")],
        "turnout_far": [
            make_firm(
                "秦皇岛道岔有限公司",
                "高速道岔、辙叉制造",
                region_code="130302",
                industry_code="3716",
                capital_wan=50000,
                listed=True,
            ),
            make_firm(
                "长沙道岔配件有限公司",
                "道岔配件",
                region_code="430104",
                industry_code="3716",
                capital_wan=900,
            ),
        ],
        "cbtc_far": [
            make_firm(
                "北京信号有限公司",
                "CBTC信号系统集成",
                region_code="110108",
                industry_code="3891",
                employees=1500,
            )
        ],
        "generic_far": [
            make_firm("长沙轨道装备有限公司", GENERIC_SCOPE, region_code="430104", industry_code="3716")
        ],
    }
    services.classify_enterprises(cast.admin)
    return chain, firms


def _node(report, key):
    return report.result.node(key)


def test_statuses_count_evidence_and_generic_firms_are_candidates_not_coverage(city):
    chain, firms = city
    report = services.gap_for_region(chain, HOME)
    assert _node(report, "bogie").status == "strong" and _node(report, "bogie").local_firms == 3
    assert _node(report, "door").status == "weak"
    turnout = _node(report, "turnout")
    assert (
        turnout.status == "missing" and turnout.local_firms == 0 and turnout.candidates == 8
    )  # 4 generics, and the 3 bogie and 1 door makers' code
    assert _node(report, "cbtc").status == "missing" and _node(report, "sleeper").status == "missing"
    # the door maker's and bogie makers' code also fits the other 3716 nodes: candidates there, never coverage
    assert _node(report, "door").candidates == 4 + 3
    assert set(report.candidate_firm_ids("turnout")) == {
        f.pk for f in firms["generic"] + firms["bogie"] + firms["door"]
    }
    generic = NodeAssignment.objects.filter(enterprise=firms["generic"][0])
    assert {a.evidence for a in generic} == {"code_prior"} and generic.count() == 3


def test_a_deciding_industry_code_written_in_the_chain_file_places_a_firm_directly(city):
    chain, firms = city
    a = NodeAssignment.objects.get(enterprise=firms["emu"][0])
    assert (a.node.key, a.evidence) == ("emu", "code_rule")
    assert services.gap_for_region(chain, HOME).result.node("emu").status == "weak"
    assert "3711" in services.export_chain(chain).decode()  # the rule lives in the chain file, kept on export


def test_completeness_ignores_firms_that_fit_by_code_only(city, cast, make_firm):
    chain, _firms = city
    before = services.gap_for_region(chain, HOME).completeness
    for i in range(10):
        make_firm(f"株洲泛化{i}有限公司", GENERIC_SCOPE, industry_code="3716")
    services.classify_enterprises(cast.admin)
    after = services.gap_for_region(chain, HOME)
    assert after.completeness == pytest.approx(before) and after.result.node("turnout").candidates == 18


def test_a_confirmed_candidate_counts_and_the_review_queue_puts_missing_key_nodes_first(city, cast):
    chain, firms = city
    queue = list(services.review_order(NodeAssignment.objects.filter(node__chain=chain, status="suggested")))
    first = queue[0]
    assert first.node.key_node and first.node.key in ("turnout", "cbtc") and first.evidence == "code_prior"
    assert queue.index(first) < min(i for i, a in enumerate(queue) if a.node.key == "door")
    candidate = NodeAssignment.objects.get(enterprise=firms["generic"][0], node__key="turnout")
    services.review_assignment(cast.chain_office, candidate, confirm=True)
    candidate.refresh_from_db()
    assert candidate.evidence == "confirmed"
    assert services.gap_for_region(chain, HOME).result.node("turnout").status == "weak"


def test_targets_come_from_makers_elsewhere_with_product_evidence_missing_key_nodes_first(city):
    chain, firms = city
    rows = services.target_rows(services.targets_for(chain, HOME))
    names = [r["name"] for r in rows]
    assert "长沙轨道装备有限公司" not in names  # code only: not a target
    assert not any(r["region_code"].startswith("4302") for r in rows)  # never a local firm
    assert [r["node_key"] for r in rows[:3]] == [
        "turnout",
        "turnout",
        "cbtc",
    ]  # missing key nodes first, by weight
    assert rows[0]["name"] == "秦皇岛道岔有限公司" and rows[0]["evidence"] == "product"
    assert "产品相符：「道岔」、「辙叉」" in rows[0]["reasons"] and "上市公司" in rows[0]["reasons"]
    # reasons are the row's own: no sentence on every row
    sentences = [set(r["reasons"]) for r in rows]
    assert not set.intersection(*sentences)
    data = services.gap_json(services.gap_for_region(chain, HOME))
    sleeper = next(n for n in data["nodes"] if n["node_key"] == "sleeper")
    assert (
        sleeper["targets"] == [] and "导入" in sleeper["no_targets"] and "专精特新" in sleeper["no_targets"]
    )
    turnout = next(n for n in data["nodes"] if n["node_key"] == "turnout")
    assert (
        turnout["evidence"]["code_prior"] == 8
        and turnout["candidates"] == 8
        and turnout["targets_total"] == 2
    )


def test_a_known_supply_relation_is_evidence_and_names_the_local_buyer_on_that_row_only(city, cast):
    chain, firms = city
    far = firms["cbtc_far"][0]
    buyer = firms["bogie"][0]
    cbtc = chain.nodes.get(key="cbtc")
    services.record_supply_link(cast.chain_office, far, buyer, cbtc)
    assert NodeAssignment.objects.get(enterprise=far, node=cbtc).evidence == "supply"
    rows = services.target_rows(services.targets_for(chain, HOME))
    with_buyer = [r for r in rows if any("株洲甲走行部有限公司" in x for x in r["reasons"])]
    assert [r["name"] for r in with_buyer] == ["北京信号有限公司"]


def test_the_score_is_the_same_on_screen_in_xlsx_docx_and_the_api(city, cast, client_for):
    import docx

    chain, _firms = city
    client = client_for(cast.officer)
    api = client.get(f"/api/chains/{chain.slug}/gap/?region={HOME}").json()
    api_scores = {t["name"]: t["score"] for n in api["nodes"] for t in n["targets"]}
    panel = client.get(f"/chains/{chain.slug}/nodes/turnout/?region={HOME}").content.decode()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/chains/{chain.slug}/targets.xlsx?region={HOME}").content)
    )
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[3]
    xlsx_scores = {
        r[header.index("目标企业")]: r[header.index("匹配度")]
        for r in rows[4:]
        if r[0] and r[header.index("目标企业")]
    }
    document = docx.Document(
        io.BytesIO(client.get(f"/chains/{chain.slug}/targets.docx?region={HOME}").content)
    )
    table = document.tables[0]
    head = [c.text for c in table.rows[0].cells]
    docx_scores = {
        r.cells[head.index("目标企业")].text: float(r.cells[head.index("匹配度")].text)
        for r in table.rows[1:]
    }
    assert set(api_scores) == set(xlsx_scores) == set(docx_scores) and len(api_scores) == 3
    for name, score in api_scores.items():
        assert xlsx_scores[name] == score and docx_scores[name] == score
    for name in ("秦皇岛道岔有限公司", "长沙道岔配件有限公司"):  # the node panel ranks a subset: same figures
        assert f'data-score="{api_scores[name]}"' in panel


def test_chains_gap_json_gives_counts_by_evidence_kind(city, capsys):
    chain, _firms = city
    call_command("chains", "gap", chain.slug, "--region", HOME, "--json")
    data = json.loads(capsys.readouterr().out)
    bogie = next(n for n in data["nodes"] if n["node_key"] == "bogie")
    assert bogie["evidence"] == {"confirmed": 0, "supply": 0, "product": 3, "code_rule": 0, "code_prior": 5}
    emu = next(n for n in data["nodes"] if n["node_key"] == "emu")
    assert emu["evidence"]["code_rule"] == 1 and emu["status"] == "weak"
    assert data["candidates"] == 8  # local firms that fit somewhere by code only


def test_firms_imported_by_file_are_placed_on_nodes_when_the_import_reports_done(city, cast, tmp_path):
    from zhaoshang.registry.services import import_enterprises

    chain, _firms = city
    path = tmp_path / "firms.csv"
    path.write_text(
        "企业名称,经营范围,行政区划代码,行业代码\n"
        "株洲新部件有限公司,道岔制造,430211,3716\n"
        "株洲新泛化有限公司,轨道交通装备配件,430211,3716\n",
        encoding="utf-8",
    )
    dry = import_enterprises(cast.admin, path, cast.city, dry_run=True)
    assert dry.counts["created"] == 2 and not Enterprise.objects.filter(name="株洲新部件有限公司").exists()
    import_enterprises(cast.admin, path, cast.city)
    maker = Enterprise.objects.get(name="株洲新部件有限公司")
    assert {(a.node.key, a.evidence) for a in maker.node_assignments.all()} >= {("turnout", "product")}
    assert services.assignment_words(maker.node_assignments.get(node__key="turnout")) == [
        "道岔"
    ]  # reasons stored as JSON
    assert services.gap_for_region(chain, HOME).result.node("turnout").status == "weak"
    # a changed firm is placed again: its scope now names 站台门 instead
    path.write_text(
        "企业名称,经营范围,行政区划代码,行业代码\n株洲新部件有限公司,站台门制造,430211,3716\n",
        encoding="utf-8",
    )
    result = import_enterprises(cast.admin, path, cast.city)
    assert result.counts["updated"] == 1, result.counts
    product = {a.node.key for a in maker.node_assignments.all() if a.evidence == "product"}
    assert product == {"door"}


def test_a_firm_entered_by_hand_is_placed_on_nodes_at_once(city, cast):
    from zhaoshang.pipeline.services import find_or_create_investor

    firm = find_or_create_investor(cast.officer, name="苏州示例屏蔽门有限公司", organisation=cast.bureau)
    assert [(a.node.key, a.evidence) for a in firm.node_assignments.all()] == [("door", "product")]


def test_the_firm_profile_shows_each_position_with_its_evidence_and_words(city, cast, client_for):
    _chain, firms = city
    page = client_for(cast.outsider).get(f"/registry/{firms['bogie'][0].pk}/").content.decode()
    assert 'data-evidence="product"' in page and 'data-evidence="code_prior"' in page and "转向架" in page


def test_the_node_panel_lists_candidates_apart_and_says_how_to_find_targets(city, cast, client_for):
    chain, _firms = city
    client = client_for(cast.officer)
    panel = client.get(f"/chains/{chain.slug}/nodes/turnout/?region={HOME}").content.decode()
    assert 'data-testid="candidates"' in panel and "株洲戊轨道装备有限公司" in panel
    local = panel.split('data-testid="local-firms"')[1].split("</ul>")[0]
    assert "株洲戊轨道装备有限公司" not in local
    empty = client.get(f"/chains/{chain.slug}/nodes/sleeper/?region={HOME}").content.decode()
    assert 'data-testid="no-targets"' in empty and "专精特新" in empty


def test_the_chain_pages_need_a_login(city, client):
    chain, _firms = city
    assert client.get(f"/chains/{chain.slug}/nodes/turnout/?region={HOME}").status_code == 302
    assert client.get(f"/api/chains/{chain.slug}/gap/?region={HOME}").status_code in (401, 403)


def test_the_assignments_export_gives_each_firm_its_evidence_and_words(city, cast, client_for, tmp_path):
    chain, _firms = city
    response = client_for(cast.officer).get(f"/chains/{chain.slug}/assignments.xlsx?region={HOME}")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    by_firm = {}
    for r in rows[1:]:
        by_firm.setdefault(r[0], []).append(dict(zip(header, r, strict=True)))
    bogie = next(r for r in by_firm["株洲甲走行部有限公司"] if r["环节"].endswith("转向架"))
    assert (bogie["证据类型"], bogie["计入覆盖"], bogie["匹配词"], bogie["本地"]) == (
        "产品证据",
        "是",
        "转向架",
        "是",
    )
    generic = by_firm["株洲戊轨道装备有限公司"]
    assert {r["计入覆盖"] for r in generic} == {"否（待核实）"} and {r["证据类型"] for r in generic} == {
        "仅行业代码（待核实）"
    }
    out = tmp_path / "a.xlsx"
    call_command("chains", "assignments", chain.slug, "--region", HOME, "-o", str(out))
    assert len(list(openpyxl.load_workbook(out).active.iter_rows())) == len(rows)
    assert (
        client_for(cast.handler).get(f"/chains/{chain.slug}/assignments.xlsx?region={HOME}").status_code
        == 403
    )
