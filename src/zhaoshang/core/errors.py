"""The one error type of the product's domain: bad input or a refused action, explained to the user.

Every service and analytic-core error base inherits :class:`DomainError`. The edges translate it: the API answers
400 ``{"error": message, "code": code}``, the web a 400 page (or the form's error), the CLI one line and exit 1.
Anything else that escapes is a bug: a logged 500 with an error id. Plain Python: no Django import.
"""

from __future__ import annotations

from typing import Any


class DomainError(ValueError):
    """A message for the user (in their language) and a stable machine ``code``."""

    code: str = "invalid"

    def __init__(self, message: object = "", code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""
