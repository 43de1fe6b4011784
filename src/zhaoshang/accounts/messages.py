"""The English sentences of the accounts' codes raised outside Django (registered from ``AccountsConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERRORS = {
    "no_organisation": _(
        "Your account belongs to no organisation, so you cannot do this; please contact the administrator"
    ),
}
