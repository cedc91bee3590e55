"""10,000 tickets completed in one go: how long the worker takes to send every survey through the
fake WeChat, with none duplicated and none missing (issue 5's benchmark)."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlmodel import Session

from bot.config import load_settings
from bot.domains import install_all
from bot.outbound.delivery import deliver_due
from bot.outbound.jobs import run_due
from bot.surveys import flow as survey
from bot.tickets import flow as ticket_flow
from bot.wechat.api import make_client
from storage.clock import utcnow
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import InboundMessage, Person, Survey
from wuye_dev.fake_wechat import FakeWeChat

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _seed(engine: Any, settings: Any, n: int) -> None:
    now = utcnow()
    with Session(engine) as s:
        people = [
            Person(openid=f"o-{i:05d}", role="resident", last_inbound_at=now) for i in range(n)
        ]
        s.add_all(people)
        # Each resident wrote to the account just now: their customer-service window is open.
        s.add_all([InboundMessage(dedupe_key=f"msg:bench:{p.openid}", openid=p.openid or "", msg_type="text",
                                  status="done", received_at=now) for p in people])
        s.flush()
        for p in people:
            t = ticket_flow.open_ticket(
                s,
                settings,
                ticket_flow.Draft(
                    kind="repair", description="灯不亮", category="公共照明", place="1栋楼道"
                ),
                p,
                now,
            )
            t.status, t.done_at = "done", now
            survey.schedule(s, settings, t, now)
        s.commit()


def _drain(engine: Any, settings: Any, workers: int) -> None:
    """Run `workers` worker loops until no survey is left unsent and the outbox is empty."""
    from storage.models import Outbox

    def loop() -> None:
        client = make_client(settings)
        while True:
            ran = run_due(engine, settings, utcnow(), limit=settings.worker.batch_size)
            stats = deliver_due(engine, client, settings.worker)
            if ran == 0 and stats.claimed == 0:
                with Session(engine) as s:
                    left = s.execute(
                        select(func.count()).select_from(Survey).where(Survey.status == "scheduled")
                    ).scalar_one()
                    pending = s.execute(
                        select(func.count())
                        .select_from(Outbox)
                        .where(Outbox.status.in_(("pending", "sending")))
                    ).scalar_one()
                if left == 0 and pending == 0:
                    return

    threads = [threading.Thread(target=loop) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def measure(n: int, db: str, workers: int) -> dict[str, Any]:
    with FakeWeChat(appid="wxbench", secret="s") as fake:
        env = {
            "WUYE_DATABASE__URL": db,
            "WUYE_WECHAT__API_BASE": fake.url,
            "WUYE_WECHAT__APPID": "wxbench",
            "WUYE_WECHAT__SECRET": "s",
            "WUYE_SURVEY__DELAY_MINUTES": "0",
            "WUYE_SURVEY__QUIET_HOURS": "",
            "WUYE_WORKER__BATCH_SIZE": "200",
        }
        settings = load_settings(environ=env)
        # Routing pushes a staff card per ticket too; with no staff on file there is none to send.
        engine = make_engine(db)
        upgrade(engine)
        t0 = time.perf_counter()
        _seed(engine, settings, n)
        seeded = time.perf_counter() - t0
        fake.reset()
        for i in range(n):
            fake.touch(f"o-{i:05d}")
        t0 = time.perf_counter()
        _drain(engine, settings, workers)
        sent = time.perf_counter() - t0
        asks = [
            c
            for c in fake.calls(path="message/custom/send")
            if "1-5" in c["body"]["text"]["content"]
        ]
        users = {c["touser"] for c in asks}
        engine.dispose()
    return {
        "case": f"{n} surveys, {'SQLite' if db.startswith('sqlite') else 'PostgreSQL'}, {workers} worker(s)",
        "complete_s": round(seeded, 2),
        "send_all_s": round(sent, 2),
        "surveys_per_s": round(n / sent, 1),
        "sent": len(asks),
        "duplicates": len(asks) - len(users),
        "missing": n - len(users),
    }


def _pg_database() -> tuple[str, Any] | None:
    try:
        admin = create_engine(
            PG_ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2}
        )
        name = f"wuye_bench_{int(time.time())}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        return None

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def run(n: int = 10_000) -> list[dict[str, Any]]:
    install_all()  # the job and delivery handlers, as the worker installs them
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(measure(n, f"sqlite:///{Path(tmp) / 'bench.db'}", 1))
    pg = _pg_database()
    if pg is not None:
        url, drop = pg
        try:
            rows.append(measure(n, url, 2))
        finally:
            drop()
    return rows


if __name__ == "__main__":
    import sys

    from bench.__main__ import _dict_table

    print(_dict_table(run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
