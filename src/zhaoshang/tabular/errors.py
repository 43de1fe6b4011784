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


class RefusedFileError(UnreadableFileError):
    """A file refused by the safety checks (:mod:`.safety`) before any row was read: over a limit, hostile or
    binary. ``str()`` names the file and the limit."""

    code = "file_refused"

    def __init__(self, path: str | Path | None, reason: str) -> None:
        self.path = str(path) if path is not None else ""
        self.reason = reason
        name = Path(self.path).name if self.path else ""
        DomainError.__init__(self, f"文件“{name}”被拒绝：{reason}" if name else f"文件被拒绝：{reason}")


class DateError(DomainError):
    """A date could not be parsed, or names a day that does not exist."""

    code = "date_unparseable"

    def __init__(self, raw: object, reason: str) -> None:
        self.raw = raw
        self.reason = reason
        super().__init__(f"无法识别日期“{raw}”：{reason}")
