"""Places exports (the park comparison and the import's issue list) go through the shared writer."""

from __future__ import annotations

from types import SimpleNamespace

from tests.tabular.xlsx_checks import PLANTED, assert_planted_is_text

from zhaoshang.places.categories import CODES
from zhaoshang.places.services import export_comparison, write_issues_xlsx


def test_a_park_named_like_a_formula_is_text_in_the_comparison_and_the_counts_are_numbers(tmp_path):
    counts = {"15": dict.fromkeys(CODES, 3)}
    requirement = SimpleNamespace(
        minutes=15, category=CODES[0], distance_m=1000, min_count=2, source="GB 50180-2018", clause="表3.0.4"
    )
    row = SimpleNamespace(
        park=SimpleNamespace(name=PLANTED),
        access=SimpleNamespace(minutes=[15], counts=counts),
        gaps=[SimpleNamespace(requirement=requirement, found=0, message_zh="-缺2处")],
    )
    path = export_comparison([row], tmp_path / "compare.xlsx")
    found = assert_planted_is_text(path)
    assert any(c.value == 3 and c.data_type == "n" for c in found)
    assert "'-缺2处" in [c.value for c in found]


def test_a_rejected_value_like_a_formula_is_text_in_the_issue_list(tmp_path):
    issue = SimpleNamespace(row=7, field="名称", value=PLANTED, reason="类别不明")
    path = tmp_path / "issues.xlsx"
    write_issues_xlsx(path, [issue])
    found = assert_planted_is_text(path)
    assert any(c.value == 7 and c.data_type == "n" for c in found)
