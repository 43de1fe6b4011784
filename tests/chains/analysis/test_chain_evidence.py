"""Evidence kinds: which assignments make coverage, which are candidates to verify, and the deciding codes."""

from __future__ import annotations

import pandas as pd
import pytest

from zhaoshang.chains.analysis.evidence import COUNTING, evidence_from_reasons, matched_words, strongest
from zhaoshang.chains.analysis.gap import analyse_gaps
from zhaoshang.chains.analysis.rules import Reason, RuleClassifier, describe_reasons
from zhaoshang.chains.analysis.spec import from_dict

SPEC = from_dict(
    {
        "slug": "t",
        "name": "测试链",
        "nodes": [
            {
                "key": "parts",
                "name": "部件",
                "weight": 0.6,
                "keywords": ["轨道交通装备"],
                "children": [
                    {
                        "key": "turnout",
                        "name": "道岔",
                        "weight": 0.5,
                        "key_node": True,
                        "keywords": ["道岔"],
                        "industry_codes": ["3716"],
                    },
                    {
                        "key": "door",
                        "name": "站台门",
                        "weight": 0.5,
                        "keywords": ["站台门"],
                        "industry_codes": ["3716"],
                    },
                ],
            },
            {
                "key": "emu",
                "name": "动车组",
                "weight": 0.4,
                "keywords": ["动车组"],
                "industry_codes": ["3711"],
                "decisive_codes": ["3711"],
            },
        ],
    }
)


def kinds(name="", scope="", code=None) -> dict[str, str]:
    return {
        a.node_key: evidence_from_reasons(a.reasons, node_key=a.node_key)
        for a in RuleClassifier(SPEC).classify(name, scope, "", code)
    }


def test_a_product_word_is_product_evidence_and_the_code_alone_is_a_prior():
    assert kinds("某道岔公司", "道岔制造", "3716") == {"turnout": "product", "door": "code_prior"}


def test_a_word_of_an_ancestor_does_not_make_product_evidence_for_a_leaf_only_the_code_fits():
    assert kinds("某装备公司", "轨道交通装备配件", "3716") == {"turnout": "code_prior", "door": "code_prior"}


def test_a_deciding_code_from_the_chain_file_places_the_firm_and_says_so():
    [a] = RuleClassifier(SPEC).classify("某车辆公司", "铁路车辆", "", "3711")
    assert a.node_key == "emu" and evidence_from_reasons(a.reasons, node_key="emu") == "code_rule"
    assert "3711" in describe_reasons(a.reasons) and "决定" in describe_reasons(a.reasons)
    assert matched_words(a.reasons) == ["3711"]


def test_confirmation_supply_and_learned_matches_have_their_own_kinds():
    assert evidence_from_reasons([], method="manual") == "confirmed"
    assert (
        evidence_from_reasons([Reason("industry_code", "3716", "industry_code", -1, "door")], confirmed=True)
        == "confirmed"
    )
    assert evidence_from_reasons([{"kind": "supply"}]) == "supply"
    assert evidence_from_reasons([{"kind": "learned"}], method="learned") == "product"
    assert strongest(["code_prior", "product", "supply"]) == "supply" and "code_prior" not in COUNTING


def test_the_gap_counts_only_counting_evidence_and_reports_candidates_apart():
    rows = pd.DataFrame(
        {
            "firm_id": [1, 2, 3, 3, 4, 5],
            "node_key": ["door", "door", "door", "turnout", "turnout", "emu"],
            "evidence": ["product", "confirmed", "code_prior", "code_prior", "code_prior", "code_rule"],
        }
    )
    result = analyse_gaps(SPEC, rows)
    door, turnout, parts = result.node("door"), result.node("turnout"), result.node("parts")
    assert (door.local_firms, door.candidates, door.status) == (2, 1, "weak")
    assert (turnout.local_firms, turnout.candidates, turnout.status) == (0, 2, "missing")
    assert turnout.evidence_counts == {"code_prior": 2} and door.evidence_counts == {
        "product": 1,
        "confirmed": 1,
        "code_prior": 1,
    }
    assert parts.candidates == 2 and parts.local_firms == 2  # firm 3 counted once for the branch
    assert result.node("emu").status == "weak"
    without_priors = analyse_gaps(SPEC, rows[rows["evidence"] != "code_prior"])
    assert result.completeness == pytest.approx(without_priors.completeness)


def test_rows_without_an_evidence_column_all_count_as_before():
    result = analyse_gaps(SPEC, pd.DataFrame({"firm_id": [1], "node_key": ["door"]}))
    assert result.node("door").local_firms == 1 and result.node("door").evidence_counts == {"product": 1}


def test_a_categorical_evidence_column_gives_the_same_result():
    rows = pd.DataFrame(
        {
            "firm_id": [1, 2, 3],
            "node_key": ["door", "door", "turnout"],
            "evidence": ["product", "code_prior", "code_prior"],
        }
    )
    cat = rows.assign(
        evidence=rows["evidence"].astype("category"), node_key=rows["node_key"].astype("category")
    )
    a, b = analyse_gaps(SPEC, rows), analyse_gaps(SPEC, cat)
    assert [(n.local_firms, n.candidates, n.status) for n in a.nodes] == [
        (n.local_firms, n.candidates, n.status) for n in b.nodes
    ]
