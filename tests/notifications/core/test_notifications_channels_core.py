"""The group bots' message formats and signatures (plain Python, no Django)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse

import pytest

from zhaoshang.notifications.core.channels import (
    DeliveryFailed,
    Message,
    backoff_seconds,
    build_request,
    check_answer,
    mask,
)

MESSAGE = Message(title="跟进提醒", text="项目甲：今天回访\n项目乙：逾期", url="http://zs.local/pipeline/1/")


def test_wecom_gets_a_markdown_message_with_the_link():
    request = build_request("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", MESSAGE)
    assert request.body["msgtype"] == "markdown"
    content = request.body["markdown"]["content"]
    assert (
        content.startswith("**跟进提醒**")
        and "项目乙：逾期" in content
        and "http://zs.local/pipeline/1/" in content
    )
    assert request.url.endswith("key=K")


def test_dingtalk_without_a_secret_posts_to_the_url_unchanged():
    request = build_request("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=T", MESSAGE)
    assert request.url == "https://oapi.dingtalk.com/robot/send?access_token=T"
    assert request.body["msgtype"] == "markdown" and request.body["markdown"]["title"] == "跟进提醒"


def test_dingtalk_with_a_secret_signs_timestamp_newline_secret_in_milliseconds():
    request = build_request(
        "dingtalk", "https://x/robot/send?access_token=T", MESSAGE, secret="SECabc", now=1700000000.123
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)
    assert query["timestamp"] == ["1700000000123"]
    expected = base64.b64encode(
        hmac.new(b"SECabc", b"1700000000123\nSECabc", hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]


def test_feishu_with_a_secret_signs_in_the_body_with_seconds():
    request = build_request(
        "feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/H", MESSAGE, secret="s3", now=1700000000.9
    )
    assert request.body["msg_type"] == "text" and "项目甲" in request.body["content"]["text"]
    assert request.body["timestamp"] == "1700000000"
    expected = base64.b64encode(hmac.new(b"1700000000\ns3", b"", hashlib.sha256).digest()).decode()
    assert request.body["sign"] == expected


def test_feishu_without_a_secret_carries_no_signature():
    request = build_request("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/H", MESSAGE)
    assert "sign" not in request.body and "timestamp" not in request.body


def test_a_request_never_shows_its_url_in_its_repr():
    request = build_request(
        "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY", MESSAGE
    )
    assert "SECRETKEY" not in repr(request)


@pytest.mark.parametrize(
    ("kind", "answer", "reason"),
    [
        ("wecom", b'{"errcode": 93000, "errmsg": "invalid webhook url"}', "wecom 93000: invalid webhook url"),
        ("dingtalk", b'{"errcode": 310000, "errmsg": "sign not match"}', "dingtalk 310000: sign not match"),
        ("feishu", b'{"code": 19021, "msg": "sign match fail"}', "feishu 19021: sign match fail"),
    ],
)
def test_an_error_code_in_the_answer_is_a_failure_with_the_bots_reason(kind, answer, reason):
    with pytest.raises(DeliveryFailed) as caught:
        check_answer(kind, 200, answer)
    assert caught.value.reason == reason


def test_accepted_answers_pass():
    check_answer("wecom", 200, b'{"errcode": 0, "errmsg": "ok"}')
    check_answer("feishu", 200, b'{"code": 0, "msg": "success"}')
    check_answer("feishu", 200, b'{"StatusCode": 0, "StatusMessage": "success"}')


def test_a_server_error_is_temporary_and_a_missing_hook_is_permanent():
    with pytest.raises(DeliveryFailed) as temporary:
        check_answer("wecom", 502, b"")
    with pytest.raises(DeliveryFailed) as permanent:
        check_answer("wecom", 404, b"")
    assert not temporary.value.permanent and permanent.value.permanent


def test_back_off_doubles_and_stops_at_the_cap():
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff_seconds(30) == 6 * 3600


def test_a_webhook_is_shown_by_host_only():
    assert mask("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K") == "https://qyapi.weixin.qq.com/…"
