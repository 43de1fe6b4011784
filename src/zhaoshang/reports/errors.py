"""Errors of the report layer; messages are for the user (Chinese, plus English where an operator acts)."""

from __future__ import annotations

from zhaoshang.core.errors import DomainError


class ReportError(DomainError):
    """Base class of report errors."""


class CjkFontMissing(ReportError):
    """No CJK font that reportlab can embed; the message names the Debian package and the variable."""


class UnsupportedReportFormat(ReportError):
    """``render`` was asked for a file type it does not write."""


class InvalidReport(ReportError):
    """A report model that cannot be rendered (e.g. a table row of the wrong width)."""
