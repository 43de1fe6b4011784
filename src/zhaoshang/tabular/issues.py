"""A problem found in one row of an imported file, and the error report that lists them for the user."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
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

    def as_dict(self) -> dict[str, Any]:
        """The stored / JSON form (the keys every import's batch record and ``--json`` use)."""
        data = asdict(self)
        return {
            "row": data["row"],
            "column": data["column"],
            "raw": data["raw_value"],
            "code": data["code"],
            "message": data["message_zh"],
            "severity": data["severity"],
        }


SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
REPORT_HEADER = ("行号", "列", "原始值", "问题", "级别")


def write_issue_report(
    issues: Iterable[RowIssue | Mapping[str, Any]],
    out: str | Path | IO[bytes],
    *,
    header: tuple[str, ...] = REPORT_HEADER,
    severity_names: Mapping[str, str] = SEVERITY_ZH,
    sheet_name: str = "问题清单",
) -> int:
    """The error report of an import: one line per finding (行号/列/原始值/问题/级别), rejected rows first.
    Chinese headers by default; the web passes them in the user's language (the findings' messages are written
    by the cores in Chinese and stay so)."""
    from zhaoshang.tabular.export import write_xlsx

    order = {"error": 0, "warning": 1, "info": 2}
    found = [i.as_dict() if isinstance(i, RowIssue) else dict(i) for i in issues]
    found.sort(key=lambda i: (order.get(i.get("severity", "info"), 3), i.get("row") or 0))
    rows = (
        [
            int(i.get("row") or 0),
            str(i.get("column") or ""),
            str(i.get("raw") or ""),
            str(i.get("message") or ""),
            severity_names.get(str(i.get("severity")), str(i.get("severity") or "")),
        ]
        for i in found
    )
    return write_xlsx(out, header, rows, sheet_name=sheet_name, widths=(8, 18, 36, 70, 8))
