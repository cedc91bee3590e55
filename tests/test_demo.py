"""`make run`'s demo, as a person would use it: start it, talk to it, see pushes arrive."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.config import load_settings
from bot.outbound import outbox
from storage.db import make_engine, session_scope
from wuye_dev import wire

ROOT = Path(__file__).resolve().parents[1]
# Starts a real server: under pytest-xdist these tests share one worker with the other such tests.
pytestmark = pytest.mark.xdist_group("servers")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("demo")
    port, fake_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WUYE_")}
    env |= {"WUYE_DATABASE__URL": f"sqlite:///{tmp / 'demo.db'}", "WUYE_WORKER__POLL_SECONDS": "0.5"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--demo", "--port", str(port), "--fake-port", str(fake_port)],
        cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
        if proc.poll() is not None:
            pytest.fail(f"wuye serve --demo exited: {proc.stdout.read() if proc.stdout else ''}")
    else:
        proc.kill()
        pytest.fail("demo did not come up within 60 s")
    yield {"url": f"{base}/wechat", "fake": f"http://127.0.0.1:{fake_port}", "env": env, "db": tmp / "demo.db", "proc": proc}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def post(demo: dict, fields: dict) -> dict | None:
    s = load_settings(environ={})
    server = wire.WeChatServer(
        s.wechat.token, s.wechat.appid, s.wechat.encoding_aes_key, s.wechat.mode,
        observer=lambda f: requests.post(f"{demo['fake']}/_fake/inbound", json=f, timeout=5),
    )
    req = server.build(fields)
    res = requests.post(demo["url"], params=req.params, data=req.body, timeout=10)
    assert res.status_code == 200, res.text
    return server.read_reply(res.content)


def test_demo_answers_a_follow_and_a_question(demo: dict) -> None:
    welcome = post(demo, wire.event("demo-resident-1", "subscribe"))
    assert welcome is not None and "报修" in welcome["Content"]
    answer = post(demo, wire.text("demo-resident-1", "物业费在哪里交"))
    assert answer is not None
    assert "物业费" in answer["Content"] or "缴" in answer["Content"]


def test_demo_worker_delivers_to_the_fake_wechat(demo: dict) -> None:
    engine = make_engine(f"sqlite:///{demo['db']}")
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "demo-staff-1", "新工单 BX2611230001：3栋2单元501 厨房漏水")
    deadline = time.monotonic() + 40  # generous: a loaded CI machine, not a speed target
    while time.monotonic() < deadline:
        calls = requests.get(f"{demo['fake']}/_fake/calls", params={"touser": "demo-staff-1"}, timeout=2).json()["calls"]
        if calls:
            assert calls[0]["body"]["text"]["content"].startswith("新工单 BX2611230001")
            return
        time.sleep(0.3)
    pytest.fail("the embedded worker did not deliver the outbox row to the fake WeChat")


def _wait_for_call(fake_url: str, openid: str) -> None:
    deadline = time.monotonic() + 40  # generous: a loaded CI machine, not a speed target
    while time.monotonic() < deadline:
        calls = requests.get(f"{fake_url}/_fake/calls", params={"touser": openid}, timeout=2).json()["calls"]
        if calls:
            return
        time.sleep(0.2)
    pytest.fail(f"the embedded worker did not deliver a push to {openid}")


def test_chat_simulator_talks_to_the_demo_and_shows_pushes(demo: dict) -> None:
    engine = make_engine(f"sqlite:///{demo['db']}")
    # The resident wrote a moment ago (WeChat, here the fake, knows): a customer-service text may reach them.
    requests.post(f"{demo['fake']}/_fake/inbound", json=wire.text("demo-resident-2", "在吗"), timeout=5)
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "demo-resident-2", "张师傅已接单，预计30分钟内上门")
    _wait_for_call(demo["fake"], "demo-resident-2")
    # The push went out before the chat started: the chat shows it first, then talks.
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--as", "demo-resident-2", "--url", demo["url"], "--fake", demo["fake"]],
        env=demo["env"], input="你好\n/quit\n", capture_output=True, text=True, timeout=120,
    )
    out = proc.stdout + proc.stderr
    assert "Chatting with" in out
    assert "物业小助手" in out or "报修" in out  # the bot's answer to 你好
    assert "[推送] 张师傅已接单" in out


def test_demo_has_two_communities_with_a_3栋_each_and_their_own_staff(demo: dict) -> None:
    from sqlalchemy import select

    from storage.models import Outbox, Person, Ticket

    listing = subprocess.run([sys.executable, "-m", "bot.cli", "community", "list"], env=demo["env"],
                             capture_output=True, text=True, timeout=60)
    assert "阳光花园" in listing.stdout and "翠湖苑" in listing.stdout and "2 communities" in listing.stdout
    post(demo, wire.text("demo-b-resident-1", "厨房水管漏水了"))
    reply = post(demo, wire.text("demo-b-resident-1", "确认"))
    assert reply is not None and "BX" in reply["Content"]
    engine = make_engine(f"sqlite:///{demo['db']}")
    with session_scope(engine) as s:
        ticket = s.execute(select(Ticket).order_by(Ticket.id.desc())).scalars().first()
        assert ticket is not None and ticket.building == "3"
        assignee = s.get(Person, ticket.assignee_id)
        assert assignee is not None and assignee.openid == "demo-b-staff-1"  # 翠湖苑's, not 阳光花园's 张师傅
        pushed = {o.openid for o in s.execute(select(Outbox)).scalars() if ticket.number in str(o.payload)}
    assert "demo-b-staff-1" in pushed and "demo-staff-1" not in pushed
