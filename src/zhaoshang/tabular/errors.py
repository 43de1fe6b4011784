"""Errors of the shared file readers and writers.

Each raise names a specific ``code`` (with the values of its sentence as params): the edge says it in the user's
language (English sentences: ``zhaoshang.registry.messages.TABULAR_ERRORS``); the Chinese message is unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zhaoshang.core.errors import DomainError


class UnreadableFileError(DomainError):
    """A file cannot be read (missing, wrong format, broken encoding, password protected, over a limit...)."""

    code = "file_unreadable"

    def __init__(self, path: str | Path, reason: str, code: str | None = None, **params: Any) -> None:
        self.path = str(path)
        self.reason = reason
        name = Path(path).name
        super().__init__(f"无法读取文件“{name}”：{reason}", code, name=name, **params)


class RefusedFileError(UnreadableFileError):
    """A file refused by the safety checks (:mod:`.safety`) before any row was read: over a limit, hostile or
    binary. ``str()`` names the file and the limit."""

    code = "file_refused"

    def __init__(self, path: str | Path | None, reason: str, code: str | None = None, **params: Any) -> None:
        self.path = str(path) if path is not None else ""
        self.reason = reason
        name = Path(self.path).name if self.path else ""
        message = f"文件“{name}”被拒绝：{reason}" if name else f"文件被拒绝：{reason}"
        DomainError.__init__(self, message, code, name=name, **params)


class DateError(DomainError):
    """A date could not be parsed, or names a day that does not exist."""

    code = "date_unparseable"

    def __init__(self, raw: object, reason: str, code: str | None = None, **params: Any) -> None:
        self.raw = raw
        self.reason = reason
        super().__init__(f"无法识别日期“{raw}”：{reason}", code, raw=str(raw), **params)
