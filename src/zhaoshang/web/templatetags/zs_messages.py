"""Template filters saying stored findings and notes in the user's language (see zhaoshang.core.messages)."""

from __future__ import annotations

from django import template

from zhaoshang.core.messages import issue_message as _issue_message

register = template.Library()


@register.filter
def issue_message(issue) -> str:
    return _issue_message(issue)


@register.filter
def audit_note(note) -> str:
    """``{{ entry.note|audit_note }}``: a note the product wrote into a history, in the user's language."""
    from zhaoshang.core.audit_notes import say_note

    return say_note(str(note or ""))
