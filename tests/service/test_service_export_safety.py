"""The monthly service report (XLSX) goes through the shared writer: a planted firm name is text."""

from __future__ import annotations

from tests.tabular.xlsx_checks import PLANTED, assert_planted_is_text

from zhaoshang.service import services as s


def test_a_firm_named_like_a_formula_comes_out_of_the_monthly_report_as_text(desk, client_for):
    s.receive_appeal(desk.service, channel="phone", firm_name=PLANTED, content="用地", category=desk.land)
    response = client_for(desk.leader).get("/service/rates/report.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    found = assert_planted_is_text(content)
    assert any(c.value == 1 and c.data_type == "n" for c in found)  # the counts stay numbers
    assert any(c.value == "三率" or "企业诉求办理情况" in str(c.value) for c in found)
