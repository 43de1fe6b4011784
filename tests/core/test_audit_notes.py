"""The notes the product writes into histories are said in the reader's language; stored notes never change."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from zhaoshang.core.audit_notes import NOTES, say_note

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "zhaoshang"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("stored", "english"),
    [
        ("手工修改", "Edited by hand"),
        ("合并入 #12 株洲甲科技有限公司", "Merged into #12 株洲甲科技有限公司"),
        ("合并 #7 乙公司 时补充", "Filled in when #7 乙公司 was merged"),
        (
            "导入 firms.xlsx：新增3家（本批次创建的企业可按导入批次查到）",
            "Imported from firms.xlsx: 3 new firms",
        ),
        ("申请延期至 2027-01-31：等待上级批复", "Extension asked to 2027-01-31: 等待上级批复"),
        ("驳回延期申请（2026-12-20 → 2027-01-31）", "Extension request rejected (2026-12-20 → 2027-01-31)"),
        (
            "重新导入批次 #4（已中断：进程被终止）",
            "Import batch #4 run again (it was interrupted: 进程被终止)",
        ),
    ],
)
def test_a_written_note_is_english_for_an_english_reader_and_as_stored_in_chinese(stored, english):
    with translation.override("en"):
        assert say_note(stored).startswith(english)
    with translation.override("zh-hans"):
        assert say_note(stored) == stored


def test_a_note_a_person_typed_is_shown_as_typed():
    with translation.override("en"):
        assert say_note("与企业约定下周再访") == "与企业约定下周再访"
        assert say_note("") == ""


def _written_notes() -> list[str]:
    """Every fixed note (a string literal with Chinese passed as ``note=``) the product's code writes."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "note":
                values = [node.value]
                if isinstance(node.value, ast.IfExp):
                    values = [node.value.body, node.value.orelse]
                found += [v.value for v in values if isinstance(v, ast.Constant) and CJK.search(str(v.value))]
    return found


def test_every_fixed_note_the_product_writes_has_an_english_sentence():
    notes = _written_notes()
    assert "手工修改" in notes and "地图上放置" in notes
    missing = [n for n in notes if not any(p.fullmatch(n) for p, _ in NOTES)]
    assert missing == []


@pytest.mark.django_db
def test_the_audit_page_says_a_firms_edit_note_in_english(cast, client_for):
    from zhaoshang.registry.firms import ensure_enterprise, update_enterprise

    firm = ensure_enterprise(cast.owner, name="株洲注记测试有限公司", organisation=cast.park, source="test")
    update_enterprise(cast.owner, firm, region_code="430211")
    client = client_for(cast.admin)
    assert "手工修改" in client.get("/audit/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/audit/").content.decode()
    assert "Edited by hand" in english and "手工修改" not in english
