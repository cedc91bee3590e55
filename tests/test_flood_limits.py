"""One person's flood: a friendly "slow down" past the message limit, no ticket past the hourly
number, and the same fault reported again is the ticket already open. Others are untouched."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlmodel import Session

from bot.wechat.flood import FloodGate
from storage.models import Outbox, Ticket

NUMBER = re.compile(r"工单号：(\w+)")


def _tickets(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count(Ticket.id))).scalar_one()


def test_past_the_message_limit_a_person_is_asked_to_slow_down_and_others_are_answered(phone, services, settings, engine) -> None:  # type: ignore[no-untyped-def]
    settings.limits.messages_per_minute = 5
    services.flood = FloodGate(settings)
    answers = [phone.say("o-flood", "3栋2单元501 厨房燃气泄漏了") for _ in range(12)]
    slowed = [a for a in answers if a and "稍等一分钟" in a]
    assert len(slowed) == 7
    assert all("稍等一分钟" not in (a or "") for a in answers[:5])
    # Someone else, meanwhile, is answered as usual.
    other = phone.say("o-calm", "物业费怎么交")
    assert other and "稍等一分钟" not in other
    assert _tickets(engine) == 1  # and the flood opened one ticket, not twelve


def _outbox(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count(Outbox.id))).scalar_one()


def test_the_same_fault_reported_again_gets_the_ticket_already_open(phone, engine) -> None:  # type: ignore[no-untyped-def]
    text = "3栋2单元501 厨房燃气泄漏了，味道很大"
    first = NUMBER.search(phone.say("o-again", text) or "")
    assert first
    pushes = _outbox(engine)
    again = [NUMBER.search(phone.say("o-again", text) or "") for _ in range(2)]
    assert [n.group(1) for n in again if n] == [first.group(1)] * 2
    assert _tickets(engine) == 1
    assert _outbox(engine) == pushes  # no second round of staff pushes
    # A different fault from the same person is a new ticket.
    assert NUMBER.search(phone.say("o-again", "2栋电梯困人了") or "") and _tickets(engine) == 2


def test_past_the_hourly_number_of_tickets_a_resident_is_asked_to_call(phone, settings, engine) -> None:  # type: ignore[no-untyped-def]
    settings.limits.tickets_per_hour = 2
    reports = ["3栋2单元501 厨房燃气泄漏了", "3栋电梯困人了", "3栋2单元501 家里电线冒火花了", "3栋2单元501 水管爆了到处是水"]
    answers = [phone.say("o-many", text) or "" for text in reports]
    assert _tickets(engine) == 2
    assert sum("工单号" in a for a in answers) == 2
    refused = [a for a in answers if "这一小时已经提交了2张工单" in a]
    assert len(refused) == 2 and all(settings.community.duty_phone in a for a in refused)
    # Another resident still reports as usual.
    assert "工单号" in (phone.say("o-other", "5栋1单元302 厨房燃气泄漏了") or "")


def test_the_in_process_window_moves_and_forgets_people_who_stopped_writing() -> None:
    from bot.wechat.flood import LocalWindow

    now = [1000.0]
    window = LocalWindow(3, seconds=60, clock=lambda: now[0])
    allowed = []
    for t in (0, 1, 2, 3, 59):
        now[0] = 1000.0 + t
        allowed.append(window.hit("o-a"))
    assert allowed == [True, True, True, False, False]  # refused hits don't count
    now[0] = 1060.5  # the first hit has left the window: one more, not three
    assert [window.hit("o-a"), window.hit("o-a")] == [True, False]
    assert window.hit("o-b")
    now[0] = 1200.0  # nobody wrote for a window: the next hit sweeps them away
    assert window.hit("o-c") and len(window) == 1
