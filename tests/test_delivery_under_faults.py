"""The delivery worker against a hanging or unreachable WeChat API: one slow call holds one
slot, not the queue; a timed-out call waits long before its retry; no access token is kept."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select
from sqlmodel import Session

from bot.outbound import outbox
from bot.outbound.delivery import deliver_due
from bot.wechat.api import make_client
from storage.clock import utcnow
from storage.db import session_scope
from storage.models import Outbox

CUSTOM = "message/custom/send"


def _rows(engine) -> list[Outbox]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.execute(select(Outbox).order_by(Outbox.id)).scalars())


def _wait_until(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def test_one_hanging_call_does_not_hold_the_rest_of_the_batch(settings, engine, fake) -> None:  # type: ignore[no-untyped-def]
    settings.wechat.timeout_seconds = 30.0  # the hang outlasts the whole test unless woken
    client = make_client(settings)
    for openid in ("o-hang", *(f"o-ok-{i}" for i in range(9))):
        fake.touch(openid)  # they wrote to the account: WeChat accepts customer-service texts to them
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-hang", "first in the queue")
        for i in range(9):
            outbox.enqueue_text(s, f"o-ok-{i}", "hello")
    fake.fail(CUSTOM, delay=60, touser="o-hang")
    tick = threading.Thread(target=deliver_due, args=(engine, client, settings.worker))
    tick.start()
    try:
        # The nine behind it go out while the first call still hangs.
        _wait_until(lambda: sum(r.status == "sent" for r in _rows(engine)) == 9)
        assert _rows(engine)[0].status == "sending"
    finally:
        fake.state.wake_sleepers()
        tick.join(30)


def test_a_timed_out_call_is_retried_only_after_a_long_jittered_wait(settings, engine, fake) -> None:  # type: ignore[no-untyped-def]
    client = make_client(settings)  # the tests' client gives up after 1 s
    with session_scope(engine) as s:
        for i in range(3):
            outbox.enqueue_text(s, f"o-slow-{i}", "hello")
    fake.fail(CUSTOM, delay=3, times=None)
    before = utcnow()
    stats = deliver_due(engine, client, settings.worker)
    assert stats.retried == 3
    floor = settings.worker.timeout_retry_seconds
    waits = [(r.next_attempt_at.replace(tzinfo=before.tzinfo) - before).total_seconds() for r in _rows(engine)]
    assert all(floor <= w <= 2 * floor + 5 for w in waits), waits
    assert len(set(waits)) == 3  # jittered: they don't all come back at the same instant


def test_no_access_token_in_last_error_or_the_log(settings, engine, fake, caplog) -> None:  # type: ignore[no-untyped-def]
    settings.wechat.api_base = "http://127.0.0.1:9"  # nothing listens: a connection error naming the URL
    client = make_client(settings)
    client.session.set(client.access_token_key, "TOKEN-SHOULD-NOT-LEAK-42", 7200)
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-any", "hello")
    with caplog.at_level(logging.INFO):
        assert deliver_due(engine, client, settings.worker).retried == 1
    (row,) = _rows(engine)
    assert "access_token=" in (row.last_error or "")  # the URL is still there to debug with
    assert "TOKEN-SHOULD-NOT-LEAK-42" not in (row.last_error or "")
    assert "TOKEN-SHOULD-NOT-LEAK-42" not in caplog.text


def test_a_stopping_worker_releases_what_it_claimed_but_did_not_send(settings, engine, fake) -> None:  # type: ignore[no-untyped-def]
    client = make_client(settings)
    with session_scope(engine) as s:
        for i in range(4):
            outbox.enqueue_text(s, f"o-{i}", "hello")
    stopping = threading.Event()
    stopping.set()
    stats = deliver_due(engine, client, settings.worker, stopping=stopping)
    assert stats.claimed == 4 and stats.released == 4 and stats.sent == 0
    assert {(r.status, r.attempts, r.claim_token) for r in _rows(engine)} == {("pending", 0, None)}
    assert fake.calls(path=CUSTOM) == []
