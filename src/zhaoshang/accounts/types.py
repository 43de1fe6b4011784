"""Types shared by every service signature.

``Actor`` is who performs a change, as services take it: a signed-in :class:`~zhaoshang.accounts.models.User`, or
``None`` for the system (a command run without ``--user``, the demo, a background task), which the audit log records
as "system". The model is imported for type checkers only, so importing this module imports no models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from zhaoshang.core.errors import DomainError

if TYPE_CHECKING:
    from zhaoshang.accounts.models import Organisation, User

    Actor: TypeAlias = User | None
else:  # at run time annotations are never evaluated against it; Any keeps typing.get_type_hints() working
    Actor = Any

__all__ = ["Actor", "NoOrganisation", "actor_organisation"]


class NoOrganisation(DomainError):
    """A change that must be filed under the actor's organisation, by a user who has none (or by the system)."""

    code = "no_organisation"


def actor_organisation(actor: Actor) -> Organisation:
    """The organisation of the acting user, where a change is filed under it; :class:`NoOrganisation` (a
    DomainError, so the user reads why) for a user without one or for the system."""
    organisation = getattr(actor, "organisation", None)
    if organisation is None:
        raise NoOrganisation(
            "您的账号未归属任何单位，不能办理此事项，请联系管理员",
            code="no_organisation",
            field="organisation",
        )
    return organisation
