"""Chain services: loading, classification with reasons, review, learned layer, gaps and targets."""

from __future__ import annotations

import io

import openpyxl
import pytest

from zhaoshang.chains import services
from zhaoshang.chains.analysis.errors import ChainFileError
from zhaoshang.chains.analysis.spec import from_dict
from zhaoshang.chains.models import Chain, ChainLink, ChainNode, NodeAssignment
from zhaoshang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _statuses(report):
    return {n.key: n.status for n in report.result.nodes}


def test_loading_a_chain_stores_the_tree_weights_cards_and_links(chain):
    assert chain.nodes.count() == 8
    igbt = chain.nodes.get(key="igbt")
    assert igbt.parent.key == "up" and igbt.depth == 2 and igbt.path == "上游 / IGBT模块"
    assert igbt.abs_weight == pytest.approx(0.15) and igbt.key_node
    assert igbt.card["leaders_domestic"] == ["示例甲"] and igbt.exclude == ["维修服务"]
    assert ChainLink.objects.filter(chain=chain, source=igbt, target__key="traction").exists()
    assert AuditEntry.objects.filter(model="chains.chainnode", action="create").count() == 8


def test_reloading_the_same_spec_changes_nothing(cast, chain, mini_spec):
    before = AuditEntry.objects.count()
    services.load_chain(cast.admin, mini_spec)
    assert AuditEntry.objects.count() == before
    assert services.spec_for(chain) == mini_spec


def test_a_reload_upserts_nodes_by_key_and_keeps_their_assignments(cast, chain, mini_spec, make_firm):
    firm = make_firm("株洲甲公司", "IGBT模块研发")
    services.classify_enterprises(cast.admin)
    data = services.spec_for(chain)
    from zhaoshang.chains.analysis.spec import to_dict

    raw = to_dict(data)
    raw["nodes"][0]["children"][0]["name"] = "IGBT 功率模块"
    services.load_chain(cast.admin, from_dict(raw))
    node = ChainNode.objects.get(chain=chain, key="igbt")
    assert node.name == "IGBT 功率模块"
    assert NodeAssignment.objects.filter(enterprise=firm, node=node).exists()


def test_a_bad_xlsx_chain_file_names_its_rows_and_changes_nothing(cast, chain, tmp_path):
    path = tmp_path / "chain.xlsx"
    services.export_chain(chain, path)
    book = openpyxl.load_workbook(path)
    sheet = book["节点"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("权重") + 1, value="很多")
    sheet.cell(row=4, column=header.index("名称") + 1, value="")
    sheet.cell(row=2, column=header.index("名称") + 1, value="改过的名字")
    book.save(path)
    before = AuditEntry.objects.count()
    with pytest.raises(ChainFileError) as caught:
        services.import_chain(cast.admin, path)
    rows = {p.row for p in caught.value.problems}
    assert {3, 4} <= rows
    assert "第 3 行" in str(caught.value)
    assert AuditEntry.objects.count() == before
    assert not ChainNode.objects.filter(name="改过的名字").exists()


def test_a_chain_whose_name_belongs_to_another_chain_is_refused_without_writing(cast, chain):
    before = Chain.objects.count()
    with pytest.raises(services.ChainServiceError, match="迷你轨交链"):
        services.load_chain(
            cast.admin,
            from_dict({"slug": "other", "name": "迷你轨交链", "nodes": [{"key": "a", "name": "甲"}]}),
        )
    assert Chain.objects.count() == before


def test_export_round_trips_through_yaml_and_xlsx(chain, mini_spec, tmp_path):
    from zhaoshang.chains.analysis.spec import load_xlsx, load_yaml

    assert load_yaml(io.StringIO(services.export_chain(chain, fmt="yaml").decode())) == mini_spec
    services.export_chain(chain, tmp_path / "c.xlsx")
    assert load_xlsx(tmp_path / "c.xlsx").nodes.keys() == mini_spec.nodes.keys()


def test_every_rule_assignment_says_why(cast, chain, make_firm):
    firm = make_firm("株洲某科技有限公司", "IGBT功率模块的研发与销售")
    services.classify_enterprises(cast.admin)
    assignment = NodeAssignment.objects.get(enterprise=firm)
    assert assignment.node.key == "igbt" and assignment.method == "rule" and assignment.status == "suggested"
    assert {r["word"] for r in assignment.reasons} >= {"IGBT", "功率模块"}
    assert "经营范围含关键词「IGBT」" in services.explain(assignment)
    assert assignment.score == pytest.approx(0.64)


def test_an_exclusion_word_vetoes_the_node(cast, chain, make_firm):
    firm = make_firm("株洲某维修公司", "IGBT模块维修服务")
    services.classify_enterprises(cast.admin)
    assert not NodeAssignment.objects.filter(enterprise=firm, node__key="igbt").exists()


def test_reclassifying_never_overrides_a_reviewed_assignment_and_drops_stale_suggestions(
    cast, chain, make_firm
):
    kept = make_firm("株洲甲", "轴承制造")
    stale = make_firm("株洲乙", "闸瓦销售")
    services.classify_enterprises(cast.admin)
    reviewed = NodeAssignment.objects.get(enterprise=kept)
    services.review_assignment(cast.chain_office, reviewed, confirm=False)
    from zhaoshang.core import audit

    audit.update(cast.admin, stale, scope="日用百货")
    counts = services.classify_enterprises(cast.admin)
    reviewed.refresh_from_db()
    assert reviewed.status == "rejected" and reviewed.reviewed_by == cast.chain_office
    assert counts.kept_reviewed == 1 and counts.removed == 1
    assert not NodeAssignment.objects.filter(enterprise=stale).exists()


def test_the_learned_layer_improves_after_confirmations(cast, chain, make_firm, model_dir):
    words = ["受流滑板", "碳滑条", "弓网受流"]
    trained_on = [make_firm(f"湘企{i}", f"{w}及配件生产，{w}销售") for i, w in enumerate(words)]
    probe = "弓网受流碳滑条组件制造"
    services.train_learned_layer(cast.admin)
    untrained = services.load_learned_model()
    labels, proba = untrained.predict_proba([probe])
    before = proba[0][labels.index("mini-rail:brake")]
    assert before < services.LEARNED_MIN_SCORE  # too unsure to suggest anything
    brake = ChainNode.objects.get(chain=chain, key="brake")
    for firm in trained_on:
        services.assign_node(cast.chain_office, firm, brake)
    summary = services.train_learned_layer(cast.admin)
    assert summary.confirmed == 3
    model = services.load_learned_model()
    labels, proba = model.predict_proba([probe])
    after = model.predict([probe])[0]
    assert after.label == "mini-rail:brake"
    assert proba[0][labels.index("mini-rail:brake")] > max(0.5, before)
    # and it now suggests the node for a firm the rules cannot place
    firm = make_firm("株洲新企", probe)
    counts = services.classify_enterprises(cast.admin)
    assert counts.learned >= 1
    suggestion = NodeAssignment.objects.get(enterprise=firm)
    assert suggestion.method == "learned" and suggestion.node == brake and suggestion.alternatives


def _rail_firms(make_firm, cast):
    make_firm("株洲一", "IGBT模块", region_code="430211")
    make_firm("株洲二", "IGBT芯片与功率模块", region_code="430202")
    make_firm("株洲三", "功率模块封装", region_code="430211")
    make_firm("株洲四", "牵引变流器", region_code="430211", capital_wan=500)
    make_firm("长沙一", "轴承制造", region_code="430104", capital_wan=20000, listed=True, employees=800)
    make_firm("昆山一", "轴承", region_code="320583", capital_wan=100)
    make_firm("长沙二", "制动系统集成", region_code="430104")
    services.classify_enterprises(cast.admin)


def test_gap_statuses_follow_the_thresholds(cast, chain, make_firm):
    _rail_firms(make_firm, cast)
    report = services.gap_for_region(chain, "430200")
    st = _statuses(report)
    assert (st["igbt"], st["traction"], st["bearing"], st["brake"]) == (
        "strong",
        "weak",
        "missing",
        "missing",
    )
    assert st["up"] == "weak"  # a branch with a hole is not strong
    services.set_thresholds(cast.chain_office, chain, strong_firms=1)
    chain.refresh_from_db()
    assert _statuses(services.gap_for_region(chain, "430200"))["traction"] == "strong"
    with pytest.raises(services.ChainServiceError):
        services.set_thresholds(cast.chain_office, chain, strong_firms=0.5, weak_firms=1)


def test_completeness_is_the_leaf_weights_times_coverage(cast, chain, make_firm):
    _rail_firms(make_firm, cast)
    report = services.gap_for_region(chain, "430200")
    # igbt strong 0.15, traction weak 0.30 × 0.5; bearing 0.15, brake 0.20, overhaul 0.20 missing
    assert report.completeness == pytest.approx(0.15 + 0.5 * 0.30)


def test_a_park_stands_for_its_region_code(cast, chain, make_firm):
    _rail_firms(make_firm, cast)
    report = services.gap_for_region(chain, cast.park.code)
    assert report.area.code == "430211"
    assert report.result.node("igbt").local_firms == 2


def test_targets_rank_firms_elsewhere_with_reasons_specific_to_each_row(cast, chain, make_firm):
    _rail_firms(make_firm, cast)
    targets = services.targets_for(chain, "430200")
    rows = services.target_rows(targets)
    names = [r["name"] for r in rows]
    assert set(names) == {"长沙一", "昆山一", "长沙二"}
    # missing nodes by weight (制动系统 0.20 before 轴承 0.15), best target first within a node
    assert names == ["长沙二", "长沙一", "昆山一"] and [r["rank"] for r in rows] == [1, 1, 2]
    best = rows[1]
    assert best["node_key"] == "bearing" and best["target_url"].startswith(
        f"/chains/{chain.slug}/targets/bearing/"
    )
    assert "上市公司" in best["reasons"] and any(r.startswith("距本地") for r in best["reasons"])
    assert (
        best["evidence"] == "product"
        and best["matched_words"] == ["轴承"]
        and "产品相符：「轴承」" in best["reasons"]
    )
    kunshan = next(r for r in rows if r["name"] == "昆山一")
    assert not any(
        "未知" in r or "链主" in r for r in kunshan["reasons"]
    )  # nothing said that is true of every row
    assert [r["name"] for r in services.target_rows(services.targets_for(chain, "430200", "brake"))] == [
        "长沙二"
    ]


def test_positions_for_lists_the_firms_nodes_with_why(cast, chain, make_firm):
    firm = make_firm("株洲一", "IGBT模块")
    services.classify_enterprises(cast.admin)
    [position] = services.positions_for(firm)
    assert position["path"] == "上游 / IGBT模块" and "IGBT" in position["why"]


def test_review_queue_decisions_feed_the_next_training_run(cast, chain, make_firm, model_dir):
    confirmed = make_firm("株洲甲", "IGBT模块研发")
    rejected = make_firm("株洲乙", "轴承座铸件")
    services.classify_enterprises(cast.admin)
    before = services.train_learned_layer(cast.admin)
    assert (before.confirmed, before.rejected) == (0, 0)
    assert services.NONE_LABEL not in services.load_learned_model().classes_
    services.review_assignment(
        cast.chain_office, NodeAssignment.objects.get(enterprise=confirmed), confirm=True
    )
    services.review_assignment(
        cast.chain_office, NodeAssignment.objects.get(enterprise=rejected), confirm=False
    )
    after = services.train_learned_layer(cast.admin)
    assert (after.confirmed, after.rejected) == (1, 1)
    # the rejected firm (no confirmed position) teaches a "none of these nodes" class
    assert services.NONE_LABEL in services.load_learned_model().classes_


def test_thresholds_written_in_the_chain_file_apply_per_node_and_survive_export(cast, make_firm, tmp_path):
    import yaml
    from tests.chains.app.conftest import MINI

    data = {**MINI, "thresholds": {"strong_firms": 5, "per_node": {"igbt": {"strong_firms": 2}}}}
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    chain = services.import_chain(cast.chain_office, path)
    make_firm("株洲一", "IGBT模块", region_code="430211")
    make_firm("株洲二", "IGBT模块", region_code="430211")
    make_firm("株洲三", "轴承", region_code="430211")
    make_firm("株洲四", "轴承", region_code="430211")
    services.classify_enterprises(cast.admin)
    st = _statuses(services.gap_for_region(chain, "430200"))
    assert (st["igbt"], st["bearing"]) == ("strong", "weak")  # 2 firms: strong only where the node says 2
    services.export_chain(chain, tmp_path / "out.yaml")
    assert (
        yaml.safe_load((tmp_path / "out.yaml").read_text(encoding="utf-8"))["thresholds"]
        == data["thresholds"]
    )


def test_a_chain_file_with_thresholds_for_an_unknown_node_is_refused_without_writing(cast, tmp_path):
    import yaml
    from tests.chains.app.conftest import MINI

    path = tmp_path / "mini.yaml"
    path.write_text(
        yaml.safe_dump(
            {**MINI, "thresholds": {"per_node": {"nope": {"strong_firms": 2}}}}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    before = AuditEntry.objects.count()
    with pytest.raises(services.ChainServiceError, match="nope"):
        services.import_chain(cast.chain_office, path)
    assert not Chain.objects.exists() and AuditEntry.objects.count() == before
