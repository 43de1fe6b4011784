"""Gap analysis: statuses for every node, completeness by hand, no double counting up the tree."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from zhaoshang.chains.analysis.errors import AnalysisInputError
from zhaoshang.chains.analysis.gap import (
    NodeThreshold,
    Thresholds,
    analyse_gaps,
    compare_regions,
    firm_strength,
    priorities,
)
from zhaoshang.chains.analysis.spec import ChainSpec, from_dict


def chain() -> ChainSpec:
    """A (0.6) → A1 (0.5), A2 (0.5); B (0.4, key node). Absolute leaf weights 0.3, 0.3, 0.4."""
    return from_dict(
        {
            "slug": "t",
            "name": "测试链",
            "nodes": [
                {
                    "key": "a",
                    "name": "A",
                    "weight": 0.6,
                    "children": [
                        {"key": "a1", "name": "A1", "weight": 0.5},
                        {"key": "a2", "name": "A2", "weight": 0.5},
                    ],
                },
                {"key": "b", "name": "B", "weight": 0.4, "key_node": True},
            ],
        }
    )


def table(pairs: list[tuple[str, str]], **columns) -> pd.DataFrame:
    return pd.DataFrame({"firm_id": [f for f, _ in pairs], "node_key": [k for _, k in pairs], **columns})


def test_every_node_gets_a_status_not_only_the_leaves():
    res = analyse_gaps(chain(), table([("f1", "a1"), ("f2", "a1"), ("f3", "a1"), ("f4", "a2")]))
    assert [(n.key, n.status) for n in res.nodes] == [
        ("a", "strong"),
        ("a1", "strong"),
        ("a2", "weak"),
        ("b", "missing"),
    ]
    assert [n.is_leaf for n in res.nodes] == [False, True, True, True]
    assert res.node("a1").path == "A / A1" and res.node("a1").weight == pytest.approx(0.3)


def test_completeness_is_the_weighted_coverage_of_the_leaves_computed_by_hand():
    res = analyse_gaps(chain(), table([("f1", "a1"), ("f2", "a1"), ("f3", "a1"), ("f4", "a2")]))
    # a1 strong 0.3 × 1 + a2 weak 0.3 × 0.5 + b missing 0.4 × 0 = 0.45
    assert res.completeness == pytest.approx(0.45)


def test_the_coverage_of_a_weak_leaf_is_configurable():
    res = analyse_gaps(
        chain(),
        table([("f1", "a1"), ("f2", "a1"), ("f3", "a1"), ("f4", "a2")]),
        Thresholds(weak_coverage=0.2),
    )
    assert res.completeness == pytest.approx(0.3 + 0.3 * 0.2)


def test_a_firm_on_two_leaves_counts_once_for_their_parent():
    res = analyse_gaps(chain(), table([("f1", "a1"), ("f1", "a2"), ("f2", "a2"), ("f2", "a2")]))
    assert (res.node("a1").local_firms, res.node("a2").local_firms, res.node("a").local_firms) == (1, 2, 2)
    assert res.node("a").strength == pytest.approx(2.0)


def test_a_firm_assigned_to_a_parent_counts_for_the_parent_but_not_for_completeness():
    res = analyse_gaps(chain(), table([("f1", "a"), ("f2", "a"), ("f3", "a")]))
    assert res.node("a").own_firms == 3 and res.node("a").local_firms == 3
    assert res.node("a1").status == "missing"
    assert res.completeness == 0.0


def test_a_parent_with_a_missing_child_is_weak_however_many_firms_it_has():
    res = analyse_gaps(chain(), table([(f"f{i}", "a1") for i in range(10)]))
    assert res.node("a1").status == "strong"
    assert res.node("a2").status == "missing"
    assert res.node("a").status == "weak"


def test_thresholds_change_statuses_per_node_and_by_default():
    rows = table([("f1", "a1"), ("f2", "a1"), ("f3", "a1"), ("f4", "a2")])
    stricter = Thresholds(per_node={"a1": NodeThreshold(strong_firms=5)})
    assert analyse_gaps(chain(), rows, stricter).node("a1").status == "weak"
    looser = Thresholds(default=NodeThreshold(strong_firms=1))
    res = analyse_gaps(chain(), rows, looser)
    assert (res.node("a2").status, res.completeness) == ("strong", pytest.approx(0.6))


def test_thresholds_for_unknown_nodes_are_refused():
    with pytest.raises(AnalysisInputError, match="阈值设置中的节点「zz」"):
        analyse_gaps(chain(), table([]), Thresholds(per_node={"zz": NodeThreshold()}))


def test_one_big_firm_makes_a_node_strong_by_strength():
    res = analyse_gaps(chain(), table([("big", "b")], revenue_wan=[31 * 10_000.0]))
    assert res.node("b").strength == pytest.approx(5.0)
    assert res.node("b").status == "strong"


def test_a_firm_with_no_size_data_counts_as_one_standard_firm_not_zero():
    assert firm_strength([np.nan], [None], [np.nan]).tolist() == [1.0]
    assert firm_strength([1000.0], [np.nan], [np.nan]).tolist() == [1.0]
    assert firm_strength([3000.0], [100.0], [np.nan]).tolist() == [pytest.approx(1.5)]
    assert firm_strength([0.0], [0.0], [0.0]).tolist() == [0.0]


def test_unknown_node_keys_are_ignored_with_a_warning():
    with pytest.warns(UserWarning, match="1 行的节点键不在产业链"):
        res = analyse_gaps(chain(), table([("f1", "a1"), ("f2", "gone")]))
    assert res.ignored_rows == 1 and res.node("a1").local_firms == 1


def test_rows_of_other_chains_are_left_out():
    rows = table([("f1", "a1"), ("f2", "a1")], chain_slug=["t", "other"])
    assert analyse_gaps(chain(), rows).node("a1").local_firms == 1


def test_a_table_without_firm_ids_is_refused():
    with pytest.raises(AnalysisInputError, match="缺少列：firm_id"):
        analyse_gaps(chain(), pd.DataFrame({"node_key": ["a1"]}))


def test_subtree_counts_agree_with_a_brute_force_count_on_a_random_tree():
    rng = np.random.default_rng(0)

    def level(prefix: str, depth: int) -> list[dict]:
        k = int(rng.integers(2, 4))
        return [
            {
                "key": f"{prefix}{i}",
                "name": f"{prefix}{i}",
                **({"children": level(f"{prefix}{i}-", depth + 1)} if depth < 3 else {}),
            }
            for i in range(k)
        ]

    spec = from_dict({"slug": "r", "name": "随机", "nodes": level("n", 1)})
    keys = list(spec.nodes)
    firms = rng.integers(0, 60, 800)
    nodes = rng.choice(keys, 800)
    res = analyse_gaps(spec, pd.DataFrame({"firm_id": firms, "node_key": nodes}))
    for n in res.nodes:
        sub = set(spec.subtree(n.key))
        assert n.local_firms == len({f for f, k in zip(firms, nodes, strict=True) if k in sub})


def test_priorities_put_key_nodes_first_then_weight():
    spec = from_dict(
        {
            "slug": "p",
            "name": "P",
            "nodes": [
                {"key": "small", "name": "小", "weight": 0.1},
                {"key": "big", "name": "大", "weight": 0.6},
                {"key": "key", "name": "关键", "weight": 0.2, "key_node": True},
                {"key": "covered", "name": "已有", "weight": 0.1},
            ],
        }
    )
    res = analyse_gaps(
        spec, table([("f1", "covered"), ("f2", "covered"), ("f3", "covered"), ("f4", "small")])
    )
    assert [n.key for n in priorities(res)] == ["key", "big", "small"]
    assert [n.key for n in priorities(res, statuses=["missing"])] == ["key", "big"]


def test_regions_compare_side_by_side():
    df = compare_regions(
        chain(), {"株洲": table([("f1", "a1")]), "苏州": table([("g1", "b"), ("g2", "b"), ("g3", "b")])}
    )
    assert df.loc["a1", ("株洲", "status")] == "weak"
    assert df.loc["b", ("苏州", "status")] == "strong"
    assert df.loc["b", ("node", "key_node")]
    assert df.attrs["completeness"] == {"株洲": pytest.approx(0.15), "苏州": pytest.approx(0.4)}


def test_node_thresholds_refuse_a_weak_minimum_below_one():
    with pytest.raises(AnalysisInputError):
        NodeThreshold(weak_firms=0)
    assert NodeThreshold(strong_firms=math.inf).status(10, 1.0) == "weak"
