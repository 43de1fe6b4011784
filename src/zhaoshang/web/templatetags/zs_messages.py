"""``{{ issue|issue_message }}``: an import finding in the user's language (see zhaoshang.core.messages)."""

from __future__ import annotations

from django import template

from zhaoshang.core.messages import issue_message as _issue_message

register = template.Library()


@register.filter
def issue_message(issue) -> str:
    return _issue_message(issue)
