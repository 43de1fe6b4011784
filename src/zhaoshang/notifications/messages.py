"""What a notification says, by message code: the sentence is chosen when it is shown or sent, in the reader's
language, not when the notification is made (by the hourly job or another person's request).

An app registers its sentences (``gettext_lazy`` strings with ``%(name)s`` parameters) from its
``AppConfig.ready()`` (or a module imported there) and hands :class:`Notice` objects to ``notify`` or a
``Reminder``::

    register_notices("pipeline", {"followup_due": _("Follow-up due today: %(project)s — %(action)s")})
    notify(user, "followup_due", f, Notice("followup_due", {"project": p.name, "action": f.next_action}), url)

A notification stores its code and parameters beside its text in the installation's language; a row without a
code (made before codes, or from plain text), an unknown code or missing parameters show the stored text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from zhaoshang.core.messages import add_sentences, say_sentence

NOTICES: dict[str, Promise] = {}


def register_notices(app: str, notices: Mapping[str, Promise]) -> None:
    """Add an app's notification sentences (one sentence per code product-wide, as for error codes)."""
    add_sentences(NOTICES, app, notices, "notification")


def say(code: str, params: Mapping[str, Any] | None, fallback: str = "") -> str:
    """The sentence of ``code`` with ``params`` in the active language; ``fallback`` when it cannot be said."""
    return say_sentence(NOTICES.get(code) if code else None, params or {}, fallback)


@dataclass(frozen=True)
class Notice:
    """A notification's message: its code and parameters (JSON values: text and numbers)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return say(self.code, self.params, self.code)
