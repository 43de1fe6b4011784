"""Response headers that limit what a page may load: a Content-Security-Policy of the site itself only.

Every script, style, font and image is served by zhaoshang (the product runs without internet), so nothing from
another origin is ever needed; inline scripts are not allowed (a planted ``<script>`` or ``onerror=`` in data would
not run even if a template forgot to escape it). ``style-src`` allows inline ``style`` attributes, which the
templates use for widths of bars; ``data:`` images are allowed for ECharts' saved pictures.
"""

from __future__ import annotations

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):  # noqa: ANN001
        self.get_response = get_response

    def __call__(self, request):  # noqa: ANN001, ANN204
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
