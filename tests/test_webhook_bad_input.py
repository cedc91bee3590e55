"""Input WeChat would never send is refused with a 400 that says why, and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from storage.models import InboundMessage, Person
from wuye_dev import wire


def _stored(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(InboundMessage)).scalar_one() + s.execute(
            select(func.count()).select_from(Person)
        ).scalar_one()


def _post_raw(phone, xml: str, openid: str = "o-bad"):  # type: ignore[no-untyped-def]
    req = phone.wechat.build(wire.text(openid, "x"))
    return phone.client.post("/wechat", query_string=req.params, data=xml.encode())


HEAD = "<ToUserName><![CDATA[gh]]></ToUserName><CreateTime>1790000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"


@pytest.mark.parametrize("depth", [6000, 9000])
def test_deeply_nested_content_is_a_400(phone, engine, depth) -> None:  # type: ignore[no-untyped-def]
    xml = f"<xml>{HEAD}<FromUserName>o-bad</FromUserName><MsgId>1</MsgId><Content>{'<a>' * depth}x{'</a>' * depth}</Content></xml>"
    res = _post_raw(phone, xml)
    assert res.status_code == 400 and "nested" in res.get_data(as_text=True)
    assert _stored(engine) == 0


@pytest.mark.parametrize(
    "sender",
    [
        "<FromUserName>o-a</FromUserName><FromUserName>o-b</FromUserName>",
        "<FromUserName><FromUserName>o-a</FromUserName></FromUserName>",
        "<FromUserName>o-a<x>y</x></FromUserName>",
    ],
    ids=["duplicated", "nested", "element-inside"],
)
def test_an_ambiguous_sender_is_a_400(phone, engine, sender) -> None:  # type: ignore[no-untyped-def]
    res = _post_raw(phone, f"<xml>{HEAD}{sender}<MsgId>2</MsgId><Content>hi</Content></xml>")
    assert res.status_code == 400 and "FromUserName" in res.get_data(as_text=True)
    assert _stored(engine) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("FromUserName", "o" * 65), ("MsgId", "9" * 157), ("Event", "e" * 65), ("MsgType", "t" * 33)],
)
def test_over_long_identity_fields_are_a_400_on_every_database(phone, engine, field, value) -> None:  # type: ignore[no-untyped-def]
    fields = wire.text("o-long", "你好", MsgId=3)
    if field == "Event":
        fields = wire.event("o-long", "subscribe")
    fields[field] = value
    res = phone.post(fields)
    assert res.status_code == 400, res.get_data(as_text=True)
    assert field in res.get_data(as_text=True)
    assert _stored(engine) == 0


def test_plain_mode_url_reused_with_another_body_is_refused(phone, engine) -> None:  # type: ignore[no-untyped-def]
    req = phone.wechat.build(wire.text("o-staff", "接单 BX2612020001", MsgId=11))
    ok = phone.client.post("/wechat", query_string=req.params, data=req.body)
    assert ok.status_code == 200
    # WeChat's retry: same URL, same body — answered (from the stored reply).
    again = phone.client.post("/wechat", query_string=req.params, data=req.body)
    assert again.status_code == 200 and again.get_data() == ok.get_data()
    forged = wire.to_xml(wire.text("o-staff", "完成 BX2612020001", MsgId=12))
    res = phone.client.post("/wechat", query_string=req.params, data=forged.encode())
    assert res.status_code == 403
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(InboundMessage)).scalar_one() == 1


@pytest.mark.parametrize("mode", ["compat"], indirect=True)
def test_compat_mode_reads_only_the_signed_encrypted_part(phone, engine) -> None:  # type: ignore[no-untyped-def]
    req = phone.wechat.build(wire.text("o-compat", "你好", MsgId=21))
    assert phone.client.post("/wechat", query_string=req.params, data=req.body).status_code == 200
    # The plaintext half alone (no encrypt_type / msg_signature) is not trusted.
    plain = {k: v for k, v in req.params.items() if k not in ("encrypt_type", "msg_signature")}
    body = wire.to_xml(wire.text("o-compat", "完成 BX1", MsgId=22)).encode()
    assert phone.client.post("/wechat", query_string=plain, data=body).status_code == 403
    missing = {k: v for k, v in req.params.items() if k != "msg_signature"}
    assert phone.client.post("/wechat", query_string=missing, data=req.body).status_code == 403
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(InboundMessage)).scalar_one() == 1


def test_nonces_and_message_limits_are_shared_through_redis(engine, settings) -> None:  # type: ignore[no-untyped-def]
    import uuid

    import redis

    from bot.wechat.flood import FloodGate
    from bot.wechat.nonces import first_use
    from tests.conftest import REDIS_URL

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis at 127.0.0.1:6379 does not answer")
    nonce = uuid.uuid4().hex
    assert first_use(engine, client, "1790000000", nonce, b"<xml>a</xml>", 60)
    assert first_use(engine, client, "1790000000", nonce, b"<xml>a</xml>", 60)  # WeChat's retry
    assert not first_use(engine, client, "1790000000", nonce, b"<xml>b</xml>", 60)  # forged body
    settings.redis.url = REDIS_URL
    settings.limits.messages_per_minute = 3
    one, two = FloodGate(settings), FloodGate(settings)  # as two processes would
    openid = f"o-{uuid.uuid4().hex}"
    assert [one.allow(openid), two.allow(openid), one.allow(openid), two.allow(openid)] == [True, True, True, False]
