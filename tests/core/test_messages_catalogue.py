"""The edge's catalogue: apps register English sentences for their codes, one sentence per code."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from zhaoshang.core import messages
from zhaoshang.core.errors import DomainError


@pytest.fixture
def catalogue(monkeypatch):
    monkeypatch.setattr(messages, "ERROR_MESSAGES", dict(messages.ERROR_MESSAGES))
    monkeypatch.setattr(messages, "ISSUE_MESSAGES", dict(messages.ISSUE_MESSAGES))
    return messages


def test_a_registered_code_is_said_in_english_and_its_chinese_stays(catalogue):
    catalogue.register_messages("demo", errors={"demo_closed": _("The case %(case)s is closed")})
    error = DomainError("案件 7 已办结", code="demo_closed", case=7)
    with translation.override("en"):
        assert catalogue.error_message(error) == "The case 7 is closed"
    with translation.override("zh-hans"):
        assert catalogue.error_message(error) == "案件 7 已办结"


def test_a_code_registered_again_with_another_sentence_is_refused_and_the_same_sentence_is_not(catalogue):
    catalogue.register_messages("one", errors={"demo_closed": _("The case %(case)s is closed")})
    catalogue.register_messages("two", errors={"demo_closed": _("The case %(case)s is closed")})
    with pytest.raises(ImproperlyConfigured, match="two.*demo_closed"):
        catalogue.register_messages("two", errors={"demo_closed": _("Closed")})


def test_an_error_already_translated_where_it_was_raised_keeps_its_own_sentence(catalogue):
    """An edge raises in the user's language; another app's sentence under the same code must not replace it."""
    catalogue.register_messages("other", errors={"demo_closed": _("The case %(case)s is closed")})
    with translation.override("en"):
        assert catalogue.error_message(DomainError("The appeal is closed", code="demo_closed")) == (
            "The appeal is closed"
        )
