"""Errors of the registry analytic core.

Every error is a :class:`ValueError` so that callers which only know "bad input" can catch it; the edges
(web form, API, CLI) translate them. ``str(error)`` is a Chinese message that can be shown to users.
"""

from __future__ import annotations

from pathlib import Path


class RegistryCoreError(ValueError):
    """Base class of every error raised by :mod:`zhaoshang.registry.core`."""

    code: str = "registry_error"


class UsccError(RegistryCoreError):
    """A value given where a credit code (or its first 17 characters) was required is malformed."""

    code = "uscc_invalid"


class CapitalError(RegistryCoreError):
    """A registered-capital text could not be parsed; ``raw`` keeps the text as given."""

    code = "capital_unparseable"

    def __init__(self, raw: object, reason: str) -> None:
        self.raw = raw
        self.reason = reason
        super().__init__(f"无法识别注册资本“{raw}”：{reason}")


class CurrencyError(RegistryCoreError):
    """No exchange rate is known for a currency."""

    code = "currency_unknown"

    def __init__(self, currency: str) -> None:
        self.currency = currency
        super().__init__(f"没有币种 {currency} 的折算汇率，请在设置中补充")


class DateError(RegistryCoreError):
    """A date could not be parsed, or names a day that does not exist."""

    code = "date_unparseable"

    def __init__(self, raw: object, reason: str) -> None:
        self.raw = raw
        self.reason = reason
        super().__init__(f"无法识别日期“{raw}”：{reason}")


class HeaderMappingError(RegistryCoreError):
    """The header row cannot be mapped: an explicit mapping names unknown fields or columns, or no name column."""

    code = "header_mapping"


class UnreadableFileError(RegistryCoreError):
    """A file cannot be read (missing, wrong format, broken encoding, password protected...)."""

    code = "file_unreadable"

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"无法读取文件“{Path(path).name}”：{reason}")


class RefusedFileError(UnreadableFileError):
    """A file refused by the safety checks before any row was read (a limit, a hostile or binary file)."""

    code = "file_refused"

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(path, reason)
        self.args = (f"文件“{Path(path).name}”被拒绝：{reason}",)

    def __str__(self) -> str:
        return str(self.args[0])
