"""Every page needs a login, except the few listed as public."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/i18n/", "/public/", "/favicon.ico", "/healthz")


class LoginRequiredEverywhereMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.user.is_authenticated or path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        if path.startswith("/api/"):
            # The API authenticates tokens itself; DRF answers 401/403 as JSON.
            return self.get_response(request)
        if path.startswith(
            settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        ):
            return self.get_response(request)
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"error": "login required", "code": "not_authenticated"}, status=401)
        return redirect_to_login(request.get_full_path())
