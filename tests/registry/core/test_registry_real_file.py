"""The real registry export in /work/shared/data/registry/gongshang_dev.xlsx, end to end (2,057 firms)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.shared_data import require

from zhaoshang.registry.core.scan import FileScan, scan_file


@pytest.fixture(scope="module")
def scanned(shared_data: Path) -> tuple[FileScan, list]:  # type: ignore[type-arg]
    path = shared_data / "registry/gongshang_dev.xlsx"
    require(path)
    scan = scan_file(path, today=date(2026, 1, 1))
    return scan, list(scan.outcomes)


def test_the_real_file_maps_its_full_legal_name_column_to_name(scanned) -> None:  # type: ignore[no-untyped-def]
    scan, _ = scanned
    used = scan.mapping.used_columns
    assert used["name"] == "公司名称"
    assert used["short_name"] == "名称"
    assert scan.mapping.alternates["name"] == (3,)
    assert scan.mapping.unknown == ()


def test_the_real_file_imports_with_the_expected_counts(scanned) -> None:  # type: ignore[no-untyped-def]
    scan, outcomes = scanned
    assert len(outcomes) == 2057
    assert outcomes[0].row == 2 and outcomes[-1].row == 2058
    assert dict(scan.summary.statuses) == {"ok": 2054, "flagged": 3}
    flags = {c: n for c, n in scan.summary.issues.items() if c != "reg_no_check_failed"}
    assert flags == {"uscc_bad_check_digit": 1, "uscc_excel_mangled": 1, "duplicate_row_differs": 1}
    assert scan.summary.duplicates == 1


def test_the_real_files_doubtful_rows_point_at_the_right_excel_rows(scanned) -> None:  # type: ignore[no-untyped-def]
    _, outcomes = scanned
    flagged = {o.row: o for o in outcomes if o.status == "flagged"}
    assert sorted(flagged) == [194, 720, 940]
    assert flagged[194].issues[0].raw_value == "91350203M0000HD938"
    assert flagged[720].issues[0].raw_value == "914419000537190000"
    assert flagged[720].record.uscc is None
    assert flagged[940].duplicate_of == 629


def test_the_real_files_capital_and_dates_all_parse(scanned) -> None:  # type: ignore[no-untyped-def]
    _, outcomes = scanned
    records = [o.record for o in outcomes]
    assert all(r.capital_wan is not None for r in records)
    currencies = {r.currency for r in records}
    assert currencies == {"CNY", "USD", "HKD", "GBP"}
    assert sum(r.founded is None for r in records) == 17  # written as 未知
    # a code copied with a leading tab is still a valid code
    assert sum(r.uscc is not None for r in records) == 2057 - 18 - 2
