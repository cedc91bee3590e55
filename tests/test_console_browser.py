"""The web console in a real browser: Debian's chromium, headless, driven by Playwright (never a
downloaded browser). The app runs on a real HTTP port; residents talk through the real webhook;
pushes arrive in the fake WeChat. Each page is photographed at desktop and phone width into
tmp/screenshots/ (or $WUYE_SCREENSHOTS), not committed. Playwright's auto-waiting does the
waiting: no sleeps."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session
from werkzeug.serving import make_server

from bot.app import create_app
from bot.console import links
from bot.dialogue.nlu import NluService
from bot.services import Services
from storage.clock import utcnow
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Person, Ticket
from tests.community import Community
from tests.conftest import make_settings
from wuye_dev import wire

CHROMIUM = os.environ.get("WUYE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(os.environ.get("WUYE_SCREENSHOTS", Path(__file__).resolve().parents[1] / "tmp" / "screenshots"))
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 740}

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # the test extra not installed
    sync_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(
        sync_playwright is None or not (Path(CHROMIUM).exists() or shutil.which("chromium")),
        reason=f"browser tests skipped: no Chromium at {CHROMIUM} (install Debian's package: "
               "apt-get install -y chromium; .ci/run does this as root) or Playwright missing (pip install -e '.[test]')",
    ),
    # Under pytest-xdist every test here runs on one worker: one browser for the module.
    pytest.mark.xdist_group("browser"),
]


class RealClock:
    """The browser lives in real time, so the community does too."""

    @property
    def now(self) -> datetime:
        return utcnow()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                              args=ARGS)
        yield b
        b.close()


@pytest.fixture
def site(tmp_path: Path, fake, nlu) -> Iterator[tuple[str, Community]]:  # type: ignore[no-untyped-def]
    """The whole app on a free port over SQLite, with the test community in it."""
    yield from _serve(tmp_path, fake, lambda engine, settings: nlu)


@pytest.fixture
def learning_site(tmp_path: Path, fake) -> Iterator[tuple[str, Community]]:  # type: ignore[no-untyped-def]
    """As `site`, but understanding from the database as `wuye serve` does: the FAQ is stored
    there, and labels and retrained models reach the running service."""
    yield from _serve(tmp_path, fake, NluService.from_database)


def _serve(tmp_path: Path, fake: Any, make_nlu: Any) -> Iterator[tuple[str, Community]]:
    settings = make_settings(f"sqlite:///{tmp_path / 'wuye.db'}", fake.url, CONSOLE__SECRET_KEY="browser-test-key",
                             MEDIA__DIR=str(tmp_path / "media"))
    engine = make_engine(settings.database.url)
    upgrade(engine)
    services = Services.build(settings, engine, nlu=make_nlu(engine, settings))
    app = create_app(services=services)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    settings.console.base_url = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    w = settings.wechat
    # The fake WeChat learns of what people send (windows, media) as it does from every test.
    town = Community(app, wire.WeChatServer(w.token, w.appid, w.encoding_aes_key, w.mode, observer=fake.inbound),
                     services, fake, RealClock())  # type: ignore[arg-type]
    town._t = int(datetime.now(UTC).timestamp())
    yield base, town
    server.shutdown()
    thread.join()
    engine.dispose()


def link(town: Community, openid: str) -> str:
    with Session(town.engine) as s:
        url = links.issue_for_openid(s, town.services.settings, openid, utcnow())
        s.commit()
    return url


def signed_in(browser: Browser, town: Community, openid: str, width: dict[str, int] = DESKTOP) -> Page:
    page = browser.new_page(viewport=width)  # type: ignore[arg-type]
    page.goto(link(town, openid))
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=re.compile("工作台"))).to_be_visible()
    return page


def shoot(browser: Browser, town: Community, openid: str, pages: list[tuple[str, str]]) -> None:
    """Each page at desktop and at phone width (where tables turn into cards)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page = signed_in(browser, town, openid, size)
        for name, url in pages:
            page.goto(url)
            expect(page.locator("main h1")).to_be_visible()
            if label == "phone":
                # At 375 px nothing is wider than the screen: rows are cards, not a table to scroll.
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"] + 1, f"{name} is {width}px wide at phone width"
            page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        page.close()


def report_a_leak(town: Community) -> str:
    return town.report("o-wang", "厨房水龙头一直滴水，关不紧")


def test_supervisor_signs_in_by_link_sees_the_webhook_ticket_and_transfers_it(browser: Browser, site: Any) -> None:
    base, town = site
    number = report_a_leak(town)
    town.pushes("o-liu")
    page = signed_in(browser, town, "o-zhao")
    expect(page.get_by_role("link", name=number)).to_be_visible()  # on the dashboard's open list
    page.get_by_role("link", name="工单", exact=True).click()
    page.get_by_label("搜索").fill(number)
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=number).click()
    expect(page.locator("#assignee")).to_have_text("张建国")
    liu_value = page.get_by_label("转派给").locator("option", has_text="刘明").get_attribute("value")
    assert liu_value is not None
    page.get_by_label("转派给").select_option(value=liu_value)
    page.get_by_role("button", name="转派").click()
    expect(page.get_by_role("status")).to_contain_text("刘明")
    expect(page.locator("#assignee")).to_have_text("刘明")
    (push,) = town.pushes("o-liu")  # the card, by template: 刘明 has not written to the account
    assert number in push and "转派" in push
    with Session(town.engine) as s:
        liu = s.execute(select(Person).where(Person.openid == "o-liu")).scalar_one()
        assert liu_value == str(liu.id)
        assert s.execute(select(Ticket).where(Ticket.number == number)).scalar_one().assignee_id == liu.id
    page.close()
    shoot(browser, town, "o-zhao", [(name, base + path) for name, path in (
        ("dashboard", "/console/"), ("tickets", "/console/tickets"), ("ticket", f"/console/tickets/{number}"),
        ("surveys", "/console/surveys"))])


def test_manager_sends_a_notice_to_one_building_and_imports_an_faq_document(
    browser: Browser, site: Any, tmp_path: Path
) -> None:
    base, town = site
    page = signed_in(browser, town, "o-sun")
    for openid in ("o-li", "o-chen"):  # no notice template: a text reaches only people who wrote lately
        town.say(openid, "你好")
    page.get_by_role("link", name="通知", exact=True).click()
    page.get_by_label("标题").fill("5栋停水通知")
    page.get_by_label("内容").fill("明天9:00-12:00 5栋停水检修，请提前储水。")
    page.get_by_label("指定楼栋").check()
    page.get_by_label("楼栋", exact=True).fill("5")
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#recipients")).to_have_text("2")
    page.get_by_role("button", name=re.compile("确认发送")).click()
    expect(page.get_by_role("status")).to_contain_text("共 2 人")
    # Deliveries are paced at [notice] per_minute (a fraction of a second apart here): wait until
    # each recipient's row has come due and gone out.
    received: dict[str, list[str]] = {"o-li": [], "o-chen": []}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(any("5栋停水通知" in p for p in got) for got in received.values()):
        for openid, got in received.items():
            got += town.pushes(openid)
    for openid, got in received.items():
        assert any("5栋停水通知" in p for p in got), openid
    assert town.pushes("o-wang") == []
    page.reload()
    expect(page.locator("#count-sent")).to_have_text("2")
    notice_url = page.url

    doc = tmp_path / "服务指南.md"
    doc.write_text("## 快递柜在哪里？\n南门岗亭旁边，24小时可取。\n\n## 装修押金多少？\n2000元，验收后退还。\n",
                   encoding="utf-8")
    page.get_by_role("link", name="知识库").click()
    page.get_by_label("文档").set_input_files(str(doc))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.locator("#added")).to_have_text("2")
    expect(page.get_by_role("link", name=re.compile("快递柜在哪里"))).to_be_visible()
    page.close()
    shoot(browser, town, "o-sun", [(name, base + path) for name, path in (
        ("notices", "/console/notices"), ("notice", notice_url.removeprefix(base)), ("faq", "/console/faq"),
        ("people", "/console/people"), ("residents", "/console/people?tab=residents"),
        ("reports", "/console/reports?by=category"))])


def test_a_residents_link_is_refused_and_a_form_without_its_csrf_token_changes_nothing(
    browser: Browser, site: Any
) -> None:
    base, town = site
    with Session(town.engine) as s:
        wang = s.execute(select(Person).where(Person.openid == "o-wang")).scalar_one()
        url = links.issue(s, town.services.settings, wang, utcnow())  # as if issued before a role change
        s.commit()
    page = browser.new_page(viewport=DESKTOP)  # type: ignore[arg-type]
    response = page.goto(url)
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("只有物业员工、主管和经理可以登录管理后台")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "refused-desktop.png"))
    page.close()

    number = report_a_leak(town)
    page = signed_in(browser, town, "o-zhang")
    page.goto(f"{base}/console/tickets/{number}")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    page.get_by_role("button", name="接单").click()
    expect(page.locator("main")).to_contain_text("表单已失效")
    with Session(town.engine) as s:
        assert s.execute(select(Ticket).where(Ticket.number == number)).scalar_one().status == "open"
    page.close()


def test_supervisor_labels_what_the_bot_was_unsure_about_retrains_and_the_bot_then_answers(
    browser: Browser, learning_site: Any
) -> None:
    base, town = learning_site
    answer = town.services.nlu.entry("parking-monthly").answer  # type: ignore[union-attr]
    # Residents ask something the bot cannot place: each reply is the fallback, and each message
    # becomes a review item (the same words from two people are one group).
    for openid, text in (("o-wang", "包年车证怎么弄"), ("o-li", "包年车证怎么弄？"), ("o-chen", "车证包年怎么办")):
        assert answer[:12] not in town.say(openid, text)
    page = signed_in(browser, town, "o-zhao")
    page.get_by_role("link", name="待学习").click()
    group = page.locator("section.review-group").filter(has_text="包年车证怎么弄")
    expect(group.locator("h2")).to_contain_text("× 2")
    expect(page.locator("section.review-group").first).to_contain_text("包年车证怎么弄")  # most frequent first
    group.get_by_label("选择问答").select_option(value="parking-monthly")
    group.get_by_role("button", name="标为问答").click()
    expect(page.get_by_role("status")).to_contain_text("已标注 2 条")
    expect(page.locator("section.review-group").filter(has_text="包年车证怎么弄")).to_have_count(0)
    page.get_by_role("button", name="重新训练").click()
    expect(page.get_by_role("heading", name="重新训练完成")).to_be_visible()
    row = page.locator("tr").filter(has_text="已标注消息（2 条，训练前为收到时的理解） 意图准确率")
    expect(row.locator("td.before")).to_have_text("0.0%")  # both were read as unknown when they came
    expect(row.locator("td.after")).to_have_text("100.0%")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "retrained-desktop.png"), full_page=True)
    page.close()
    # The running service answers from the new model and the new wording, no restart.
    assert answer[:12] in town.say("o-chen", "车证包年怎么办")
    shoot(browser, town, "o-zhao", [("review", base + "/console/review")])


def test_the_ticket_shows_the_residents_photo_as_kept_by_us(browser: Browser, site: Any) -> None:
    base, town = site
    town.say("o-wang", "厨房水龙头一直滴水，关不紧")
    town.photo("o-wang", "http://mmbiz.qpic.cn/tap.jpg")
    m = re.search(r"BX\d{10}", town.say("o-wang", "确认"))
    assert m
    number = m.group(0)
    town.tick()  # the worker downloads it by MediaId
    page = signed_in(browser, town, "o-zhao")
    page.goto(f"{base}/console/tickets/{number}")
    img = page.get_by_role("img", name="照片1")
    expect(img).to_be_visible()
    # Drawn from the bytes we kept (WeChat's PicUrl is not reachable from here at all).
    page.wait_for_function("document.querySelector('.photos img').naturalWidth > 0")
    src = img.get_attribute("src") or ""
    assert src.startswith(f"/console/tickets/{number}/photos/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ticket-photo-desktop.png"), full_page=True)
    page.close()
    other = signed_in(browser, town, "o-liu")  # staff, not on this ticket
    response = other.goto(base + src)
    assert response is not None and response.status == 403
    other.close()
