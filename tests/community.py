"""A small community for end-to-end tests: residents on the roster, staff, a supervisor and a
manager; people talk through the real webhook and the worker delivers through the fake WeChat."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from bot.outbound.delivery import deliver_due
from bot.outbound.jobs import run_due
from bot.outbound.worker import Worker
from bot.wechat import inbox
from bot.wechat.api import make_client
from storage import houses
from storage.clock import utcnow
from storage.models import Person, RosterEntry, Ticket
from wuye_dev import wire

RESIDENTS = {
    "o-wang": ("王芳", "13800001111", ("3", "2", "501")),
    "o-li": ("李强", "13800002222", ("5", "1", "302")),
    "o-chen": ("陈静", "13800003333", ("5", "2", "1203")),
}
STAFF = {
    "o-zhang": ("张建国", "staff", "13900001111", "水电,管道疏通,燃气", ""),
    "o-liu": ("刘明", "staff", "13900002222", "门窗,电梯,公共照明,公共设施,其他", ""),
    "o-kefu": ("周婷", "staff", "13900004444", "客服", ""),
    "o-zhao": ("赵主管", "supervisor", "13900003333", "", ""),
    "o-sun": ("孙经理", "manager", "13900009999", "", ""),
}


NUMBER = re.compile(r"\b(BX|TS|BY|RG)\d{10}\b")


def number_in(text: str) -> str:
    """The ticket number a reply names (the test fails, showing the reply, when it names none)."""
    m = NUMBER.search(text)
    assert m, text
    return m.group(0)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


class Community:
    def __init__(self, app: Any, wechat: wire.WeChatServer, services: Any, fake: Any, clock: Clock) -> None:
        self.client = app.test_client()
        self.wechat = wechat
        self.services = services
        self.engine = services.engine
        self.fake = fake
        self.clock = clock
        self.worker = Worker(services.settings, services.engine, make_client(services.settings))
        self._seen: dict[str, int] = {}
        self._t = int(clock.now.timestamp())
        # WeChat's API judges its windows (48 h, 3 days for media) on the same clock as the test.
        fake.state.clock = lambda: self.clock.now.timestamp()
        with Session(self.engine) as s:
            for openid, (name, phone, (b, u, r)) in RESIDENTS.items():
                house = houses.get_or_create(s, b, u, r)
                s.add(RosterEntry(house_id=house.id, name=name, phone=phone))
                s.add(Person(openid=openid, role="resident", name=name, phone=phone, house_id=house.id))
            for openid, (name, role, phone, cats, blds) in STAFF.items():
                s.add(Person(openid=openid, role=role, name=name, phone=phone, categories=cats, buildings=blds))
            s.commit()

    # ------------------------------------------------------------ talking

    def _post(self, fields: dict[str, Any]) -> str | None:
        res = self.client.post("/wechat", query_string=(req := self.wechat.build(fields)).params, data=req.body)
        assert res.status_code == 200, res.get_data(as_text=True)
        reply = self.wechat.read_reply(res.get_data())
        return None if reply is None else reply.get("Content")

    def say(self, openid: str, text: str) -> str:
        self._t = max(self._t + 1, int(self.clock.now.timestamp()))  # distinct, and on the clock
        reply = self._post(wire.text(openid, text, create_time=self._t))
        assert reply is not None
        return reply

    def report(self, openid: str, text: str) -> str:
        """`openid` reports `text` and confirms the card it gets back; the new ticket's number."""
        self.say(openid, text)
        return self.confirm(openid)

    def confirm(self, openid: str) -> str:
        """`openid` confirms the card on the screen; the number of the ticket that makes."""
        return number_in(self.say(openid, "确认"))

    def repaired(self, openid: str, text: str) -> str:
        """`openid` reports `text`, 张建国 accepts and finishes it; the progress pushes so far are
        read. The ticket number (its 回访 is planned, not yet sent)."""
        number = self.report(openid, text)
        self.say("o-zhang", f"接单 {number}")
        self.say("o-zhang", f"完成 {number} 换了软管")
        self.pushes(openid)
        return number

    def photo(self, openid: str, url: str) -> str:
        self._t = max(self._t + 1, int(self.clock.now.timestamp()))
        reply = self._post(wire.message(openid, "image", PicUrl=url, MediaId=f"m-{self._t}", create_time=self._t))
        assert reply is not None
        return reply

    # ------------------------------------------------------------ the worker and pushes

    def tick(self) -> None:
        # Jobs run on the test's clock; outbox rows are stamped with the real time when written,
        # so delivery looks at whichever is later.
        run_due(self.engine, self.services.settings, self.clock.now)
        deliver_due(self.engine, self.worker.client, self.services.settings.worker, max(self.clock.now, utcnow()))

    def pushes(self, openid: str) -> list[str]:
        """New pushes this openid received since the last look (text, or template fields joined)."""
        self.tick()
        calls = [c for c in self.fake.calls(touser=openid) if c["seq"] > self._seen.get(openid, 0)]
        if calls:
            self._seen[openid] = max(c["seq"] for c in calls)
        out = []
        for c in calls:
            body = c["body"]
            if "text" in body:
                out.append(body["text"]["content"])
            else:
                out.append(" | ".join(f"{k}={v['value']}" for k, v in body["data"].items()))
        return out

    def ticket(self, number: str | None = None) -> Ticket:
        with Session(self.engine) as s:
            q = select(Ticket).order_by(Ticket.id.desc())
            if number:
                q = q.where(Ticket.number == number)
            t = s.execute(q).scalars().first()
            assert t is not None
            return t

    def tickets(self) -> list[Ticket]:
        with Session(self.engine) as s:
            return list(s.execute(select(Ticket).order_by(Ticket.id)).scalars())


def start_clock() -> Clock:
    # A Monday 10:00 in Shanghai: inside office hours, outside quiet hours.
    return Clock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


def install_clock(monkeypatch: Any, clock: Clock) -> None:
    monkeypatch.setattr(inbox, "utcnow", clock)
