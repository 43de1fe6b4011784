from __future__ import annotations

from datetime import date

from zhaoshang.registry.core.dedupe_in_file import SeenRows
from zhaoshang.registry.core.headers import map_headers
from zhaoshang.registry.core.rows import RowOutcome, RowValidator

VALIDATOR = RowValidator(
    map_headers(["统一社会信用代码", "企业名称", "注册资本", "登记状态"]), today=date(2024, 6, 1)
)


def feed(rows: list[list[str]]) -> list[RowOutcome]:
    seen = SeenRows()
    return [seen.check(VALIDATOR.validate(n, cells)) for n, cells in enumerate(rows, start=2)]


A = ["91430111355525404W", "长沙市畅映文化传播有限公司", "20万元人民币", "存续"]
B = ["9144030008460541XW", "深圳彦泽科技有限公司", "100万元人民币", "存续"]


def test_distinct_firms_are_all_new() -> None:
    outcomes = feed([A, B])
    assert [o.status for o in outcomes] == ["ok", "ok"]
    assert [o.duplicate_of for o in outcomes] == [None, None]


def test_an_identical_repeat_is_unchanged_and_names_the_row_it_repeats() -> None:
    outcomes = feed([A, B, list(A)])
    repeat = outcomes[2]
    assert repeat.duplicate_of == 2
    assert repeat.status == "ok"
    assert [i.code for i in repeat.issues] == ["duplicate_row_same"]
    assert "第2行" in repeat.issues[0].message_zh


def test_a_repeat_spelled_differently_is_unchanged_but_flagged() -> None:
    respelled = [A[0], "长沙市畅映文化传播有限公司 ", "20万人民币", "存续"]  # same values once normalised
    assert feed([A, respelled])[1].issues[0].code == "duplicate_row_same"
    changed = [A[0], A[1], A[2], "注销"]
    outcome = feed([A, changed])[1]
    assert outcome.status == "flagged"
    assert outcome.duplicate_of == 2
    assert [i.code for i in outcome.issues] == ["duplicate_row_differs"]


def test_the_same_code_with_another_firms_name_is_rejected() -> None:
    other = [A[0], "长沙市完全不同的科技有限公司", "20万元人民币", "存续"]
    outcome = feed([A, B, other])[2]
    assert outcome.status == "rejected"
    assert outcome.duplicate_of == 2
    assert outcome.issues[-1].message_zh == "同一代码对应不同企业名称，见第2行：请核实是否更名"


def test_a_name_in_full_width_brackets_is_the_same_firm() -> None:
    first = ["", "畅映文化传播(长沙)有限公司", "20万元人民币", "存续"]
    second = ["", "畅映文化传播（长沙）有限公司", "20万元人民币", "存续"]
    outcome = feed([first, second])[1]
    assert outcome.duplicate_of == 2


def test_rows_without_a_code_are_matched_by_name() -> None:
    outcomes = feed(
        [["", "甲科技有限公司", "", ""], ["", "乙科技有限公司", "", ""], ["", "甲科技股份有限公司", "", ""]]
    )
    assert [o.duplicate_of for o in outcomes] == [None, None, 2]


def test_a_codeless_repeat_of_a_coded_firm_is_unchanged() -> None:
    outcome = feed([A, ["", A[1], A[2], A[3]]])[1]
    assert outcome.duplicate_of == 2
    assert outcome.status == "flagged"


def test_a_coded_row_after_a_codeless_row_of_the_same_name_is_new_but_flagged() -> None:
    outcome = feed([["", A[1], "", ""], A])[1]
    assert outcome.duplicate_of is None
    assert outcome.status == "flagged"
    assert [i.code for i in outcome.issues] == ["name_seen_without_code"]


def test_rejected_rows_are_not_remembered() -> None:
    seen = SeenRows()
    seen.check(VALIDATOR.validate(2, ["91430111355525404W", "", "", ""]))
    assert len(seen) == 0
    assert seen.check(VALIDATOR.validate(3, A)).duplicate_of is None
