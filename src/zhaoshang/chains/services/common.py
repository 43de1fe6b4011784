"""What every chain service shares: the error, the assignment enums, the registry's firm model, a firm's text."""

from __future__ import annotations

from typing import Any

from zhaoshang.chains.models import NodeAssignment
from zhaoshang.core.errors import DomainError

Status = NodeAssignment.Status
Method = NodeAssignment.Method
Evidence = NodeAssignment.Evidence


class ChainServiceError(DomainError):
    """A chain operation cannot be done; the message is for the user (Chinese)."""

    code = "chain_invalid"


def enterprise_model():
    from zhaoshang.registry.models import Enterprise

    return Enterprise


def firm_text(e: dict[str, Any]) -> str:
    return "。".join(x for x in (e.get("name") or "", e.get("scope") or "", e.get("description") or "") if x)
