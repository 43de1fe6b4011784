"""A problem found in one row of an imported file, and the error report that lists them for the user."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class RowIssue:
    row: int
    column: str | None
    raw_value: str
    code: str
    message_zh: str
    severity: Severity
    # the values formatted into ``message_zh`` (beyond row/column/raw), so that an edge can say it in another
    # language by ``code``; not part of equality or hashing
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict[str, Any]:
        """The stored / JSON form (the keys every import's batch record and ``--json`` use); ``params`` only
        when the core gave any."""
        data: dict[str, Any] = {
            "row": self.row,
            "column": self.column,
            "raw": self.raw_value,
            "code": self.code,
            "message": self.message_zh,
            "severity": self.severity,
        }
        if self.params:
            data["params"] = {
                k: v if isinstance(v, str | int | float) or v is None else str(v)
                for k, v in self.params.items()
            }
        return data


SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
REPORT_HEADER = ("行号", "列", "原始值", "问题", "级别")


def write_issue_report(
    issues: Iterable[RowIssue | Mapping[str, Any]],
    out: str | Path | IO[bytes],
    *,
    header: tuple[str, ...] = REPORT_HEADER,
    severity_names: Mapping[str, str] = SEVERITY_ZH,
    sheet_name: str = "问题清单",
    message: Callable[[Mapping[str, Any]], str] | None = None,
) -> int:
    """The error report of an import: one line per finding (行号/列/原始值/问题/级别), rejected rows first.
    Chinese headers by default; the web passes them in the user's language (the findings' messages are written
    by the cores in Chinese; ``message(finding_dict)`` says one in the user's language, default its Chinese)."""
    from zhaoshang.tabular.export import write_xlsx

    order = {"error": 0, "warning": 1, "info": 2}
    found = [i.as_dict() if isinstance(i, RowIssue) else dict(i) for i in issues]
    found.sort(key=lambda i: (order.get(i.get("severity", "info"), 3), i.get("row") or 0))
    rows = (
        [
            int(i.get("row") or 0),
            str(i.get("column") or ""),
            str(i.get("raw") or ""),
            message(i) if message is not None else str(i.get("message") or ""),
            severity_names.get(str(i.get("severity")), str(i.get("severity") or "")),
        ]
        for i in found
    )
    return write_xlsx(out, header, rows, sheet_name=sheet_name, widths=(8, 18, 36, 70, 8))
