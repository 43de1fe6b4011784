"""Errors of the shared file readers and writers."""

from __future__ import annotations

from pathlib import Path

from zhaoshang.core.errors import DomainError


class UnreadableFileError(DomainError):
    """A file cannot be read (missing, wrong format, broken encoding, password protected, over a limit...)."""

    code = "file_unreadable"

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"无法读取文件“{Path(path).name}”：{reason}")


class DateError(DomainError):
    """A date could not be parsed, or names a day that does not exist."""

    code = "date_unparseable"

    def __init__(self, raw: object, reason: str) -> None:
        self.raw = raw
        self.reason = reason
        super().__init__(f"无法识别日期“{raw}”：{reason}")
