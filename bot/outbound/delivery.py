"""Deliver claimed outbox rows and decide, per WeChat's answer, what happens next."""

from __future__ import annotations

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session
from wechatpy.exceptions import WeChatClientException

from bot.config import WorkerConfig
from bot.outbound.registry import REGISTRY, Outcome
from bot.redact import redact_text
from bot.wechat.api import WeChatApi
from storage.claims import claim_outbox
from storage.clock import utcnow
from storage.models import Outbox

log = logging.getLogger("wuye.delivery")

# Retrying these can never succeed: the person left, the id is wrong, the request is malformed,
# or the 48 h / per-user quota of customer-service messages is used up.
PERMANENT_ERRCODES = frozenset(
    {40003, 40008, 40033, 40037, 41028, 43004, 43019, 45015, 45047, 47001, 48001, 40013, 40125,
     43101,  # subscribe message: no consent (refused, or a one-time consent used up)
     # tags and mass send: bad tag name/id, too many tags, bad openid list, clientmsgid already sent
     40032, 40130, 45056, 45059, 45065, 45157, 45158, 45159}
)
# Token trouble: wechatpy has already refetched the token and retried once; try again later.
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
# Quotas reset with time: back off harder.
QUOTA_ERRCODES = frozenset({45009, 45011})



def classify(exc: Exception) -> Outcome:
    if isinstance(exc, WeChatClientException):
        code = exc.errcode
        if code is None:  # HTTP-level failure (5xx) or an unreachable server
            status_code = getattr(getattr(exc, "response", None), "status_code", None)
            return Outcome("retry", None, f"HTTP {status_code or '?'}: {exc.errmsg or exc}")
        if code in PERMANENT_ERRCODES:
            return Outcome("dead", code, f"{code} {exc.errmsg}")
        return Outcome("retry", code, f"{code} {exc.errmsg}")
    if isinstance(exc, requests.ConnectTimeout):
        return Outcome("retry", None, f"connect timeout: {exc}")
    if isinstance(exc, requests.Timeout):
        # WeChat may have acted on the call whose answer never came: wait long before trying
        # again (see `backoff`), and accept that this one message may arrive twice.
        return Outcome("retry", None, f"timeout: {exc}", timed_out=True)
    if isinstance(exc, requests.RequestException):
        return Outcome("retry", None, f"network: {exc}")
    return Outcome("retry", None, f"{type(exc).__name__}: {exc}")


def backoff(
    attempts: int,
    cfg: WorkerConfig,
    errcode: int | None = None,
    rng: random.Random | None = None,
    timed_out: bool = False,
) -> float:
    """Exponential with ±20% jitter so that many failed rows don't return at the same instant.
    A call that timed out waiting for WeChat's answer waits at least `timeout_retry_seconds`,
    jittered up to twice that: a hanging API gets time to recover (or to tell us it sent)."""
    base = cfg.backoff_base_seconds * (2 ** max(attempts - 1, 0))
    if errcode in QUOTA_ERRCODES:
        base *= 4
    r = rng or random
    if timed_out:
        floor = cfg.timeout_retry_seconds
        return max(min(base, cfg.backoff_max_seconds) * r.uniform(0.8, 1.2), floor * r.uniform(1.0, 2.0))
    return min(base, cfg.backoff_max_seconds) * r.uniform(0.8, 1.2)


def send(client: WeChatApi, row: Outbox) -> dict[str, Any]:
    sender = REGISTRY.senders.get(row.kind)
    if sender is not None:
        return sender(client, row)
    payload = row.payload
    if payload.get("method") == "get":
        result = client.get(payload["endpoint"], params=payload["body"])
    else:
        result = client.post(payload["endpoint"], data=payload["body"])
    return result if isinstance(result, dict) else {}


@dataclass
class DeliveryStats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    released: int = 0


def deliver_due(
    engine: Engine,
    client: WeChatApi,
    cfg: WorkerConfig,
    now: datetime | None = None,
    stopping: threading.Event | None = None,
) -> DeliveryStats:
    """Claim due rows and send them, `cfg.send_concurrency` calls at a time, so one hanging
    call holds one slot, not the queue. Once `stopping` is set, rows not yet sent are released
    for the next worker instead of being sent."""
    stats = DeliveryStats()
    with Session(engine, expire_on_commit=False) as session:
        rows = claim_outbox(session, now or utcnow(), cfg.batch_size, cfg.lease_seconds)
    stats.claimed = len(rows)
    if not rows:
        return stats
    # A row still waiting to be sent this close to its lease's end is left to the next claim,
    # so that no two workers ever send it at once.
    send_by = time.monotonic() + cfg.lease_seconds * 0.8
    lock = threading.Lock()

    def one(row: Outbox) -> None:
        if (stopping is not None and stopping.is_set()) or time.monotonic() > send_by:
            _release(engine, row)
            with lock:
                stats.released += 1
            return
        try:
            outcome = Outcome("sent", result=send(client, row))
        except Exception as exc:  # every failure becomes a decision, never a dead worker
            outcome = classify(exc)
        outcome.error = redact_text(outcome.error) if outcome.error else outcome.error
        if outcome.status == "retry" and row.attempts >= cfg.max_attempts:
            outcome.status = "dead"
            outcome.error = f"gave up after {row.attempts} attempts: {outcome.error}"
        _finish(engine, row, outcome, cfg)
        field = {"sent": "sent", "retry": "retried", "dead": "dead"}[outcome.status]
        with lock:
            setattr(stats, field, getattr(stats, field) + 1)
        if outcome.status != "sent":
            log.warning("outbox #%s %s: %s", row.id, outcome.status, outcome.error)

    workers = max(1, min(cfg.send_concurrency, len(rows)))
    if workers == 1:
        for row in rows:
            one(row)
    else:
        with ThreadPoolExecutor(workers, thread_name_prefix="wuye-send") as pool:
            list(pool.map(one, rows))
    return stats


def _release(engine: Engine, row: Outbox) -> None:
    """Give a claimed, unsent row back: due now, and this claim not counted as an attempt."""
    with Session(engine) as session:
        session.execute(
            update(Outbox)
            .where(Outbox.id == row.id, Outbox.claim_token == row.claim_token)
            .values(
                status="pending", claim_token=None, lease_until=None,
                attempts=Outbox.attempts - 1, next_attempt_at=utcnow(),
            )
        )
        session.commit()


def _finish(engine: Engine, row: Outbox, outcome: Outcome, cfg: WorkerConfig) -> None:
    now = utcnow()
    values: dict[str, Any] = {"lease_until": None, "claim_token": None}
    if outcome.status == "sent":
        values |= {"status": "sent", "sent_at": now, "result": outcome.result, "last_error": None}
    elif outcome.status == "dead":
        values |= {"status": "dead", "last_errcode": outcome.errcode, "last_error": outcome.error}
    else:
        delay = backoff(row.attempts, cfg, outcome.errcode, timed_out=outcome.timed_out)
        values |= {
            "status": "pending",
            "next_attempt_at": now + timedelta(seconds=delay),
            "last_errcode": outcome.errcode,
            "last_error": outcome.error,
        }
    with Session(engine) as session:
        # Only if the row is still ours: a lease that ran out may have passed it to another worker.
        res = session.execute(
            update(Outbox)
            .where(Outbox.id == row.id, Outbox.claim_token == row.claim_token)
            .values(**values)
        )
        hook = REGISTRY.results.get(row.ref_kind or "")
        if hook is not None and res.rowcount == 1 and outcome.status in ("sent", "dead"):
            try:
                with session.begin_nested():
                    hook(session, row, outcome)
            except Exception:
                # The message went out (or never will): record that even if the hook broke,
                # rather than leave the row to be sent again when its lease runs out.
                log.exception("result hook %s failed for outbox #%s", row.ref_kind, row.id)
        session.commit()


def resend(session: Session, ids: list[int] | None = None) -> int:
    """Put dead letters (all, or the given ids) back in the queue; returns how many."""
    stmt = update(Outbox).where(Outbox.status == "dead")
    if ids is not None:
        stmt = stmt.where(Outbox.id.in_(ids))
    res = session.execute(
        stmt.values(
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
            last_error=None,
            last_errcode=None,
        )
    )
    session.commit()
    return res.rowcount or 0
