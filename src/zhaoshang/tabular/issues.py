"""A problem found in one row of an imported file, named by row, column, value and reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class RowIssue:
    row: int
    column: str | None
    raw_value: str
    code: str
    message_zh: str
    severity: Severity
