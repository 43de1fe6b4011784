"""Errors of the registry analytic core.

Every error is a :class:`ValueError` so that callers which only know "bad input" can catch it; the edges
(web form, API, CLI) translate them. ``str(error)`` is a Chinese message that can be shown to users.
"""

from __future__ import annotations

from typing import Any

from zhaoshang.core.errors import DomainError
from zhaoshang.tabular.errors import DateError, RefusedFileError, UnreadableFileError

__all__ = [
    "DateError",
    "RefusedFileError",
    "UnreadableFileError",
]  # the shared readers' errors, re-exported for registry callers


class RegistryCoreError(DomainError):
    """Base class of every error raised by :mod:`zhaoshang.registry.core`."""

    code: str = "registry_error"


class UsccError(RegistryCoreError):
    """A value given where a credit code (or its first 17 characters) was required is malformed."""

    code = "uscc_invalid"


class CapitalError(RegistryCoreError):
    """A registered-capital text could not be parsed; ``raw`` keeps the text as given."""

    code = "capital_unparseable"

    def __init__(self, raw: object, reason: str, code: str | None = None, **params: Any) -> None:
        self.raw = raw
        self.reason = reason
        super().__init__(f"无法识别注册资本“{raw}”：{reason}", code, raw=str(raw), **params)


class CurrencyError(RegistryCoreError):
    """No exchange rate is known for a currency."""

    code = "currency_unknown"

    def __init__(self, currency: str) -> None:
        self.currency = currency
        super().__init__(f"没有币种 {currency} 的折算汇率，请在设置中补充", currency=currency)


class HeaderMappingError(RegistryCoreError):
    """The header row cannot be mapped: an explicit mapping names unknown fields or columns, or no name column."""

    code = "header_mapping"
