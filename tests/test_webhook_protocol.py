"""The webhook speaks WeChat's wire protocol: signatures, replays, and all three modes."""

from __future__ import annotations

import time

import pytest
import xmltodict
from sqlalchemy import func, select
from sqlmodel import Session
from wechatpy.crypto import PrpCrypto, WeChatCrypto

from storage.models import InboundMessage
from tests.conftest import AES_KEY, APPID
from wuye_dev import wire


def inbound_count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(InboundMessage)).scalar_one()


def test_tencent_published_aes_vector() -> None:
    """Tencent's published vector; if wechatpy's crypto regressed, every other test would lie."""
    import base64

    class FixedPrefix(PrpCrypto):
        def get_random_string(self) -> str:
            return "aaaabbbbccccdddd"

    crypto = FixedPrefix(base64.b64decode(AES_KEY + "="))
    expected = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
    assert crypto.encrypt("我是中文abcd123", APPID) == expected.encode()
    assert crypto.decrypt(expected, APPID) == "我是中文abcd123"


# ----------------------------------------------------------------- GET: the URL check


def test_get_echostr_with_good_signature(app, wechat) -> None:  # type: ignore[no-untyped-def]
    params = wechat.verify_params("hello-123")
    res = app.test_client().get("/wechat", query_string=params)
    assert res.status_code == 200
    assert res.get_data(as_text=True) == "hello-123"


@pytest.mark.parametrize("broken", ["signature", "missing", "stale"])
def test_get_rejects_bad_missing_or_stale_signature(app, wechat, broken) -> None:  # type: ignore[no-untyped-def]
    params = wechat.verify_params("hello", timestamp=int(time.time()) - 600 if broken == "stale" else None)
    if broken == "signature":
        params["signature"] = "0" * 40
    if broken == "missing":
        del params["signature"]
    res = app.test_client().get("/wechat", query_string=params)
    assert res.status_code == 403
    assert "hello" not in res.get_data(as_text=True)


# ----------------------------------------------------------------- POST in all three modes


@pytest.mark.parametrize("mode", ["plain", "compat", "safe"], indirect=True)
def test_text_message_round_trip_in_every_mode(phone, wechat, mode, engine) -> None:  # type: ignore[no-untyped-def]
    req = wechat.build(wire.text("u-round", "你好"))
    if mode != "plain":
        assert req.params["encrypt_type"] == "aes" and "msg_signature" in req.params
        assert b"<Encrypt>" in req.body
    if mode == "safe":
        assert "你好".encode() not in req.body
    res = phone.client.post("/wechat", query_string=req.params, data=req.body)
    assert res.status_code == 200
    body = res.get_data(as_text=True)
    if mode == "plain":
        assert "<Encrypt>" not in body
    else:
        assert "<Encrypt>" in body and "<MsgSignature>" in body
    reply = wechat.read_reply(body)
    assert reply is not None
    assert reply["ToUserName"] == "u-round" and reply["MsgType"] == "text"
    assert reply["Content"].strip()
    assert inbound_count(engine) == 1


@pytest.mark.parametrize("mode", ["safe"], indirect=True)
def test_safe_mode_reply_verifies_with_wechats_own_check(phone, wechat) -> None:  # type: ignore[no-untyped-def]
    req = wechat.build(wire.event("u-safe", "subscribe"))
    res = phone.client.post("/wechat", query_string=req.params, data=req.body)
    doc = xmltodict.parse(res.get_data(as_text=True))["xml"]
    # WeChat checks msg_signature over (token, timestamp, nonce, Encrypt) before decrypting.
    crypto = WeChatCrypto(wechat.token, AES_KEY, APPID)
    plain = crypto.decrypt_message(res.get_data(as_text=True), doc["MsgSignature"], doc["TimeStamp"], doc["Nonce"])
    assert "欢迎" in xmltodict.parse(plain)["xml"]["Content"]


@pytest.mark.parametrize("mode", ["safe"], indirect=True)
def test_safe_mode_refuses_plaintext_and_bad_msg_signature(phone, wechat, engine) -> None:  # type: ignore[no-untyped-def]
    plain = wire.WeChatServer(wechat.token).build(wire.text("u1", "hi"))
    assert phone.client.post("/wechat", query_string=plain.params, data=plain.body).status_code == 403

    req = wechat.build(wire.text("u1", "hi"))
    req.params["msg_signature"] = "f" * 40
    assert phone.client.post("/wechat", query_string=req.params, data=req.body).status_code == 403

    # The URL signature is still checked even when msg_signature is right.
    req = wechat.build(wire.text("u1", "hi"))
    req.params["signature"] = "0" * 40
    assert phone.client.post("/wechat", query_string=req.params, data=req.body).status_code == 403
    assert inbound_count(engine) == 0


@pytest.mark.parametrize("mode", ["safe"], indirect=True)
def test_message_encrypted_for_another_appid_is_refused(phone, wechat, engine) -> None:  # type: ignore[no-untyped-def]
    other = wire.WeChatServer(wechat.token, "wx_other_app_000", AES_KEY, "safe")
    req = other.build(wire.text("u1", "hi"))
    res = phone.client.post("/wechat", query_string=req.params, data=req.body)
    assert res.status_code == 403
    assert inbound_count(engine) == 0


def test_bad_signature_and_replayed_timestamp_are_refused(phone, wechat, engine) -> None:  # type: ignore[no-untyped-def]
    req = wechat.build(wire.text("u1", "hi"))
    req.params["signature"] = "1" * 40
    assert phone.client.post("/wechat", query_string=req.params, data=req.body).status_code == 403

    old = wechat.build(wire.text("u1", "hi"), timestamp=int(time.time()) - 301)
    assert phone.client.post("/wechat", query_string=old.params, data=old.body).status_code == 403

    fresh = wechat.build(wire.text("u1", "hi"), timestamp=int(time.time()) - 200)
    assert phone.client.post("/wechat", query_string=fresh.params, data=fresh.body).status_code == 200
    assert inbound_count(engine) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"<xml><ToUserName>gh</ToUserName><FromUserName>u1",  # truncated
        b"not xml at all",
        b"<other><MsgType>text</MsgType></other>",  # wrong root
        b"<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime></xml>",  # no MsgType/From
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><MsgType>&a;</MsgType></xml>',
        b"",
    ],
)
def test_malformed_xml_is_400_and_stores_nothing(phone, wechat, engine, body) -> None:  # type: ignore[no-untyped-def]
    req = wechat.build(wire.text("u1", "x"))
    res = phone.client.post("/wechat", query_string=req.params, data=body)
    assert res.status_code == 400
    assert "Traceback" not in res.get_data(as_text=True)
    assert inbound_count(engine) == 0


def test_oversized_body_is_413_and_stores_nothing(phone, wechat, engine) -> None:  # type: ignore[no-untyped-def]
    req = wechat.build(wire.text("u1", "漏水" * 20000))
    assert len(req.body) > 64 * 1024
    res = phone.client.post("/wechat", query_string=req.params, data=req.body)
    assert res.status_code == 413
    assert inbound_count(engine) == 0


def test_garbage_query_values_never_500(phone, wechat) -> None:  # type: ignore[no-untyped-def]
    req = wechat.build(wire.text("u1", "hi"))
    for key, value in [("timestamp", "abc"), ("nonce", ""), ("encrypt_type", "aes")]:
        params = dict(req.params, **{key: value})
        res = phone.client.post("/wechat", query_string=params, data=req.body)
        assert res.status_code in (400, 403), (key, res.status_code)


def test_healthz(app) -> None:  # type: ignore[no-untyped-def]
    res = app.test_client().get("/healthz")
    assert res.status_code == 200 and res.get_json()["status"] == "ok"
