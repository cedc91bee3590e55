"""kill -9 a real `wuye serve` in the middle of a burst, start it again, and play WeChat: every
message not answered is retried with the same MsgId (up to three tries in all). Each one must
end up processed exactly once and answered, with the ticket the database holds."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from sqlmodel import Session

from storage.models import InboundMessage, Outbox, Person, Ticket
from tests.conftest import APPID, TOKEN
from wuye_dev import wire

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = 60
KILL_AFTER = 15
TICKET = re.compile(r"工单号：(\w+)")
# Starts real servers: under pytest-xdist these tests share one worker with the other such tests.
pytestmark = pytest.mark.xdist_group("servers")


class ServeProcess:
    """`wuye serve --port 0` in its own process; the port is read from its first line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", "0", "--no-worker"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self.url: str | None = None
        self._listening = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            found = re.search(r"listening on (http://\S+/wechat)", line)
            if found:
                self.url = found.group(1)
                self._listening.set()

    def wait_listening(self, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while not self._listening.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("wuye serve did not start:\n" + "".join(self.lines[-30:]))
        assert self.url is not None
        return self.url

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def terminate(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def serve_env(db_url: str, fake) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WUYE_")}
    env |= {
        "WUYE_DATABASE__URL": db_url,
        "WUYE_WECHAT__TOKEN": TOKEN,
        "WUYE_WECHAT__APPID": APPID,
        "WUYE_WECHAT__API_BASE": fake.url,
        # Short claims so that the test's retries need not wait WeChat's real intervals.
        "WUYE_SERVER__CLAIM_LEASE_SECONDS": "1",
        "WUYE_SERVER__RETRY_WAIT_SECONDS": "1.5",
        "WUYE_SERVER__THREADS": "8",
        "PYTHONPATH": str(ROOT),
    }
    yield env


OUTCOMES: dict[int, list[str]] = {}


def _deliver(wechat: wire.WeChatServer, url: str, fields: dict) -> tuple[str, str]:  # type: ignore[type-arg]
    """One try as WeChat makes it: ("reply", text), ("success", "") - WeChat stops retrying and
    shows nothing - or ("retry", why) when no answer came."""
    req = wechat.build(fields)
    seen = OUTCOMES.setdefault(int(fields["MsgId"]), [])
    try:
        # Far longer than WeChat's 5 s: this test is about exactly once, not speed, on a busy CI box.
        res = requests.post(url, params=req.params, data=req.body, timeout=30)
    except requests.RequestException as exc:
        seen.append(type(exc).__name__)
        return "retry", type(exc).__name__
    if res.status_code != 200:
        seen.append(f"HTTP {res.status_code}: {res.text[:80]}")
        return "retry", f"HTTP {res.status_code}"
    reply = wechat.read_reply(res.content)
    seen.append("success" if reply is None else "reply")
    return ("success", "") if reply is None else ("reply", str(reply.get("Content")))


def _unfinished(db_url: str) -> int:
    from storage.db import make_engine

    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            return s.execute(
                select(func.count()).select_from(InboundMessage).where(InboundMessage.status != "done")
            ).scalar_one()
    finally:
        engine.dispose()


def test_kill_9_mid_burst_then_retries_process_every_message_exactly_once(serve_env, db_url) -> None:  # type: ignore[no-untyped-def]
    _stop_mid_burst_then_retry(serve_env, db_url, signal.SIGKILL)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sigterm_mid_burst_drains_then_retries_process_every_message_exactly_once(serve_env, db_url) -> None:  # type: ignore[no-untyped-def]
    _stop_mid_burst_then_retry(serve_env, db_url, signal.SIGTERM)


def _stop_mid_burst_then_retry(serve_env: dict[str, str], db_url: str, stop: signal.Signals) -> None:
    from storage.db import make_engine

    wechat = wire.WeChatServer(TOKEN, APPID)
    messages = [
        wire.text(f"o-crash-{i:03d}", f"{i % 9 + 1}栋2单元50{i % 4 + 1} 厨房燃气泄漏了，味道很大", MsgId=9_000_000 + i)
        for i in range(MESSAGES)
    ]
    OUTCOMES.clear()
    answers: dict[int, str] = {}  # the passive reply WeChat shows
    quiet: set[int] = set()  # answered "success": WeChat stops retrying, the reply must come by the outbox
    tries = dict.fromkeys(range(MESSAGES), 0)

    def record(i: int, outcome: tuple[str, str]) -> None:
        kind, text = outcome
        if kind == "reply":
            answers[i] = text
        elif kind == "success":
            quiet.add(i)

    first = ServeProcess(serve_env)
    url = first.wait_listening()
    killed = threading.Event()

    def burst(i: int) -> None:
        if killed.is_set():
            return
        tries[i] += 1
        record(i, _deliver(wechat, url, messages[i]))
        if len(answers) >= KILL_AFTER and not killed.is_set():
            killed.set()
            first.proc.send_signal(stop)

    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(burst, range(MESSAGES)))
        if stop == signal.SIGTERM:
            # Drained: requests in flight finished and were answered, then a clean exit.
            assert first.proc.wait(timeout=60) == 0, "".join(first.lines[-20:])
            assert _unfinished(db_url) == 0
    finally:
        first.kill()
    assert killed.is_set(), "the burst ended before the stop"
    unanswered_at_kill = MESSAGES - len(answers) - len(quiet)
    assert unanswered_at_kill > 0

    second = ServeProcess(serve_env)
    try:
        url = second.wait_listening()

        def retry(i: int) -> None:
            while i not in answers and i not in quiet and tries[i] < 3:
                tries[i] += 1
                record(i, _deliver(wechat, url, messages[i]))

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(retry, [i for i in range(MESSAGES) if i not in answers and i not in quiet]))
    finally:
        second.terminate()

    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            tickets = dict(
                s.execute(select(Person.openid, Ticket.number).join(Ticket, Ticket.reporter_id == Person.id)).all()
            )
            per_person = s.execute(select(func.count(Ticket.id))).scalar_one()
            taken_over = s.execute(
                select(func.count()).select_from(InboundMessage).where(InboundMessage.attempts > 1)
            ).scalar_one()
            unfinished = s.execute(
                select(func.count()).select_from(InboundMessage).where(InboundMessage.status != "done")
            ).scalar_one()
            # Replies that came too late for WeChat's 5 s went out as customer-service messages.
            deferred = {
                row.openid: row.payload["body"]["text"]["content"]
                for row in s.execute(select(Outbox).where(Outbox.dedupe_key.like("inbox-reply:%"))).scalars()
            }
    finally:
        engine.dispose()
    texts: dict[int, str] = {}
    for i in range(MESSAGES):
        openid = f"o-crash-{i:03d}"
        # Answered exactly once: the passive reply or the customer-service message, never both.
        assert not (i in answers and openid in deferred), (i, answers[i], deferred[openid])
        if i in answers:
            texts[i] = answers[i]
        elif openid in deferred:
            texts[i] = deferred[openid]
    lost = sorted(set(range(MESSAGES)) - set(texts))
    assert not lost, {i: OUTCOMES.get(messages[i]["MsgId"]) for i in lost} | {"server": "".join(second.lines[-30:])}
    print(
        f"\n{stop.name}: {unanswered_at_kill}/{MESSAGES} unanswered at the stop, {taken_over} claims taken over, "
        f"{len(deferred)} replies sent as customer-service messages"
    )
    assert per_person == MESSAGES  # no duplicate tickets, none lost
    assert unfinished == 0
    for i, text in texts.items():
        found = TICKET.search(text)
        assert found, text
        # The answer names the one ticket stored for that resident.
        assert tickets[f"o-crash-{i:03d}"] == found.group(1)
