from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def waitress_options(*, host: str, port: int, threads: int) -> dict[str, Any]:
    """waitress's settings. Behind a reverse proxy (``ZHAOSHANG_BEHIND_PROXY``) the proxy at
    ``ZHAOSHANG_TRUSTED_PROXY`` is trusted for X-Forwarded-Proto/-For/-Host, so that a request the proxy received
    over HTTPS is seen as HTTPS (no redirect loop) and carries the client's address; those headers are removed
    from any other sender."""
    options: dict[str, Any] = {"host": host, "port": port, "threads": threads, "ident": "zhaoshang"}
    if getattr(settings, "BEHIND_PROXY", False):
        options.update(
            trusted_proxy=settings.TRUSTED_PROXY,
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host"},
            clear_untrusted_proxy_headers=True,
        )
    return options


class Command(BaseCommand):
    help = "Serve zhaoshang with waitress (a production-grade WSGI server), static files included."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options):
        from waitress import serve

        from zhaoshang.wsgi import application

        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/ (Ctrl+C to stop)")
        serve(
            application,
            **waitress_options(host=options["host"], port=options["port"], threads=options["threads"]),
        )
