"""Organisation and user services (used by the demo, the admin CLI and tests)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit


@transaction.atomic
def ensure_organisation(
    actor: Actor, *, code: str, name: str, kind: str, parent: Organisation | None = None, **extra: Any
) -> Organisation:
    """Create the organisation or bring it up to date; idempotent, audited."""
    org = Organisation.objects.filter(code=code).first()
    fields = {"name": name, "kind": kind, "parent": parent, **extra}
    if org is None:
        return audit.create(actor, Organisation, code=code, **fields)
    audit.update(actor, org, **fields)
    return org


@transaction.atomic
def ensure_user(
    actor: Actor, *, username: str, password: str, organisation: Organisation | None, role: str, **extra: Any
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, organisation=organisation, role=role, **extra)
        user.set_password(password)
        user.save()
        audit.record(
            actor,
            "create",
            user,
            {"organisation": [None, getattr(organisation, "pk", None)], "role": [None, role]},
        )
        return user
    audit.update(actor, user, organisation=organisation, role=role, **extra)
    return user
