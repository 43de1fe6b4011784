"""Local servers for the channels' tests: an HTTP server playing a group bot, an SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class BotServer:
    """Records every POST; answers with ``self.status`` and ``self.answer`` (JSON)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.answer: dict = {"errcode": 0, "errmsg": "ok"}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                server.requests.append(
                    {
                        "path": self.path,
                        "body": json.loads(body.decode("utf-8")),
                        "headers": dict(self.headers),
                    }
                )
                payload = json.dumps(server.answer).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def bot_server():
    server = BotServer()
    yield server
    server.close()


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on a free local port; settings point Django's mail at it. Yields the received messages."""
    import socket

    from aiosmtpd.controller import Controller

    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield received
    controller.stop()


@pytest.fixture
def make_project(cast):
    from zhaoshang.pipeline.services import create_project

    counter = {"n": 0}

    def make(name=None, *, team=None, owner="default", **fields):
        counter["n"] += 1
        return create_project(
            cast.owner,
            name=name or f"通知测试项目{counter['n']}",
            organisation=team or cast.park,
            owner=cast.owner if owner == "default" else owner,
            investor_name=f"通知测试投资方{counter['n']}有限公司",
            **fields,
        )

    return make
