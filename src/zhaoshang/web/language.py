"""The language switch: Django's ``set_language`` (cookie for the pages), and for a signed-in user also the stored
preference (``User.language``), so what is sent to them later (e-mail, group bots, digests) is in that language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
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


class UserLanguageMiddleware:
    """A signed-in user's stored language wins over the browser's cookie and headers: the user chose it (on this
    device or another, before this login), and what is sent to them follows it too. The cookie is brought in line
    so the login page and later anonymous pages agree."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
        if not language or language == getattr(request, "LANGUAGE_CODE", None):
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if settings.LANGUAGE_COOKIE_NAME in response.cookies:
            return response  # the language switch just set it (and stored it)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
