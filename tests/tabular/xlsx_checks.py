"""Checks shared by the export tests: no cell of a workbook is a formula, and a planted value comes out as text."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

PLANTED = '=HYPERLINK("http://evil.example","点我")'


def cells(content: bytes | Path) -> list:
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    book = openpyxl.load_workbook(source)
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def assert_planted_is_text(content: bytes | Path, planted: str = PLANTED) -> list:
    """Every cell is data (no formula), and each cell holding the planted text holds it as neutralised text."""
    found = cells(content)
    assert not [c.coordinate for c in found if c.data_type == "f"], "a cell was written as a formula"
    holding = [c for c in found if isinstance(c.value, str) and planted in c.value]
    assert holding, "the planted value is not in the export"
    for cell in holding:
        assert cell.data_type == "s" and not cell.value.startswith("="), cell.value
    return found
