"""Claims on inbound messages: keyed per sender, taken over when their holder died, and a reply
that would come too late goes out as a customer-service message instead."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from bot.wechat import inbox
from storage.clock import utcnow
from storage.models import InboundMessage, Outbox, Person
from wuye_dev import wire


def _count(engine, model, *where) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_two_people_with_the_same_msgid_each_get_their_own_answer(phone, engine) -> None:  # type: ignore[no-untyped-def]
    a = phone.post(wire.text("o-first", "3栋2单元501 厨房燃气泄漏了", MsgId=555))
    b = phone.post(wire.text("o-second", "5栋1单元302 电梯困人了", MsgId=555))
    text_a = phone.wechat.read_reply(a.get_data())["Content"]
    text_b = phone.wechat.read_reply(b.get_data())["Content"]
    assert "工单号" in text_a and "工单号" in text_b
    assert text_a.split("工单号：")[1][:12] != text_b.split("工单号：")[1][:12]
    assert _count(engine, InboundMessage) == 2


def test_subscribe_unsubscribe_subscribe_in_one_second_leaves_them_subscribed(phone, engine) -> None:  # type: ignore[no-untyped-def]
    second = 1_790_000_000
    for name in ("subscribe", "unsubscribe", "subscribe"):
        res = phone.post(wire.event("o-flip", name, create_time=second))
        assert res.status_code == 200
    # WeChat's retry of that last subscribe changes nothing more.
    phone.post(wire.event("o-flip", "subscribe", create_time=second))
    with Session(engine) as s:
        person = s.execute(select(Person).where(Person.openid == "o-flip")).scalar_one()
    assert person.active
    assert _count(engine, InboundMessage, InboundMessage.openid == "o-flip") == 3


def _claim_left_by_a_dead_process(engine, fields, lease_left: float) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        s.add(InboundMessage(
            dedupe_key=f"msg:{fields['FromUserName']}:{fields['MsgId']}", openid=fields["FromUserName"],
            msg_type="text", status="processing", claim_token="dead-holder",
            lease_until=utcnow() + timedelta(seconds=lease_left),
        ))
        s.commit()


def test_a_retry_takes_over_a_claim_whose_holder_died(phone, engine) -> None:  # type: ignore[no-untyped-def]
    fields = wire.text("o-orphan", "3栋2单元501 厨房燃气泄漏了", MsgId=4242)
    _claim_left_by_a_dead_process(engine, fields, lease_left=-1)
    res = phone.post(fields)
    assert "工单号" in phone.wechat.read_reply(res.get_data())["Content"]
    with Session(engine) as s:
        row = s.execute(select(InboundMessage)).scalar_one()
    assert row.status == "done" and row.attempts == 2


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_retry_waits_out_a_running_lease_then_takes_over(phone, engine, services) -> None:  # type: ignore[no-untyped-def]
    services.settings.server.retry_wait_seconds = 3.0
    fields = wire.text("o-orphan2", "你好", MsgId=4343)
    _claim_left_by_a_dead_process(engine, fields, lease_left=0.4)
    t0 = time.monotonic()
    res = phone.post(fields)
    assert phone.wechat.read_reply(res.get_data()) is not None  # answered, not "success"
    assert time.monotonic() - t0 >= 0.3
    assert _count(engine, InboundMessage, InboundMessage.status == "done") == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_holder_that_lost_its_claim_rolls_its_work_back(phone, engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def respond(session, services, msg, now):  # type: ignore[no-untyped-def]
        session.add(Person(openid="trace-of-the-slow-holder"))
        # Meanwhile a retry took the claim over (its lease had run out).
        with Session(engine) as other:
            other.execute(update(InboundMessage).values(claim_token="someone-else"))
            other.commit()
        return "迟到的回复"

    monkeypatch.setattr(inbox, "respond", respond)
    res = phone.post(wire.text("o-slow", "你好", MsgId=4444))
    assert res.status_code == 200
    assert _count(engine, Person, Person.openid == "trace-of-the-slow-holder") == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_reply_past_the_budget_goes_out_as_a_customer_service_message(phone, engine, services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    services.settings.server.reply_budget_seconds = 0.05

    def slow(session, services, msg, now):  # type: ignore[no-untyped-def]
        time.sleep(0.1)
        return "慢慢来的回复"

    monkeypatch.setattr(inbox, "respond", slow)
    fields = wire.text("o-late", "你好", MsgId=4545)
    res = phone.post(fields)
    assert res.get_data(as_text=True) == "success"
    with Session(engine) as s:
        rows = s.execute(select(Outbox)).scalars().all()
    assert [r.payload["body"]["text"]["content"] for r in rows] == ["慢慢来的回复"]
    assert rows[0].openid == "o-late"
    # WeChat's retry gets "success" too: the answer is on its way, once.
    again = phone.post(fields)
    assert again.get_data(as_text=True) == "success"
    assert _count(engine, Outbox) == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_worker_prunes_old_inbound_messages_and_nonces_but_keeps_recent_ones(settings, engine, phone) -> None:  # type: ignore[no-untyped-def]
    from bot.outbound.worker import Worker
    from storage.models import SeenNonce

    phone.say("o-recent", "你好")
    old = utcnow() - timedelta(days=settings.server.inbound_keep_days + 1)
    with Session(engine) as s:
        s.add(InboundMessage(dedupe_key="msg:o-old:1", openid="o-old", msg_type="text", status="done", received_at=old))
        s.add(SeenNonce(nonce="n-old", timestamp="1", body_sha256="x", seen_at=old))
        s.commit()
    Worker(settings, engine).tick()
    with Session(engine) as s:
        assert s.execute(select(InboundMessage.openid)).scalars().all() == ["o-recent"]
        assert "n-old" not in s.execute(select(SeenNonce.nonce)).scalars().all()
