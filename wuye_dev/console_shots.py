"""The README's console screenshots: a demo community with eight weeks of tickets, photographed
in Debian's chromium. `python -m wuye_dev.console_shots docs/console` (needs the test extra)."""

from __future__ import annotations

import random
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session
from werkzeug.serving import make_server

from bot.app import create_app
from bot.config import REPAIR_CATEGORIES, load_settings
from bot.console import links
from bot.services import Services
from storage import houses
from storage.clock import utcnow
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Person, Survey, Ticket, TicketEvent
from wuye_dev.demo import seed_demo

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PLACES = ["厨房水龙头滴水", "卫生间下水慢", "楼道灯不亮", "电梯按钮失灵", "单元门关不上", "阳台推拉门卡住",
          "地下车库积水", "燃气表旁有异味"]


def seed(engine: object) -> None:
    rnd = random.Random(3)
    now = utcnow()
    with Session(engine) as s:  # type: ignore[call-overload]
        seed_demo(s)
        staff = list(s.execute(select(Person).where(Person.role == "staff")).scalars())
        residents = list(s.execute(select(Person).where(Person.role == "resident")).scalars())
        for i in range(140):
            created = now - timedelta(hours=rnd.randint(1, 56 * 24))
            b, room = str(rnd.randint(1, 6)), f"{rnd.randint(1, 18)}0{rnd.randint(1, 4)}"
            h = houses.get_or_create(s, b, "1", room)
            recent = now - created < timedelta(days=2)
            status = rnd.choice(["open", "accepted", "on_site"]) if recent else rnd.choice(["done"] * 6 + ["cancelled"])
            t = Ticket(number=f"BX{created:%y%m%d}{i:04d}", kind="repair", status=status,
                       category=rnd.choice(REPAIR_CATEGORIES[:7]), urgent=rnd.random() < 0.06,
                       description=rnd.choice(PLACES), building=b, house_id=h.id, place=f"{b}栋1单元{room}",
                       reporter_id=rnd.choice(residents).id, assignee_id=rnd.choice(staff).id,
                       contact_phone=f"1380000{rnd.randint(1000, 9999)}", created_at=created, updated_at=created,
                       accepted_at=created + timedelta(minutes=rnd.randint(3, 40)) if status != "open" else None,
                       done_at=created + timedelta(hours=rnd.randint(1, 30)) if status == "done" else None)
            s.add(t)
            s.flush()
            s.add(TicketEvent(ticket_id=t.id, action="created", note=t.description, created_at=created))
            if status == "done" and rnd.random() < 0.8:
                rating = rnd.choice([5, 5, 5, 4, 4, 3, 2])
                sent = t.done_at + timedelta(hours=2)  # type: ignore[operator]
                s.add(Survey(ticket_id=t.id, person_id=t.reporter_id, status="answered", due_at=sent, sent_at=sent,
                             answered_at=sent + timedelta(hours=1), rating=rating,
                             comment="师傅很专业" if rating >= 4 else ("还是有点漏" if rating <= 2 else ""),
                             recovery_owner_id=None, recovery_due_at=sent + timedelta(hours=3) if rating <= 2 else None,
                             recovery_done_at=sent + timedelta(hours=2) if rating <= 2 and rnd.random() < 0.6 else None,
                             created_at=sent))
        s.commit()


def main(out: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(environ={"WUYE_DATABASE__URL": f"sqlite:///{tmp}/shots.db",
                                          "WUYE_CONSOLE__SECRET_KEY": "screenshots"})
        engine = make_engine(settings.database.url)
        upgrade(engine)
        seed(engine)
        app = create_app(services=Services.build(settings, engine))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        settings.console.base_url = base = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with Session(engine) as s, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, openid, size, path in (
                ("login", "demo-manager", {"width": 900, "height": 420}, None),
                ("dashboard", "demo-manager", {"width": 1280, "height": 900}, "/console/"),
                ("tickets-phone", "demo-supervisor", {"width": 375, "height": 760}, "/console/tickets"),
                ("reports", "demo-manager", {"width": 1280, "height": 900}, "/console/reports?by=staff"),
            ):
                url = links.issue_for_openid(s, settings, openid, utcnow())
                s.commit()
                page = browser.new_page(viewport=size)  # type: ignore[arg-type]
                page.goto(url)
                if path:
                    page.get_by_role("button", name="登录").click()
                    page.wait_for_url(f"{base}/console/")
                    page.goto(base + path)
                shot = out / f"{name}.png"
                page.screenshot(path=str(shot))
                page.close()
                img = Image.open(shot).convert("RGB")
                if img.width > 900:
                    img = img.resize((900, round(img.height * 900 / img.width)), Image.LANCZOS)
                img.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(shot, optimize=True)
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/console"))
