"""Errors of the reference-data core (regions, industries).

Every import error is a :class:`RowError` that names the file, the row as the user sees it in a spreadsheet
(the header is row 1, the first data row is row 2) and the field, with a message in Chinese. A file with any
bad row raises one exception that carries all of them, so the caller can show them at once and load nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zhaoshang.core.errors import DomainError
from zhaoshang.tabular.issues import RowIssue


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row of a user's file."""

    file: str
    row: int
    field: str
    message: str
    # a stable code and the values of the sentence, so that an edge can say it in another language
    code: str = ""
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.file} 第 {self.row} 行「{self.field}」：{self.message}"

    def as_issue(self) -> RowIssue:
        """The finding as the imports' :class:`RowIssue` (its Chinese sentence is ``str(self)``)."""
        raw = str(self.params.get("raw", ""))
        return RowIssue(
            self.row, self.field, raw, self.code, str(self), "error", {"file": self.file, **self.params}
        )


class ReferenceDataError(DomainError):
    """Base class of the errors raised by ``zhaoshang.core.reference``."""


class ReferenceFileError(ReferenceDataError):
    """A file that cannot be imported; ``errors`` lists every bad row."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors: list[RowError] = list(errors)
        shown = "\n".join(str(e) for e in self.errors[:20])
        more = f"\n……另有 {len(self.errors) - 20} 处错误" if len(self.errors) > 20 else ""
        super().__init__(f"文件有 {len(self.errors)} 处错误，未导入任何数据：\n{shown}{more}")


class RegionFileError(ReferenceFileError):
    """A region (GB/T 2260) file with bad rows."""


class IndustryFileError(ReferenceFileError):
    """An industry (GB/T 4754-2017) file with bad rows."""


class UnknownRegionError(ReferenceDataError, KeyError):
    """A region code that is not in the table."""

    def __init__(self, code: str) -> None:
        self.code = code
        ValueError.__init__(self, f"未知的行政区划代码：{code}")

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0])
