"""Command-line lookups shared by every capability's commands: ``--org CODE``, ``--user NAME`` and dates."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.tabular.dates import DateError, parse_day


def organisation_option(code: str | None) -> Organisation | None:
    """The organisation named by ``--org CODE`` (None when not given); a clear error when there is none."""
    if not code:
        return None
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise CommandError(_("The organisation code “%(code)s” does not exist") % {"code": code})
    return org


def user_option(username: str | None) -> User | None:
    """The user named by ``--user NAME`` (None when not given); a clear error when there is none."""
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("The user “%(username)s” does not exist") % {"username": username})
    return user


def date_option(text: str | None) -> date | None:
    """A date given on the command line (``--from 2025-01-31``, ``2025/1/31``, ``2025年1月31日`` …, see
    :func:`zhaoshang.tabular.dates.parse_day`); None when the option was not given; a clear one-line error when
    it is not a date."""
    if text is None:
        return None
    try:
        return parse_day(text)
    except DateError as exc:
        # the reason is the date reader's Chinese: the Chinese sentence says it, the English one does not
        raise CommandError(
            _("The date “%(text)s” cannot be read; write it like 2025-01-31")
            % {"text": text, "reason": exc.reason}
        ) from None
