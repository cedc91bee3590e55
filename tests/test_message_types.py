"""Every message type and event WeChat sends is parsed and answered politely, never with an error."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from storage.models import InboundMessage, Person
from wuye_dev import wire

OPENID = "o-types"

MESSAGES = {
    "image": wire.message(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/x.jpg", MediaId="m1"),
    "voice-without-recognition": wire.message(OPENID, "voice", MediaId="m2", Format="amr"),
    "video": wire.message(OPENID, "video", MediaId="m3", ThumbMediaId="t3"),
    "shortvideo": wire.message(OPENID, "shortvideo", MediaId="m4", ThumbMediaId="t4"),
    "location": wire.message(OPENID, "location", Location_X=30.27, Location_Y=120.15, Scale=15, Label="阳光花园5栋"),
    "link": wire.message(OPENID, "link", Title="标题", Description="描述", Url="http://example.com/a"),
    "unknown-type": wire.message(OPENID, "miniprogrampage", Title="小程序"),
}

EVENTS = {
    "subscribe": wire.event(OPENID, "subscribe"),
    "subscribe-qrscene": wire.event(OPENID, "subscribe", EventKey="qrscene_building3", Ticket="tk"),
    "SCAN": wire.event(OPENID, "SCAN", EventKey="building3", Ticket="tk"),
    "CLICK": wire.event(OPENID, "CLICK", EventKey="MENU_REPAIR"),
    "VIEW": wire.event(OPENID, "VIEW", EventKey="http://example.com/menu"),
    "LOCATION": wire.event(OPENID, "LOCATION", Latitude=30.27, Longitude=120.15, Precision=65.0),
    "TEMPLATESENDJOBFINISH": wire.event(OPENID, "TEMPLATESENDJOBFINISH", MsgID=200163836, Status="success"),
    "MASSSENDJOBFINISH": wire.event(
        OPENID, "MASSSENDJOBFINISH", MsgID=1000001625, Status="sendsuccess", TotalCount=100,
        FilterCount=80, SentCount=75, ErrorCount=5,
    ),
    "unknown-event": wire.event(OPENID, "user_info_modified"),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_types_get_a_polite_reply(phone, engine, name) -> None:  # type: ignore[no-untyped-def]
    res = phone.post(MESSAGES[name])
    assert res.status_code == 200
    reply = phone.wechat.read_reply(res.get_data())
    assert reply is not None and reply["MsgType"] == "text"
    assert reply["ToUserName"] == OPENID
    content = reply["Content"]
    assert "error" not in content.lower() and "Traceback" not in content
    assert len(content) > 10
    with Session(engine) as s:
        row = s.execute(select(InboundMessage)).scalar_one()
        assert row.status == "done" and row.msg_type == MESSAGES[name]["MsgType"]


def test_image_reply_asks_for_words_and_location_reply_acknowledges(phone) -> None:  # type: ignore[no-untyped-def]
    image = phone.wechat.read_reply(phone.post(MESSAGES["image"]).get_data())["Content"]
    assert "图片" in image
    location = phone.wechat.read_reply(phone.post(MESSAGES["location"]).get_data())["Content"]
    assert "位置" in location


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_every_event_is_accepted(phone, engine, name) -> None:  # type: ignore[no-untyped-def]
    res = phone.post(EVENTS[name])
    assert res.status_code == 200
    with Session(engine) as s:
        row = s.execute(select(InboundMessage)).scalar_one()
        assert row.msg_type == "event" and row.status == "done"
        assert row.event.lower() == EVENTS[name]["Event"].lower() or name == "subscribe-qrscene"


def test_subscribe_welcome_says_what_the_bot_can_do(phone, settings) -> None:  # type: ignore[no-untyped-def]
    reply = phone.wechat.read_reply(phone.post(wire.event("o-new", "subscribe")).get_data())
    content = reply["Content"]
    for capability in ("报修", "投诉", "咨询", "我的报修", settings.community.hotline):
        assert capability in content


def test_events_that_need_no_answer_reply_success(phone) -> None:  # type: ignore[no-untyped-def]
    for name in ("VIEW", "LOCATION", "TEMPLATESENDJOBFINISH", "MASSSENDJOBFINISH"):
        res = phone.post(EVENTS[name])
        assert res.get_data(as_text=True) == "success", name


def test_unsubscribe_marks_inactive_and_keeps_data(phone, engine) -> None:  # type: ignore[no-untyped-def]
    phone.post(wire.event("o-leaver", "subscribe"))
    with Session(engine) as s:
        person = s.execute(select(Person).where(Person.openid == "o-leaver")).scalar_one()
        person.name, person.phone = "王芳", "13800001111"
        s.add(person)
        s.commit()
    res = phone.post(wire.event("o-leaver", "unsubscribe"))
    assert res.status_code == 200 and res.get_data(as_text=True) == "success"
    with Session(engine) as s:
        person = s.execute(select(Person).where(Person.openid == "o-leaver")).scalar_one()
        assert person.active is False and person.unsubscribed_at is not None
        assert (person.name, person.phone) == ("王芳", "13800001111")
    # Following again makes them active.
    phone.post(wire.event("o-leaver", "subscribe", create_time=9_999_999_999 - 1))
    with Session(engine) as s:
        assert s.execute(select(Person).where(Person.openid == "o-leaver")).scalar_one().active is True


def test_voice_with_recognition_is_read_as_text(phone, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def fake_understand(text, context=None):  # type: ignore[no-untyped-def]
        from intents.model import Intent

        seen.append(text)
        return Intent("chitchat", 0.9)

    monkeypatch.setattr(phone.client.application.extensions["wuye"].nlu, "understand", fake_understand)
    fields = wire.message(OPENID, "voice", MediaId="m9", Format="amr", Recognition="厨房水管漏水了")
    res = phone.post(fields)
    assert res.status_code == 200
    assert seen == ["厨房水管漏水了"]
