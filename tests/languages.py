"""How the edge says a domain error in each language, for the tests of English at the edge."""

from __future__ import annotations

from django.utils import translation

from zhaoshang.core.messages import error_message


def said_in_both(exc: BaseException) -> tuple[str, str]:
    """(English, Chinese) of one error as the edge says it."""
    with translation.override("en"):
        english = error_message(exc)
    with translation.override("zh-hans"):
        chinese = error_message(exc)
    return english, chinese
