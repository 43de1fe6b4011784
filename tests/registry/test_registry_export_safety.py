"""The registry list export goes through the shared writer: a planted formula is text, numbers stay numbers."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from tests.tabular.xlsx_checks import PLANTED, assert_planted_is_text

from zhaoshang.registry.models import Enterprise


def test_a_firm_named_like_a_formula_is_exported_as_text_and_its_capital_as_a_number(cast, client_for):
    Enterprise.objects.create(
        name=PLANTED,
        name_key="planted",
        organisation=cast.bureau,
        capital_wan=Decimal("1234.5678"),
        employees=321,
        address="+86 地址",
        scope="-危险经营范围",
    )
    response = client_for(cast.officer).get(reverse("registry:export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    found = assert_planted_is_text(content)
    values = [c.value for c in found]
    assert 1234.5678 in values and 321 in values  # numbers, not text
    assert "'+86 地址" in values and "'-危险经营范围" in values
