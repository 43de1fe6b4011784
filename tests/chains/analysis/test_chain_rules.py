"""The rule layer: every assignment says which word, field or code put the firm there."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from zhaoshang.chains.analysis.rules import Reason, RuleClassifier, describe_reasons, section_of
from zhaoshang.chains.analysis.spec import ChainSpec, from_dict


def ev_chain() -> ChainSpec:
    return from_dict(
        {
            "slug": "ev",
            "name": "新能源汽车",
            "nodes": [
                {
                    "key": "battery",
                    "name": "动力电池",
                    "weight": 0.5,
                    "keywords": ["电池"],
                    "children": [
                        {
                            "key": "cell",
                            "name": "电芯",
                            "weight": 0.6,
                            "keywords": ["锂电池", "电芯"],
                            "exclude": ["回收"],
                            "industry_codes": ["3841"],
                        },
                        {"key": "bms", "name": "电池管理系统", "weight": 0.4, "aliases": ["BMS"]},
                    ],
                },
                {
                    "key": "power",
                    "name": "功率器件",
                    "weight": 0.3,
                    "keywords": ["IGBT模块", "碳化硅"],
                    "industry_codes": ["397"],
                },
                {
                    "key": "vehicle",
                    "name": "整车",
                    "weight": 0.2,
                    "industry_codes": ["C"],
                    "keywords": ["整车"],
                },
            ],
        }
    )


@pytest.fixture(scope="module")
def clf() -> RuleClassifier:
    return RuleClassifier(ev_chain())


def keys(assignments) -> list[str]:
    return [a.node_key for a in assignments]


def test_an_assignment_names_the_word_the_field_and_the_position(clf: RuleClassifier):
    [a] = clf.classify("星城科技有限公司", "半导体器件制造；IGBT模块的研发", "", None)
    assert (a.chain_slug, a.node_key) == ("ev", "power")
    assert a.reasons == [Reason("keyword", "IGBT模块", "scope", 8, "power")]
    assert describe_reasons(a.reasons) == "经营范围含关键词「IGBT模块」（第 9 字）"


def test_a_node_name_or_alias_in_the_firm_name_is_name_evidence(clf: RuleClassifier):
    [a] = clf.classify("湘江BMS技术有限公司", "", "", None)
    assert a.node_key == "bms"
    assert a.reasons == [Reason("name", "BMS", "name", 2, "bms")]


def test_matching_ignores_case_and_full_width_letters(clf: RuleClassifier):
    [a] = clf.classify("", "ｉｇｂｔ模块封装", "", None)
    assert a.node_key == "power" and a.reasons[0].position == 0


def test_an_agreeing_industry_code_is_reported_with_the_nodes_code(clf: RuleClassifier):
    found = {a.node_key: a for a in clf.classify("某公司", "碳化硅衬底", "", "C3972")}
    assert set(found) == {"power", "vehicle"}  # vehicle's code is the whole of section C
    a = found["power"]
    assert Reason("industry_code", "397", "industry_code", -1, "power") in a.reasons


def test_an_industry_code_alone_assigns_with_a_low_score(clf: RuleClassifier):
    a = next(a for a in clf.classify("某公司", "日用百货销售", "", "3974") if a.node_key == "power")
    assert a.score == pytest.approx(0.3)
    assert a.reasons == [Reason("industry_code", "397", "industry_code", -1, "power")]


def test_a_section_letter_code_covers_every_division_of_the_section(clf: RuleClassifier):
    assert keys(clf.classify("", "", "", "3611")) == ["vehicle"]  # 36 汽车制造业 is in section C
    assert clf.classify("", "", "", "5211") == []  # 52 is in section F


def test_code_only_can_be_switched_off():
    strict = RuleClassifier(ev_chain(), code_only=False)
    assert strict.classify("某公司", "日用百货销售", "", "3974") == []
    [a] = strict.classify("某公司", "碳化硅", "", "3974")
    assert a.node_key == "power" and a.reasons[-1].kind == "industry_code"


def test_an_exclusion_word_anywhere_in_the_firm_vetoes_the_node(clf: RuleClassifier):
    assert "cell" in keys(clf.classify("某公司", "锂电池生产", "", None))
    assert "cell" not in keys(clf.classify("某公司", "锂电池生产", "以废旧电池回收为主", None))
    assert "cell" not in keys(clf.classify("某回收公司", "锂电池", "", None))


def test_an_exclusion_vetoes_only_its_own_node_not_the_parent(clf: RuleClassifier):
    [a] = clf.classify("某公司", "锂电池回收", "", None)
    assert a.node_key == "battery"
    assert [r.word for r in a.reasons] == ["电池"]


def test_the_most_specific_node_wins_and_carries_the_ancestors_evidence(clf: RuleClassifier):
    [a] = clf.classify("某公司", "动力电池及电芯制造；电池包销售", "", None)
    assert a.node_key == "cell"
    assert {(r.word, r.node_key) for r in a.reasons} == {
        ("电芯", "cell"),
        ("电池", "battery"),
        ("动力电池", "battery"),
    }


def test_two_children_of_one_parent_both_get_the_parents_evidence(clf: RuleClassifier):
    found = clf.classify("某公司", "电芯、BMS及电池配件", "", None)
    assert sorted(keys(found)) == ["bms", "cell"]
    assert all(any(r.node_key == "battery" for r in a.reasons) for a in found)


def test_a_word_inside_a_longer_matched_word_does_not_count_twice(clf: RuleClassifier):
    [a] = clf.classify("某公司", "锂电池制造", "", None)
    assert [r.word for r in a.reasons] == ["锂电池"]
    assert a.score == pytest.approx(0.4)


def test_the_score_is_a_noisy_or_of_field_weights_and_the_industry_code(clf: RuleClassifier):
    one_scope = clf.classify("某公司", "碳化硅", "", None)[0].score
    two_scope = clf.classify("某公司", "碳化硅、IGBT模块", "", None)[0].score
    in_name = clf.classify("某碳化硅公司", "", "", None)[0].score
    in_description = clf.classify("某公司", "", "碳化硅", None)[0].score
    with_code = clf.classify("某公司", "碳化硅", "", "3972")[0].score
    assert (one_scope, two_scope, in_name, in_description) == pytest.approx((0.4, 0.64, 0.6, 0.2))
    assert with_code == pytest.approx(1 - 0.7 * 0.6)
    assert in_name > one_scope > in_description


def test_the_same_word_in_two_fields_counts_once_with_the_best_field(clf: RuleClassifier):
    [a] = clf.classify("某碳化硅公司", "碳化硅", "碳化硅", None)
    assert a.score == pytest.approx(0.6)
    assert [r.field for r in a.reasons] == ["name", "scope", "description"]


def test_missing_values_are_treated_as_empty(clf: RuleClassifier):
    assert clf.classify(None, float("nan"), None, float("nan")) == []


def test_several_chains_share_one_automaton():
    other = from_dict(
        {
            "slug": "rail",
            "name": "轨道交通",
            "nodes": [{"key": "igbt", "name": "牵引变流", "keywords": ["IGBT模块"]}],
        }
    )
    both = RuleClassifier([ev_chain(), other])
    found = both.classify("某公司", "IGBT模块", "", None)
    assert sorted((a.chain_slug, a.node_key) for a in found) == [("ev", "power"), ("rail", "igbt")]


def test_batch_classification_with_two_workers_matches_one_by_one(clf: RuleClassifier):
    records = [("某公司", "锂电池", "", None), ("", "", "", "3974"), ("甲", "日用百货", "", None)] * 7
    expected = [clf.classify(*r) for r in records]
    assert list(clf.classify_many(records, workers=1, chunk_size=4)) == expected
    assert list(clf.classify_many(records, workers=2, chunk_size=4)) == expected


def test_the_classifier_pickles_for_worker_processes(clf: RuleClassifier):
    again = pickle.loads(pickle.dumps(clf))
    assert again.classify("某公司", "碳化硅", "", None) == clf.classify("某公司", "碳化硅", "", None)


def test_a_dataframe_gives_one_row_per_assignment_with_words():
    clf = RuleClassifier(ev_chain())
    df = pd.DataFrame({"name": ["甲公司", "乙公司"], "scope": ["电芯、BMS", "餐饮服务"]}, index=[10, 20])
    out = clf.classify_frame(df)
    assert out["row"].tolist() == [10, 10]
    assert sorted(out["node_key"]) == ["bms", "cell"]
    assert set(out["words"]) == {"电芯", "BMS"}


def test_section_letters_follow_gb_t_4754():
    assert [section_of(c) for c in ("0111", "3714", "4411", "6513", "C3714")] == ["A", "C", "D", "I", "C"]


def test_a_latin_word_matches_only_where_it_is_not_part_of_a_longer_latin_word():
    spec = from_dict(
        {
            "slug": "rail",
            "name": "轨交",
            "nodes": [
                {"key": "ato", "name": "列车自动运行", "weight": 0.5, "keywords": ["ATO"]},
                {
                    "key": "panel",
                    "name": "面板",
                    "weight": 0.5,
                    "keywords": ["OLED", "显示面板"],
                    "exclude": ["LED"],
                },
            ],
        }
    )
    clf = RuleClassifier(spec)
    assert clf.classify("", "应用集成中间件TongIntegrator", "", None) == []  # "ato" inside a word
    [a] = clf.classify("", "城轨ATO系统；CBTC", "", None)
    assert a.node_key == "ato" and a.reasons[0].position == 2
    assert keys(clf.classify("", "ATO,ATP车载设备", "", None)) == ["ato"]  # punctuation is a boundary
    assert keys(clf.classify("", "AMOLED、OLED显示面板", "", None)) == ["panel"]  # LED inside OLED is no veto
    assert clf.classify("", "OLED显示面板及LED照明", "", None) == []  # a standalone LED still vetoes
