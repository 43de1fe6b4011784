"""The language switch: Django's ``set_language`` (cookie for the pages), and for a signed-in user also the stored
preference (``User.language``), so what is sent to them later (e-mail, group bots, digests) is in that language."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.views.i18n import set_language as django_set_language


def set_language(request):
    response = django_set_language(request)
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    user = getattr(request, "user", None)
    if cookie is not None and cookie.value and getattr(user, "is_authenticated", False):
        from zhaoshang.accounts.services import set_language as store

        try:
            language = get_supported_language_variant(cookie.value)
        except LookupError:  # set_language checked it; a variant without a catalogue is not stored
            return response
        store(user, user, language)
    return response
