"""Accounts in English: the command-line lookups, a refused reference and an actor without an organisation are said
in the user's language; Chinese stays exactly as it was."""

from __future__ import annotations

import pytest
from django.core.management import CommandError
from django.utils import translation

from zhaoshang.accounts.cli import date_option, organisation_option, user_option
from zhaoshang.accounts.scoping import ReferenceNotVisible, check_reference
from zhaoshang.accounts.types import NoOrganisation, actor_organisation
from zhaoshang.core.messages import error_message

pytestmark = pytest.mark.django_db


def _said(call, *args, **kwargs) -> str:
    with pytest.raises(CommandError) as refused:
        call(*args, **kwargs)
    return str(refused.value)


def test_the_command_line_lookups_refuse_in_the_active_language():
    with translation.override("en"):
        assert (
            _said(organisation_option, "no-such-org") == "The organisation code “no-such-org” does not exist"
        )
        assert _said(user_option, "nobody") == "The user “nobody” does not exist"
        assert (
            _said(date_option, "2025-02-30")
            == "The date “2025-02-30” cannot be read; write it like 2025-01-31"
        )
    with translation.override("zh-hans"):
        assert _said(organisation_option, "no-such-org") == "组织代码「no-such-org」不存在"
        assert _said(user_option, "nobody") == "用户「nobody」不存在"
        chinese = _said(date_option, "2025-02-30")
        assert chinese.startswith("日期“2025-02-30”无法识别（") and chinese.endswith("），请写成 2025-01-31")


def test_an_actor_without_an_organisation_is_told_in_english_by_the_code():
    with pytest.raises(NoOrganisation) as refused:
        actor_organisation(None)
    assert refused.value.code == "no_organisation"
    with translation.override("en"):
        assert error_message(refused.value) == (
            "Your account belongs to no organisation, so you cannot do this; please contact the administrator"
        )
    with translation.override("zh-hans"):
        assert error_message(refused.value) == "您的账号未归属任何单位，不能办理此事项，请联系管理员"


def test_a_reference_outside_the_users_view_is_refused_in_english_without_naming_it(cast):
    with pytest.raises(ReferenceNotVisible) as refused:
        check_reference(cast.owner, cast.other_park, field="园区", file_under=True)
    assert refused.value.code == "reference_not_visible"
    with translation.override("en"):
        assert error_message(refused.value) == "The chosen record does not exist or is not visible to you"
    with translation.override("zh-hans"):
        assert error_message(refused.value) == "所选的园区不存在或不在您的可见范围内"
