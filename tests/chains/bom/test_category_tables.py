"""The BOM category tables are data (chains/data/bom_categories.yaml), read and checked once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from zhaoshang.chains.analysis import bom
from zhaoshang.chains.analysis.bom_categories import DEFAULT_TABLE, TABLES, load_tables


def _table(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_TABLE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bom_categories.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_bom_module_categorises_with_the_shipped_tables() -> None:
    assert bom.CATEGORIES["capacitor"].industry_codes == ("3981",)
    assert bom.CATEGORIES["capacitor"].hs_codes == ("8532",)
    assert [c.key for c in TABLES.categories][-1] == "other"
    assert bom.GROUPS["passive"] == ("被动元件", "Passive components")
    line = bom.BomLine(row=2, references=("U3",), quantity=1, value="LM358")
    assert bom.categorise(line) == "ic_analog"  # op-amps come before the LM* regulators in ic_functions


def test_a_table_pattern_is_case_insensitive_with_ascii_word_boundaries() -> None:
    pcb = next(p for p, key in TABLES.word_hints if key == "pcb")
    assert pcb.search("主板PCB") and pcb.search("Main pcba")
    assert not pcb.search("pcbx")


def test_a_rule_naming_an_unknown_category_fails_loudly(tmp_path: Path) -> None:
    path = _table(tmp_path, lambda d: d["prefixes"].update({"ZZ": "flux_capacitor"}))
    with pytest.raises(ValueError, match="prefixes: unknown category 'flux_capacitor'"):
        load_tables(path)


def test_a_category_in_an_unknown_group_fails_loudly(tmp_path: Path) -> None:
    path = _table(tmp_path, lambda d: d["categories"][0].update({"group": "optics"}))
    with pytest.raises(ValueError, match="unknown group 'optics'"):
        load_tables(path)


def test_a_pattern_that_does_not_compile_fails_loudly(tmp_path: Path) -> None:
    path = _table(tmp_path, lambda d: d["word_hints"][0].update({"pattern": "(unclosed"}))
    with pytest.raises(ValueError, match="does not compile"):
        load_tables(path)


def test_a_table_without_the_other_fallback_fails_loudly(tmp_path: Path) -> None:
    def drop_other(d):
        d["categories"] = [c for c in d["categories"] if c["key"] != "other"]

    with pytest.raises(ValueError, match="'other'"):
        load_tables(_table(tmp_path, drop_other))
