"""One notice to 10,000 residents (issue 6's benchmark): how long it takes to enqueue (the send job
writes a delivery row and an outbox row per resident) and to deliver everything through the fake
WeChat, per person and by building tag; none duplicated, none missing.

Delivery runs on a simulated clock far enough ahead that the pacing ([notice] per_minute) does not
hold rows back: it measures how fast the worker can go; `paced_min` is how long the configured
pace spreads the same notice over in real life.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session

from bot.config import load_settings
from bot.domains import install_all
from bot.notices import compose as notices
from bot.outbound.delivery import deliver_due
from bot.outbound.jobs import run_due
from bot.wechat.api import make_client
from storage import houses
from storage.clock import utcnow
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import NoticeDelivery, Person
from wuye_dev.fake_wechat import FakeWeChat

BUILDINGS = 20


def _seed(engine: Any, n: int) -> None:
    now = utcnow()
    with Session(engine) as s:
        ids = [houses.get_or_create(s, str(b + 1), "1", "101").id for b in range(BUILDINGS)]
        s.execute(insert(Person), [
            {"openid": f"o-{i:05d}", "role": "resident", "name": "", "phone": "", "house_id": ids[i % BUILDINGS],
             "categories": "", "buildings": "", "active": True, "created_at": now, "updated_at": now}
            for i in range(n)
        ])
        s.add(Person(openid="o-manager", role="manager", name="经理"))
        s.commit()


def measure(n: int, mass: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, FakeWeChat(appid="wxbench", secret="s") as fake:
        db = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {"WUYE_DATABASE__URL": db, "WUYE_WECHAT__API_BASE": fake.url, "WUYE_WECHAT__APPID": "wxbench",
               "WUYE_WECHAT__SECRET": "s", "WUYE_WORKER__BATCH_SIZE": "200",
               "WUYE_NOTICE__USE_MASS_SEND": "true" if mass else "false", "WUYE_NOTICE__TEMPLATE_ID": "TPL-NOTICE"}
        settings = load_settings(environ=env)
        engine = make_engine(db)
        upgrade(engine)
        _seed(engine, n)
        client = make_client(settings)
        audience = notices.Audience("buildings", tuple(str(b + 1) for b in range(BUILDINGS)))
        now = utcnow()

        t0 = time.perf_counter()
        with Session(engine) as s:
            author = s.execute(select(Person).where(Person.openid == "o-manager")).scalar_one()
            notices.create(s, settings, title="停水通知", body="明天8:00-18:00管网检修停水。",
                           audience=audience, author=author, now=now)
            s.commit()
        run_due(engine, settings, now)
        enqueued = time.perf_counter() - t0

        # Deliver until every copy is settled; the clock jumps ahead so that pacing and the tag
        # rounds don't make the benchmark wait in real time.
        t0 = time.perf_counter()
        ahead = now
        for _ in range(10_000):
            ahead += timedelta(seconds=settings.notice.tag_wait_seconds)
            ran = run_due(engine, settings, ahead)
            stats = deliver_due(engine, client, settings.worker, ahead + timedelta(days=1))
            if ran == 0 and stats.claimed == 0:
                with Session(engine) as s:
                    left = s.execute(select(func.count()).select_from(NoticeDelivery)
                                     .where(NoticeDelivery.status == "pending")).scalar_one()
                if left == 0:
                    break
        delivered = time.perf_counter() - t0

        with Session(engine) as s:
            states = Counter(s.execute(select(NoticeDelivery.status)).scalars())
        if mass:
            reached = Counter(o for c in fake.calls(path="message/mass/sendall") for o in c.get("recipients", []))
        else:
            reached = Counter(c["touser"] for c in fake.calls(path="message/template/send"))
        calls = len(fake.calls())
        engine.dispose()
    return {
        "case": f"{n} residents, {'mass send by 20 building tags' if mass else 'one template message each'}, SQLite",
        "enqueue_s": round(enqueued, 2),
        "deliver_s": round(delivered, 2),
        "per_s": round(n / delivered, 1),
        "api_calls": calls,
        "sent": states.get("sent", 0),
        "failed": states.get("failed", 0),
        "duplicates": sum(v - 1 for v in reached.values() if v > 1),
        "missing": n - len(reached),
        "paced_min": "-" if mass else round(n / settings.notice.per_minute, 1),
    }


def run(n: int = 10_000) -> list[dict[str, Any]]:
    install_all()  # the job and delivery handlers, as the worker installs them
    return [measure(n, mass=False), measure(n, mass=True)]


if __name__ == "__main__":
    import sys

    from bench.__main__ import _dict_table

    print(_dict_table(run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
