"""The chain core's notes in the user's language: the warnings about a BOM that was read (`chains bom` prints them
as “Note: …”), the gap analysis's and the learned layer's Python warnings, and the unit of the classify progress
bar. The core keeps its Chinese sentence and adds a code with params; the edge says it in English to an English
user and what a Chinese user sees is the old Chinese, character for character."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import translation

from zhaoshang.chains import messages
from zhaoshang.chains.analysis import bom as bom_module
from zhaoshang.chains.analysis.bom import read_bom
from zhaoshang.chains.analysis.errors import ChainAnalysisWarning
from zhaoshang.chains.analysis.gap import analyse_gaps
from zhaoshang.chains.messages import NOTES, note_message

ANALYSIS = Path(bom_module.__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# row 2: 2 pieces but 3 designators; row 3: quantity 0 (and 1 designator); row 5: R2 again; row 6: DNP;
# row 7: a totals row whose figure is not a number; row 8: a totals row that disagrees with the lines
BOM = "Reference,Quantity,Value\nC1 C2 C3,2,100n\nR1,0,10k\nR2,1,1k\nR2 R3,2,1k\nC9,1,DNP\n合计,几个,\n合计,99,\n"
CHINESE = [
    "第2行：数量为2，但位号有3个（C1 C2 C3）",
    "第3行：数量为0，但位号有1个（R1）",
    "第3行：数量为0",
    "第7行：合计行的数量「几个」不是数字，已忽略",
    "第5行：位号R2与第4行重复",
    "第6行：共1行（1件）标为不贴（DNP），未计入",
    "第8行：合计行的数量为99，与明细数量之和5不一致（合计行未计入）",
]
ENGLISH = [
    "Row 2: the quantity is 2 but there are 3 designator(s) (C1 C2 C3)",
    "Row 3: the quantity is 0 but there are 1 designator(s) (R1)",
    "Row 3: the quantity is 0",
    "Row 7: the quantity “几个” of the totals row is not a number; ignored",
    "Row 5: the designator R2 repeats row 4",
    "Row(s) 6: 1 line(s) (1 part(s)) marked do-not-populate (DNP), not counted",
    "Row 8: the totals row says 99 but the lines add up to 5 (the totals row is not counted)",
]


def _note_codes_in(path: Path) -> set[str]:
    """Codes the core writes as notes: ``bom.warn(message, "code", …)`` and ``ChainAnalysisWarning(…, code=…)``."""
    codes = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "warn" and len(node.args) >= 2:
            if isinstance(node.args[1], ast.Constant):
                codes.add(node.args[1].value)
        if isinstance(func, ast.Name) and func.id == "ChainAnalysisWarning":
            codes |= {
                k.value.value for k in node.keywords if k.arg == "code" and isinstance(k.value, ast.Constant)
            }
    return codes


def test_every_note_the_chain_core_writes_has_an_english_sentence():
    written = set().union(*(_note_codes_in(p) for p in ANALYSIS.glob("*.py")))
    assert written == set(NOTES)
    assert not set(NOTES) & (set(messages.ERRORS) | set(messages.ISSUES))  # one code, one sentence


def test_a_boms_notes_carry_codes_and_say_the_same_in_english(tmp_path):
    path = tmp_path / "board.csv"
    path.write_text(BOM, encoding="utf-8")
    bom = read_bom(path, name="board")
    assert bom.warnings == CHINESE  # unchanged, in the order they are found
    assert [note.message for note in bom.notes] == CHINESE
    with translation.override("en"):
        assert [note_message(note) for note in bom.notes] == ENGLISH
    with translation.override("zh-hans"):
        assert [note_message(note) for note in bom.notes] == CHINESE


@pytest.mark.django_db
def test_the_bom_command_prints_its_notes_in_the_users_language(tmp_path):
    path = tmp_path / "board.csv"
    path.write_text(BOM, encoding="utf-8")
    args = ["chains", "bom", str(path), "--name", "board"]
    with translation.override("en"):
        err = io.StringIO()
        call_command(*args, stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [f"Note: {line}" for line in ENGLISH]
    err = io.StringIO()
    call_command(*args, stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [f"提示：{line}" for line in CHINESE]


@pytest.mark.django_db
def test_the_bom_commands_json_keeps_the_chinese_warnings_and_adds_their_codes(tmp_path):
    import json

    path = tmp_path / "board.csv"
    path.write_text(BOM, encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("chains", "bom", str(path), "--name", "board", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["warnings"] == CHINESE
    assert [note["message"] for note in data["notes"]] == CHINESE
    assert data["notes"][4] == {
        "code": "bom_reference_repeated",
        "params": {"row": 5, "reference": "R2", "first": 4},
        "message": "第5行：位号R2与第4行重复",
    }


def test_the_gap_analysis_warns_about_unknown_node_keys_with_a_code(mini_spec):
    rows = pd.DataFrame({"firm_id": ["f1", "f2", "f3"], "node_key": ["igbt", "gone", "lost"]})
    with pytest.warns(ChainAnalysisWarning) as caught:
        analyse_gaps(mini_spec, rows)
    warning = caught[0].message
    assert isinstance(warning, ChainAnalysisWarning) and isinstance(warning, UserWarning)
    assert str(warning) == "2 行的节点键不在产业链「迷你轨交链」中，已忽略（例如：gone、lost）"
    assert warning.code == "gap_node_keys_not_in_chain"
    with translation.override("en"):
        assert note_message(warning) == (
            "2 row(s) have a node key that is not in the chain “迷你轨交链”; ignored (for example: gone, lost)"
        )
    with translation.override("zh-hans"):
        assert note_message(warning) == str(warning)


def test_a_note_without_a_sentence_or_lacking_a_param_falls_back_to_its_chinese():
    with translation.override("en"):
        assert note_message({"code": "no_such_note", "params": {}, "message": "旧的提示"}) == "旧的提示"
        assert (
            note_message({"code": "bom_quantity_zero", "params": {}, "message": "第3行：数量为0"})
            == "第3行：数量为0"
        )
        assert not CJK.search(
            note_message({"code": "model_evidence_missing", "message": "该模型训练时使用了规则证据"})
        )


@pytest.mark.django_db
def test_the_classify_progress_bar_counts_firms_in_the_users_language(monkeypatch):
    units = []

    class Bar:
        def __init__(self, *args, unit="it", **kwargs):
            units.append(unit)
            self.total = self.n = 0

        def refresh(self):
            pass

        def close(self):
            pass

    monkeypatch.setattr("tqdm.tqdm", Bar)
    with translation.override("en"):
        call_command("chains", "classify-firms", stdout=io.StringIO())
    call_command("chains", "classify-firms", stdout=io.StringIO())
    assert units == [" firms", "家"]
