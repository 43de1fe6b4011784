"""One pass over a registry export: read → map headers → validate rows → in-file duplicates.

This is the whole pure pipeline the Django import service wraps (it adds the database and the transaction)::

    scan = scan_file(path, region_lookup=matcher)
    for outcome in scan.outcomes:
        ...
    scan.summary  # counts so far, complete once outcomes is exhausted
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from zhaoshang.tabular.readers import open_table

from .dedupe_in_file import SeenRows
from .headers import HeaderMapping, map_headers
from .rows import RegionLookup, RowOutcome, RowValidator


@dataclass
class ScanSummary:
    """Rows by status, issues by code (a row with two issues of one code counts twice), duplicates."""

    statuses: Counter[str] = field(default_factory=Counter)
    issues: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0

    def add(self, outcome: RowOutcome) -> None:
        self.statuses[outcome.status] += 1
        for issue in outcome.issues:
            self.issues[issue.code] += 1
        if outcome.duplicate_of is not None:
            self.duplicates += 1


@dataclass
class FileScan:
    path: Path
    header_row: int
    mapping: HeaderMapping
    outcomes: Iterator[RowOutcome]
    summary: ScanSummary


def scan_file(
    path: str | Path,
    *,
    overrides: Mapping[str, str | None] | None = None,
    region_lookup: RegionLookup | None = None,
    capital_unit_hint: str | None = None,
    today: date | None = None,
    sheet: str | int | None = None,
) -> FileScan:
    """Open ``path`` and map its header now (errors surface here); rows are validated lazily as you iterate."""
    table = open_table(path, sheet=sheet)
    mapping = map_headers(table.header, overrides)
    validator = RowValidator(
        mapping, capital_unit_hint=capital_unit_hint, region_lookup=region_lookup, today=today
    )
    summary = ScanSummary()

    def outcomes() -> Iterator[RowOutcome]:
        seen = SeenRows()
        validate = validator.validate
        check = seen.check
        add = summary.add
        for number, cells in table.rows:
            outcome = check(validate(number, cells))
            add(outcome)
            yield outcome

    return FileScan(table.path, table.header_row, mapping, outcomes(), summary)
