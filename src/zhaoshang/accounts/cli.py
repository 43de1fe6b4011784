"""Command-line lookups shared by every capability's commands: ``--org CODE`` and ``--user NAME``."""

from __future__ import annotations

from django.core.management.base import CommandError

from zhaoshang.accounts.models import Organisation, User


def organisation_option(code: str | None) -> Organisation | None:
    """The organisation named by ``--org CODE`` (None when not given); a clear error when there is none."""
    if not code:
        return None
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise CommandError(f"组织代码「{code}」不存在")
    return org


def user_option(username: str | None) -> User | None:
    """The user named by ``--user NAME`` (None when not given); a clear error when there is none."""
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户「{username}」不存在")
    return user
