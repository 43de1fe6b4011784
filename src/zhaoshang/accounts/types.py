"""Types shared by every service signature.

``Actor`` is who performs a change, as services take it: a signed-in :class:`~zhaoshang.accounts.models.User`, or
``None`` for the system (a command run without ``--user``, the demo, a background task), which the audit log records
as "system". The model is imported for type checkers only, so importing this module imports no models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from zhaoshang.accounts.models import User

    Actor: TypeAlias = User | None
else:  # at run time annotations are never evaluated against it; Any keeps typing.get_type_hints() working
    Actor = Any

__all__ = ["Actor"]
