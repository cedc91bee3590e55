"""The console's ticket list on a 10,000-ticket database: server time per page (Flask's test
client, so no network in the figure), SQLite and PostgreSQL when it answers. Target: ≤ 200 ms."""

from __future__ import annotations

import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlmodel import Session

from bot.app import create_app
from bot.config import REPAIR_CATEGORIES, load_settings
from bot.console import links
from bot.dialogue.nlu import NluService
from bot.services import Services
from storage import houses
from storage.clock import utcnow
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Person, Ticket

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TICKETS = 10_000
ROUNDS = 30
STATUSES = ("open", "accepted", "on_site", "done", "done", "done", "cancelled")


def _seed(engine: Any, n: int) -> str:
    """n tickets over a year, 20 buildings, 6 staff; returns a phone number to search for."""
    rnd = random.Random(7)
    now = utcnow()
    with Session(engine) as s:
        staff = [Person(openid=f"o-staff-{i}", role="staff", name=f"师傅{i}") for i in range(6)]
        staff.append(Person(openid="o-boss", role="manager", name="经理"))
        s.add_all(staff)
        hs = [houses.get_or_create(s, str(b), "1", f"{f}01") for b in range(1, 21) for f in range(1, 11)]
        s.flush()
        rows = []
        for i in range(n):
            h = rnd.choice(hs)
            created = now - timedelta(minutes=rnd.randint(0, 365 * 24 * 60))
            rows.append({
                "number": f"BX{created:%y%m%d}{i:05d}", "kind": "repair", "status": rnd.choice(STATUSES),
                "category": rnd.choice(REPAIR_CATEGORIES), "urgent": rnd.random() < 0.05,
                "description": "卫生间水管漏水，需要尽快处理" * 2, "area": "home", "house_id": h.id,
                "building": h.building, "place": f"{h.building}栋1单元{h.room}", "contact_phone": f"138{i:08d}",
                "preferred_time": "", "photos": [], "assignee_id": rnd.choice(staff[:6]).id, "reopen_count": 0,
                "created_at": created, "updated_at": created, "community_id": h.community_id,
            })
        s.execute(insert(Ticket), rows)
        s.commit()
    return "13800004242"


def _sign_in(app: Any, engine: Any, settings: Any) -> Any:
    client = app.test_client()
    with Session(engine) as s:
        url = links.issue_for_openid(s, settings, "o-boss", utcnow())
        s.commit()
    token = url.split("token=")[1]
    page = client.get(f"/console/login?token={token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert client.post("/console/login", data={"token": token, "csrf_token": csrf}).status_code == 302
    return client


def _time(client: Any, path: str) -> dict[str, float]:
    client.get(path)  # warm: templates compiled, caches filled
    times = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        res = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert res.status_code == 200, (path, res.status_code)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95) - 1], "max_ms": times[-1]}


def _one(url: str, label: str, nlu: NluService) -> list[dict[str, Any]]:
    settings = load_settings(environ={"WUYE_DATABASE__URL": url, "WUYE_CONSOLE__SECRET_KEY": "bench"})
    engine = make_engine(url)
    upgrade(engine)
    phone = _seed(engine, TICKETS)
    app = create_app(services=Services.build(settings, engine, nlu=nlu))
    client = _sign_in(app, engine, settings)
    rows = []
    for what, path in (
        ("list, first page", "/console/tickets"),
        ("list, page 100", "/console/tickets?page=100"),
        ("filter status+category+building", "/console/tickets?status=active&category=水电&building=3"),
        ("search by phone", f"/console/tickets?q={phone}"),
        ("search by room", "/console/tickets?q=501"),
        ("dashboard", "/console/"),
    ):
        rows.append({"database": label, "page": what, "tickets": TICKETS, **_time(client, path)})
    engine.dispose()
    return rows


def run() -> list[dict[str, Any]]:
    nlu = NluService.from_settings(load_settings(environ={}))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += _one(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite", nlu)
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
        name = f"wuye_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: the SQLite rows stand alone
        print(f"(PostgreSQL row skipped: {exc.__class__.__name__})")
        return rows
    try:
        rows += _one(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", "PostgreSQL", nlu)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return rows


if __name__ == "__main__":
    from bench.__main__ import _dict_table

    print(_dict_table(run()))
