"""The outbox: written with the change that caused it, delivered by the worker with retries,
backoff and dead letters, against the fake WeChat API (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from bot.outbound import outbox
from bot.outbound.delivery import backoff, deliver_due, resend
from bot.outbound.worker import Worker
from bot.wechat.api import make_client
from storage.claims import claim_outbox
from storage.clock import utcnow
from storage.db import session_scope
from storage.models import Outbox, Person
from tests.threads import at_once

CUSTOM = "message/custom/send"


def all_rows(engine) -> list[Outbox]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.execute(select(Outbox).order_by(Outbox.id)).scalars())


@pytest.fixture
def worker(settings, engine) -> Worker:  # type: ignore[no-untyped-def]
    return Worker(settings, engine, make_client(settings))


def test_row_commits_or_rolls_back_with_the_change_that_caused_it(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        s.add(Person(openid="o-rollback"))
        outbox.enqueue_text(s, "o-rollback", "您的工单已受理")
        raise RuntimeError("the ticket change failed")
    assert all_rows(engine) == []
    with session_scope(engine) as s:
        s.add(Person(openid="o-commit"))
        outbox.enqueue_text(s, "o-commit", "您的工单已受理")
    assert [r.openid for r in all_rows(engine)] == ["o-commit"]


def test_delivers_text_and_template_through_the_fake(worker, engine, fake) -> None:  # type: ignore[no-untyped-def]
    fake.touch("o-1")  # o-1 wrote to the account; o-2 didn't, and gets a template
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-1", "师傅已接单")
        outbox.enqueue_template(s, "o-2", "TPL-1", {"thing1": "新工单", "keyword1": "BX2611220001"}, url="http://x/1")
    stats = worker.tick()
    assert (stats.claimed, stats.sent) == (2, 2)
    texts = fake.calls(path=CUSTOM)
    assert [(c["touser"], c["body"]["text"]["content"]) for c in texts] == [("o-1", "师傅已接单")]
    tpl = fake.calls(path="message/template/send")
    assert tpl[0]["body"]["template_id"] == "TPL-1"
    assert tpl[0]["body"]["data"]["keyword1"] == {"value": "BX2611220001"}
    assert {r.status for r in all_rows(engine)} == {"sent"}
    assert worker.tick().claimed == 0  # nothing is sent twice


def test_mass_send_by_tag_uses_tag_id_not_the_old_group_id(worker, engine, fake) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        outbox.enqueue_mass_text_by_tag(s, 101, "明天9:00-12:00停水")
    worker.tick()
    body = fake.calls(path="message/mass/sendall")[0]["body"]
    assert body["filter"] == {"is_to_all": False, "tag_id": 101}
    assert "group_id" not in body["filter"]


def test_5xx_is_retried_with_backoff_then_sent(worker, engine, fake, settings) -> None:  # type: ignore[no-untyped-def]
    fake.touch("o-5xx")  # they wrote to the account: their customer-service window is open
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-5xx", "hello")
    fake.fail(CUSTOM, status=502, times=2)
    before = utcnow()
    assert worker.tick().retried == 1
    after = utcnow()
    (row,) = all_rows(engine)
    assert row.status == "pending" and row.attempts == 1 and "502" in (row.last_error or "")
    # base 1 s, ±20% jitter, counted from some instant during the tick (a slow machine
    # may spend a while inside it)
    assert before + timedelta(seconds=0.8) <= row.next_attempt_at <= after + timedelta(seconds=1.2)
    first_wait = (row.next_attempt_at - before).total_seconds()
    assert worker.tick().claimed == 0  # not due yet

    later = row.next_attempt_at + timedelta(seconds=1)
    assert deliver_due(engine, worker.client, settings.worker, later).retried == 1
    (row,) = all_rows(engine)
    second_wait = (row.next_attempt_at - utcnow()).total_seconds()
    assert second_wait > first_wait  # exponential

    later = row.next_attempt_at + timedelta(seconds=1)
    assert deliver_due(engine, worker.client, settings.worker, later).sent == 1
    (row,) = all_rows(engine)
    assert row.status == "sent" and row.attempts == 3
    assert len(fake.calls(path=CUSTOM)) == 3


def test_timeout_is_retried(worker, engine, fake) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-slow", "hello")
    fake.fail(CUSTOM, delay=3)  # the client gives up after 1 s
    assert worker.tick().retried == 1
    (row,) = all_rows(engine)
    assert row.status == "pending" and "timeout" in (row.last_error or "").lower()


def test_40001_refreshes_the_token_and_succeeds(worker, engine, fake) -> None:  # type: ignore[no-untyped-def]
    fake.touch("o-tok")  # they wrote to the account: their customer-service window is open
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-tok", "hello")
    worker.client.access_token  # noqa: B018  (fetch a token first)
    assert fake.token_fetches == 1
    fake.fail(CUSTOM, errcode=40001)
    assert worker.tick().sent == 1
    assert fake.token_fetches == 2
    assert all_rows(engine)[0].status == "sent"


def test_expired_token_42001_is_refreshed(worker, engine, fake) -> None:  # type: ignore[no-untyped-def]
    worker.client.access_token  # noqa: B018
    fake.expire_tokens()
    fake.touch("o-exp")  # they wrote to the account: their customer-service window is open
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-exp", "hello")
    assert worker.tick().sent == 1
    assert fake.token_fetches == 2


def test_token_refused_again_after_refresh_does_not_loop(worker, engine, fake) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-loop", "hello")
    fake.fail(CUSTOM, errcode=40001, times=None)
    assert worker.tick().retried == 1
    assert fake.token_fetches <= 2
    assert all_rows(engine)[0].last_errcode == 40001


def test_43004_unsubscribed_is_dead_at_once(worker, engine, fake) -> None:  # type: ignore[no-untyped-def]
    fake.unsubscribe("o-gone")
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-gone", "回访")
    stats = worker.tick()
    assert (stats.dead, stats.retried) == (1, 0)
    (row,) = all_rows(engine)
    assert row.status == "dead" and row.last_errcode == 43004 and row.attempts == 1
    assert worker.tick().claimed == 0


def test_gives_up_after_max_attempts_and_resend_revives(settings, engine, fake) -> None:  # type: ignore[no-untyped-def]
    settings.worker.max_attempts = 2
    client = make_client(settings)
    fake.touch("o-max")  # they wrote to the account: their customer-service window is open
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-max", "hello")
    fake.fail(CUSTOM, status=500, times=2)
    deliver_due(engine, client, settings.worker)
    far = utcnow() + timedelta(hours=1)
    assert deliver_due(engine, client, settings.worker, far).dead == 1
    (row,) = all_rows(engine)
    assert row.status == "dead" and "gave up after 2" in (row.last_error or "")

    with Session(engine) as s:
        assert resend(s, [row.id]) == 1
    assert deliver_due(engine, client, settings.worker).sent == 1
    assert all_rows(engine)[0].status == "sent"


def test_dedupe_key_makes_enqueue_idempotent(engine) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        with session_scope(engine) as s:
            outbox.enqueue_text(s, "o-d", "回访", dedupe_key="survey:BX2611220001")
    assert len(all_rows(engine)) == 1


def test_abandoned_claim_is_taken_again_after_its_lease(engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        outbox.enqueue_text(s, "o-lease", "x")
    now = utcnow()
    with Session(engine) as s:
        first = claim_outbox(s, now, 10, lease_seconds=60)
    with Session(engine) as s:
        assert claim_outbox(s, now + timedelta(seconds=30), 10, 60) == []  # still leased
    with Session(engine) as s:
        again = claim_outbox(s, now + timedelta(seconds=61), 10, 60)
    assert [r.id for r in again] == [r.id for r in first]
    assert again[0].claim_token != first[0].claim_token and again[0].attempts == 2


def test_concurrent_claimers_never_take_the_same_row(engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        for i in range(200):
            outbox.enqueue_text(s, f"o-{i}", "x")
    taken: list[list[int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def claimer() -> None:
        barrier.wait()
        mine: list[int] = []
        while True:
            with Session(engine) as s:
                batch = claim_outbox(s, utcnow(), 7, 60)
            if not batch:
                break
            mine += [r.id for r in batch]
        with lock:
            taken.append(mine)

    at_once(claimer, 4)
    flat = [i for ids in taken for i in ids]
    assert len(flat) == 200 and len(set(flat)) == 200


def test_backoff_is_exponential_capped_and_harder_on_quota(settings) -> None:  # type: ignore[no-untyped-def]
    import random

    cfg = settings.worker
    cfg.backoff_base_seconds, cfg.backoff_max_seconds = 5, 100
    rng = random.Random(1)
    waits = [backoff(n, cfg, rng=random.Random(1)) for n in range(1, 8)]
    assert waits == sorted(waits) and waits[-1] <= 120
    assert backoff(1, cfg, 45009, rng) > backoff(1, cfg, None, random.Random(1)) * 2
