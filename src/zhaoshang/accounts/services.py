"""Organisation and user services (used by the demo, the admin CLI and tests)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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


def set_language(actor: Actor, user: User, language: str) -> None:
    """The user's language for what is sent to them ("" = the installation's); audited when it changes."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if type(user) is not User:  # request.user is a lazy wrapper; the audit entry needs the model's instance
        user = User.objects.get(pk=user.pk)
    if user.language == language:
        return
    old, user.language = user.language, language
    User.objects.filter(pk=user.pk).update(language=language)
    audit.record(actor, "update", user, {"language": [old, language]})
