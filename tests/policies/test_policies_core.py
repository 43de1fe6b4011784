"""The policies core: every condition kind met / not met / unknown with the value used, clauses combined,
and the vectorised matcher agreeing with the one-firm evaluation."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from zhaoshang.policies.core import conditions as c
from zhaoshang.policies.core import matching as m

AS_OF = dt.date(2026, 6, 30)
SECTIONS = {"38": "C", "39": "C", "65": "I"}


def firm(**kw):
    return c.FirmFacts(id=kw.pop("id", 1), **kw)


def ev(cond, f):
    return c.evaluate(c.validate_condition(cond), f, AS_OF, SECTIONS)


CASES = [
    # condition, firm fields meeting it, firm fields not meeting it, missing field for unknown
    ({"kind": "region", "in": ["4302"]}, {"region_code": "430211"}, {"region_code": "430104"}, "region_code"),
    (
        {"kind": "industry", "in": ["C38"]},
        {"industry_code": "3831"},
        {"industry_code": "6510"},
        "industry_code",
    ),
    (
        {"kind": "industry", "in": ["C"]},
        {"industry_code": "C3911"},
        {"industry_code": "I6510"},
        "industry_code",
    ),
    (
        {"kind": "chain_node", "in": ["rail"]},
        {"chain_paths": ("rail/traction",)},
        {"chain_paths": ("auto/battery",)},
        "chain_paths",
    ),
    (
        {"kind": "firm_age", "max": 5},
        {"founded": dt.date(2023, 1, 1)},
        {"founded": dt.date(2010, 1, 1)},
        "founded",
    ),
    ({"kind": "capital", "min": 1000}, {"capital_wan": 1000.0}, {"capital_wan": 800.0}, "capital_wan"),
    ({"kind": "employees", "min": 50, "max": 500}, {"employees": 120}, {"employees": 600}, "employees"),
    ({"kind": "revenue", "min": 2000}, {"revenue_wan": 5000.0}, {"revenue_wan": 1500.0}, "revenue_wan"),
    ({"kind": "tax", "min": 100}, {"tax_wan": 120.0}, {"tax_wan": 30.0}, "tax_wan"),
    ({"kind": "rd_ratio", "min": 3}, {"rd_ratio": 4.5}, {"rd_ratio": 1.0}, "rd_ratio"),
    (
        {"kind": "project_investment", "min": 10000},
        {"projects": (c.ProjectFacts("signed", 30000.0),)},
        {"projects": (c.ProjectFacts("signed", 5000.0),)},
        "project_investment",
    ),
]


@pytest.mark.parametrize(
    ("cond", "yes", "no", "missing"), CASES, ids=[f"{x[0]['kind']}-{i}" for i, x in enumerate(CASES)]
)
def test_each_condition_kind_is_met_not_met_or_unknown_with_the_value_used(cond, yes, no, missing):
    met = ev(cond, firm(**yes))
    assert met.status == c.MET and met.value is not None
    miss = ev(cond, firm(**no))
    assert miss.status == c.NOT_MET and miss.value is not None
    if missing == "project_investment":
        unknown = ev(cond, firm(projects=(c.ProjectFacts("signed", None),)))
    else:
        unknown = ev(cond, firm())
    assert unknown.status == c.UNKNOWN and unknown.missing == missing


def test_a_numeric_condition_not_met_says_by_how_much():
    v = ev({"kind": "capital", "min": 1000}, firm(capital_wan=800.0))
    assert v.gap == 200.0 and v.reason == "below_min"
    v = ev({"kind": "employees", "max": 500}, firm(employees=650))
    assert v.gap == 150 and v.reason == "above_max"


def test_a_qualification_counts_only_while_valid_on_the_day():
    q = c.Qualification("高新技术企业", dt.date(2023, 1, 1), dt.date(2025, 12, 31), source="湖南省科技厅公示")
    cond = {"kind": "qualification", "any": ["高新技术企业", "专精特新"]}
    assert ev(cond, firm(qualifications=(q,))).reason == "expired"
    renewed = c.Qualification("高新技术企业", dt.date(2026, 1, 1), dt.date(2028, 12, 31))
    assert ev(cond, firm(qualifications=(q, renewed))).status == c.MET
    assert ev(cond, firm()).reason == "no_qualification"


def test_project_stage_is_met_by_any_project_in_the_stages_and_not_by_a_firm_without_projects():
    cond = {"kind": "project_stage", "in": ["construction", "production"]}
    assert (
        ev(cond, firm(projects=(c.ProjectFacts("signed"), c.ProjectFacts("construction")))).value
        == "construction"
    )
    assert ev(cond, firm()).reason == "no_project"


def test_bad_conditions_are_refused_in_chinese():
    with pytest.raises(c.ConditionError, match="未知的条件类型"):
        c.validate_condition({"kind": "colour"})
    with pytest.raises(c.ConditionError, match="下限大于上限"):
        c.validate_condition({"kind": "capital", "min": 10, "max": 5})
    with pytest.raises(c.ConditionError, match="至少一个取值"):
        c.validate_condition({"kind": "region", "in": []})


def test_a_clause_is_matched_nearly_unknown_or_not_matched_by_its_conditions():
    clause = c.Clause(
        7,
        tuple(
            c.validate_condition(x)
            for x in [
                {"kind": "region", "in": ["4302"]},
                {"kind": "capital", "min": 1000},
                {"kind": "employees", "min": 10},
            ]
        ),
    )
    assert (
        c.evaluate_clause(clause, firm(region_code="430211", capital_wan=2000.0, employees=20), AS_OF).status
        == c.MATCHED
    )
    nearly = c.evaluate_clause(clause, firm(region_code="430211", capital_wan=900.0, employees=20), AS_OF)
    assert (
        nearly.status == c.NEARLY and nearly.failing[0].kind == "capital" and nearly.failing[0].gap == 100.0
    )
    unknown = c.evaluate_clause(clause, firm(region_code="430211", capital_wan=2000.0), AS_OF)
    assert unknown.status == c.CANNOT_JUDGE and unknown.missing == ["employees"]
    assert (
        c.evaluate_clause(clause, firm(region_code="110101", capital_wan=1.0, employees=20), AS_OF).status
        == c.NOT_MATCHED
    )


def test_describe_gives_the_rule_in_chinese():
    assert c.describe(c.validate_condition({"kind": "capital", "min": 1000})) == "注册资本不低于1000万元"
    assert (
        c.describe(c.validate_condition({"kind": "qualification", "any": "高新技术企业、专精特新"}))
        == "具有高新技术企业或专精特新资质（在有效期内）"
    )


def _random_firm(i, rng):
    def maybe(x):
        return x if rng.random() > 0.2 else None

    return c.FirmFacts(
        id=i,
        region_code=rng.choice(["430211", "430202", "430104", ""]),
        industry_code=rng.choice(["3831", "C3911", "6510", ""]),
        chain_paths=tuple(rng.sample(["rail/traction", "rail/brake", "auto/battery"], rng.randint(0, 2))),
        founded=maybe(dt.date(rng.randint(2000, 2026), rng.randint(1, 12), 1)),
        capital_wan=maybe(float(rng.randint(10, 5000))),
        employees=maybe(rng.randint(1, 900)),
        revenue_wan=maybe(float(rng.randint(0, 90000))),
        tax_wan=maybe(float(rng.randint(0, 900))),
        rd_ratio=maybe(rng.random() * 8),
        qualifications=tuple(
            c.Qualification(t, dt.date(2024, 1, 1), rng.choice([None, dt.date(2025, 1, 1)]))
            for t in rng.sample(["高新技术企业", "专精特新", "规上"], rng.randint(0, 2))
        ),
        projects=tuple(
            c.ProjectFacts(
                rng.choice(["signed", "construction", "lead"]), maybe(float(rng.randint(100, 90000)))
            )
            for _ in range(rng.randint(0, 2))
        ),
    )


def test_the_vectorised_matcher_agrees_with_the_one_firm_evaluation_on_random_firms():
    rng = random.Random(13)
    firms = [_random_firm(i, rng) for i in range(1, 400)]
    table = m.FirmTable.from_facts(firms)
    clauses = [
        c.Clause(n, tuple(c.validate_condition(x) for x in conds))
        for n, conds in enumerate(
            [
                [{"kind": "region", "in": ["4302"]}, {"kind": "capital", "min": 1000}],
                [
                    {"kind": "industry", "in": ["C"]},
                    {"kind": "firm_age", "max": 10},
                    {"kind": "employees", "max": 300},
                ],
                [{"kind": "chain_node", "in": ["rail"]}, {"kind": "qualification", "any": ["高新技术企业"]}],
                [
                    {"kind": "revenue", "min": 20000},
                    {"kind": "tax", "min": 100},
                    {"kind": "rd_ratio", "min": 3},
                ],
                [
                    {"kind": "project_stage", "in": ["signed", "construction"]},
                    {"kind": "project_investment", "min": 10000},
                ],
            ]
        )
    ]
    for clause in clauses:
        vector = m.match_clause(clause, table, AS_OF, SECTIONS)
        names = [m.STATUS_NAMES[int(s)] for s in vector.status]
        one_by_one = [c.evaluate_clause(clause, f, AS_OF, SECTIONS).status for f in firms]
        assert names == one_by_one
        assert sum(vector.counts().values()) == len(firms)
    assert vector.counts()["matched"] > 0
