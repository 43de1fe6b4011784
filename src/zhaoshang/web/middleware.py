"""Turn a DomainError (or an out-of-range number from the URL) that no view handled into a 400 page in the user's language, never a 500."""

from __future__ import annotations

from zhaoshang.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None
        if isinstance(
            exception, OverflowError
        ):  # an id or number beyond the database's integers, from the URL
            exception = DomainError("数值超出范围", code="out_of_range")
        if not isinstance(exception, DomainError):
            return None
        from zhaoshang.web.views import domain_error

        return domain_error(request, exception)
