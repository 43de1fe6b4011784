"""Errors of the chain analytic core.

Every error is a ``ValueError`` whose message is written for the user, in Chinese, and names the file, the
node key or spreadsheet row, and the field when there is one. Services catch these and translate them at the
edge (form field error, API ``{"error": ..., "code": ...}``, one CLI line).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zhaoshang.core.errors import DomainError


class ChainAnalysisError(DomainError):
    """Base class of every error raised by ``zhaoshang.chains.analysis``."""

    code = "chain_analysis"


class ChainAnalysisWarning(UserWarning):
    """A warning of the chain core: its Chinese sentence, and a ``code`` and ``params`` for the edge to say it in
    the user's language (``zhaoshang.chains.messages.note_message``)."""

    def __init__(self, message: str, code: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ChainFileProblem:
    """One problem found in a chain file, with where it is.

    ``row`` is the 1-based spreadsheet row (the header is row 1) for XLSX files and the 1-based line where the
    node (or link) starts for YAML files read from a file or stream; ``None`` when unknown (a plain dict).
    ``field`` is the YAML field name or the spreadsheet column header, as the user sees it. ``code`` and
    ``params`` say the problem for the edge, which puts it in the user's language (``message`` is Chinese).
    """

    message: str
    file: str | None = None
    row: int | None = None
    node_key: str | None = None
    field: str | None = None
    sheet: str | None = None
    code: str = dataclasses.field(default="", compare=False)  # (``field`` is taken by the column above)
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        where: list[str] = []
        if self.file:
            where.append(self.file)
        if self.sheet:
            where.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.node_key:
            where.append(f"节点 {self.node_key}")
        if self.field:
            where.append(f"字段「{self.field}」")
        return f"{' '.join(where)}：{self.message}" if where else self.message


class ChainFileError(ChainAnalysisError):
    """A chain file (YAML or XLSX) could not be read or is invalid; ``problems`` lists every problem found."""

    code = "chain_file_invalid"

    def __init__(
        self,
        problems: Iterable[ChainFileProblem | str],
        file: str | None = None,
        code: str | None = None,
        **params: Any,
    ) -> None:
        self.problems: list[ChainFileProblem] = [
            p if isinstance(p, ChainFileProblem) else ChainFileProblem(str(p), file=file) for p in problems
        ]
        self.file = file
        lines = [str(p) for p in self.problems]
        head = f"产业链文件有 {len(lines)} 处错误" + (f"（{file}）" if file else "")
        # a single-problem error raised with a code says that problem in English (params name the file)
        params.setdefault("file", file or "")
        super().__init__(head + "：\n" + "\n".join(f"- {line}" for line in lines), code=code, **params)


class AnalysisInputError(ChainAnalysisError):
    """A table handed to classification, gap analysis or ranking lacks a column or holds bad values."""

    code = "analysis_input_invalid"
