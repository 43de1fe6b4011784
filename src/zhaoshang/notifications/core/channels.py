"""Outgoing channels as plain data: the JSON each group bot expects, its signature, and how to read its answer.

No Django here: :func:`build_request` turns (kind, webhook URL, secret, message) into a :class:`WebhookRequest`
(url, JSON body) and :func:`post` sends it with the standard library; :func:`check_answer` reads the bot's reply.
Formats (the vendors' documented group-bot ("custom robot") webhooks):

- WeCom 企业微信: ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`` with
  ``{"msgtype": "markdown", "markdown": {"content": ...}}``; answer ``{"errcode": 0, "errmsg": "ok"}``.
- DingTalk 钉钉: ``POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN`` with
  ``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}``; with a signing secret ("加签") the URL also
  carries ``timestamp`` (milliseconds) and ``sign`` = urlencode(base64(HmacSHA256(key=secret,
  msg=f"{timestamp}\\n{secret}"))); answer ``{"errcode": 0, ...}``.
- Feishu 飞书: ``POST https://open.feishu.cn/open-apis/bot/v2/hook/ID`` with
  ``{"msg_type": "text", "content": {"text": ...}}``; with a signing secret the body also carries ``timestamp``
  (seconds) and ``sign`` = base64(HmacSHA256(key=f"{timestamp}\\n{secret}", msg=b"")); answer ``{"code": 0, ...}``
  (older deployments answer ``{"StatusCode": 0}``).

The webhook URL and the secret are credentials: nothing here logs them, and :class:`DeliveryFailed` messages
never contain them (the caller records the message as the delivery's reason).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

WEBHOOK_KINDS = ("wecom", "dingtalk", "feishu")
TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 6


class DeliveryFailed(Exception):
    """A message that did not get through; ``reason`` is a short code-like text without credentials."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class Message:
    title: str
    text: str  # plain text, lines separated by \n
    url: str = ""  # absolute link to open, may be empty


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    body: dict

    def __repr__(self) -> str:  # never show the URL (it holds the bot's key)
        return f"WebhookRequest(body={self.body!r})"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _markdown(message: Message) -> str:
    lines = [f"**{message.title}**", "", *message.text.splitlines()]
    if message.url:
        lines += ["", f"[{message.url}]({message.url})"]
    return "\n".join(lines)


def _plain(message: Message) -> str:
    return "\n".join([message.title, message.text, message.url]).strip()


def build_request(
    kind: str, url: str, message: Message, *, secret: str = "", now: float | None = None
) -> WebhookRequest:
    """The request a group bot of ``kind`` expects for ``message``."""
    now = time.time() if now is None else now
    body: dict
    if kind == "wecom":
        return WebhookRequest(url, {"msgtype": "markdown", "markdown": {"content": _markdown(message)}})
    if kind == "dingtalk":
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": _markdown(message)}}
        if secret:
            stamp = int(now * 1000)
            sign = urllib.parse.quote_plus(dingtalk_sign(secret, stamp))
            url = f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"
        return WebhookRequest(url, body)
    if kind == "feishu":
        body = {"msg_type": "text", "content": {"text": _plain(message)}}
        if secret:
            stamp = int(now)
            body = {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **body}
        return WebhookRequest(url, body)
    raise ValueError(f"unknown webhook kind {kind!r}")


def check_answer(kind: str, status: int, payload: bytes) -> None:
    """Raise :class:`DeliveryFailed` unless the bot's answer says the message was accepted."""
    if status >= 400:
        raise DeliveryFailed(f"HTTP {status}", permanent=status in (400, 401, 403, 404))
    try:
        answer = json.loads(payload.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DeliveryFailed(f"HTTP {status}: not JSON") from None
    if not isinstance(answer, dict):
        raise DeliveryFailed(f"HTTP {status}: unexpected answer")
    if kind in ("wecom", "dingtalk"):
        code, text = answer.get("errcode", 0), answer.get("errmsg", "")
    else:
        code = answer.get("code", answer.get("StatusCode", 0))
        text = answer.get("msg", answer.get("StatusMessage", ""))
    if code not in (0, "0"):
        raise DeliveryFailed(f"{kind} {code}: {str(text)[:200]}")


def post(request: WebhookRequest, kind: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
    """Send the request; raise :class:`DeliveryFailed` with a reason that never contains the URL."""
    data = json.dumps(request.body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(
        request.url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310 (configured bot URL)
            status, payload = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, exc.read(65536) if exc.fp else b""
    except urllib.error.URLError as exc:
        raise DeliveryFailed(f"connection failed: {type(exc.reason).__name__}") from None
    except (TimeoutError, OSError) as exc:
        raise DeliveryFailed(f"connection failed: {type(exc).__name__}") from None
    check_answer(kind, status, payload)


def backoff_seconds(attempt: int, *, base: int = 60, cap: int = 6 * 3600) -> int:
    """Wait before retry number ``attempt`` (1 = first retry): 1, 2, 4, 8 ... minutes, at most ``cap``."""
    return min(cap, base * 2 ** max(0, attempt - 1))


def mask(url: str) -> str:
    """A webhook URL as shown to people: host only (the key or token stays hidden)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.netloc else "…"
