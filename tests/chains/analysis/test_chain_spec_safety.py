"""The chain file (a round-trip data file, not a user export) writes every text as a string cell: a node named like
a formula is never a formula, and it reads back unchanged."""

from __future__ import annotations

import dataclasses

from tests.tabular.xlsx_checks import PLANTED, cells

from zhaoshang.chains.analysis.spec import DATA_DIR, dump_xlsx, load_xlsx, load_yaml


def test_a_node_named_like_a_formula_is_a_string_cell_and_reads_back_unchanged(tmp_path):
    spec = load_yaml(next(DATA_DIR.glob("*.yaml")))
    key, node = next(iter(spec.nodes.items()))
    spec.nodes[key] = dataclasses.replace(node, name=PLANTED)
    path = tmp_path / "chain.xlsx"
    dump_xlsx(spec, path)
    found = cells(path)
    assert not [c for c in found if c.data_type == "f"]
    assert [c.data_type for c in found if c.value == PLANTED] == ["s"] * len(
        [c for c in found if c.value == PLANTED]
    )
    assert load_xlsx(path).nodes[key].name == PLANTED
