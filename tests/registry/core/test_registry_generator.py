"""The benchmark generator (bench/registry_generate.py) writes files the core reads as designed."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from zhaoshang.registry.core.scan import scan_file

GENERATOR = Path(__file__).parents[3] / "bench/registry_generate.py"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("registry_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_csv_and_xlsx_carry_the_designed_share_of_bad_codes_and_duplicates(
    generator: ModuleType, tmp_path: Path
) -> None:
    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "r.xlsx"
    assert (
        generator.main(["--rows", "5000", "--out", str(csv_path), "--xlsx", str(xlsx_path), "--seed", "3"])
        == 0
    )
    summaries = []
    for path in (csv_path, xlsx_path):
        scan = scan_file(path, today=date(2030, 1, 1))
        outcomes = list(scan.outcomes)
        assert len(outcomes) == 5000
        summaries.append(scan.summary)
    csv_summary, xlsx_summary = summaries
    issues = csv_summary.issues
    assert 25 <= issues["uscc_bad_check_digit"] <= 80
    assert 25 <= issues["uscc_excel_mangled"] <= 80
    assert 25 <= csv_summary.duplicates <= 80
    assert issues["duplicate_code_other_name"] == 0  # generated codes are unique per firm
    assert set(issues) <= {
        "uscc_bad_check_digit",
        "uscc_excel_mangled",
        "duplicate_row_same",
        "duplicate_row_differs",
        "name_seen_without_code",
    }
    # Excel-mangled codes written as numeric cells are recognised in the XLSX as well
    assert xlsx_summary.issues["uscc_excel_mangled"] == issues["uscc_excel_mangled"]
    assert xlsx_summary.statuses == csv_summary.statuses


def test_the_same_seed_writes_the_same_file(generator: ModuleType, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    generator.main(["--rows", "300", "--out", str(a), "--seed", "9"])
    generator.main(["--rows", "300", "--out", str(b), "--seed", "9"])
    assert a.read_bytes() == b.read_bytes()
