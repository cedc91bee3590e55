"""WeChat retries unanswered deliveries; each one is processed once and answered the same way."""

from __future__ import annotations

import threading

import pytest
import requests
from sqlalchemy import func, select
from sqlmodel import Session
from werkzeug.serving import make_server

from bot.wechat import inbox
from storage.models import InboundMessage, Person
from wuye_dev import wire


@pytest.fixture
def counted(monkeypatch):  # type: ignore[no-untyped-def]
    """Replace the dialogue with one that counts its calls and leaves a trace in the database."""
    calls: list[str] = []
    # A test may hold the handler until something else happened (e.g. a retry was answered).
    gate: dict[str, threading.Event | None] = {"until": None}

    def respond(session, services, msg, now):  # type: ignore[no-untyped-def]
        calls.append(msg.source)
        until = gate["until"]
        if until is not None:
            until.wait(timeout=30)
        person = Person(openid=f"{msg.source}-{len(calls)}", name="trace")
        session.add(person)
        return f"第{len(calls)}次处理"

    monkeypatch.setattr(inbox, "respond", respond)
    return calls, gate


def rows(engine, model) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_retry_of_a_message_gets_the_same_reply_and_is_not_reprocessed(phone, engine, counted) -> None:  # type: ignore[no-untyped-def]
    calls, _ = counted
    fields = wire.text("o-dup", "马桶堵了", MsgId=1234567890123456)
    first = phone.post(fields)
    for _ in range(3):  # WeChat retries three times
        again = phone.post(fields)
        assert again.status_code == 200
        assert phone.wechat.read_reply(again.get_data())["Content"] == "第1次处理"
    assert phone.wechat.read_reply(first.get_data())["Content"] == "第1次处理"
    assert calls == ["o-dup"]
    assert rows(engine, InboundMessage) == 1
    assert rows(engine, Person) == 1


@pytest.mark.parametrize("mode", ["safe"], indirect=True)
def test_retry_in_safe_mode_is_re_encrypted_for_the_new_request(phone, counted) -> None:  # type: ignore[no-untyped-def]
    fields = wire.text("o-dup", "hi", MsgId=42)
    a = phone.post(fields)
    b = phone.post(fields)  # new nonce/timestamp: the cached reply must be encrypted again
    assert phone.wechat.read_reply(a.get_data())["Content"] == phone.wechat.read_reply(b.get_data())["Content"]
    assert len(counted[0]) == 1


def test_events_dedupe_on_sender_time_and_event(phone, counted) -> None:  # type: ignore[no-untyped-def]
    calls, _ = counted
    phone.post(wire.event("o-evt", "CLICK", EventKey="A", create_time=1_790_000_000))
    phone.post(wire.event("o-evt", "CLICK", EventKey="A", create_time=1_790_000_000))
    phone.post(wire.event("o-evt", "VIEW", EventKey="A", create_time=1_790_000_000))  # other event
    phone.post(wire.event("o-evt", "CLICK", EventKey="A", create_time=1_790_000_001))  # other time
    phone.post(wire.event("o-other", "CLICK", EventKey="A", create_time=1_790_000_000))  # other person
    assert len(calls) == 4


def test_distinct_messages_are_all_processed(phone, counted) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        phone.post(wire.text("o-many", f"消息{i}"))
    assert len(counted[0]) == 5


def test_a_failed_attempt_leaves_nothing_and_the_retry_processes_it(phone, engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    attempts: list[int] = []

    def flaky(session, services, msg, now):  # type: ignore[no-untyped-def]
        attempts.append(1)
        session.add(Person(openid=f"half-done-{len(attempts)}"))
        session.flush()
        if len(attempts) == 1:
            raise RuntimeError("database hiccup")
        return "好了"

    monkeypatch.setattr(inbox, "respond", flaky)
    fields = wire.text("o-flaky", "电梯坏了", MsgId=777)
    first = phone.post(fields)
    assert first.status_code == 200
    assert "稍后" in phone.wechat.read_reply(first.get_data())["Content"]  # polite, no traceback
    assert rows(engine, Person) == 0 and rows(engine, InboundMessage) == 0
    second = phone.post(fields)
    assert phone.wechat.read_reply(second.get_data())["Content"] == "好了"
    assert rows(engine, Person) == 1


def test_a_retry_during_the_first_delivery_waits_for_its_reply_and_is_processed_once(app, wechat, engine, counted, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The real race: a retry arrives while the first delivery is still being handled."""
    calls, gate = counted
    # The first delivery is held inside the handler until the other one is waiting for it, so
    # the retry always arrives while the first is still being handled.
    retry_waiting = threading.Event()
    gate["until"] = retry_waiting
    original = inbox._await_or_take_over

    def waiting(*args, **kwargs):  # type: ignore[no-untyped-def]
        retry_waiting.set()
        return original(*args, **kwargs)

    monkeypatch.setattr(inbox, "_await_or_take_over", waiting)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/wechat"
    try:
        fields = wire.text("o-race", "楼道灯不亮", MsgId=987654321)
        requests_ = [wechat.build(fields) for _ in range(2)]
        replies: list[str] = []
        barrier = threading.Barrier(2)

        def deliver(req: wire.Request) -> None:
            barrier.wait()
            res = requests.post(url, params=req.params, data=req.body, timeout=10)
            assert res.status_code == 200
            reply = wechat.read_reply(res.content)
            replies.append("success" if reply is None else reply["Content"])

        threads = [threading.Thread(target=deliver, args=(r,)) for r in requests_]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.shutdown()
    assert calls == ["o-race"]
    # The retry waited for the first delivery's reply rather than answering "success".
    assert replies == ["第1次处理", "第1次处理"]
    assert rows(engine, InboundMessage) == 1 and rows(engine, Person) == 1
