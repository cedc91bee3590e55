"""The worker: APScheduler wakes it every `[worker] poll_seconds` to do whatever is due.

All state lives in the database (due rows), so the worker can run inside `wuye serve` or as
any number of `wuye worker` processes against one PostgreSQL.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.domains import install_all
from bot.outbound.delivery import DeliveryStats, deliver_due
from bot.outbound.jobs import run_due
from bot.wechat.api import WeChatApi, make_client
from storage import pruning
from storage.clock import utcnow
from storage.models import Conversation

log = logging.getLogger("wuye.worker")
PRUNE_EVERY = timedelta(minutes=10)


class Worker:
    def __init__(self, settings: Settings, engine: Engine, client: WeChatApi | None = None) -> None:
        install_all()
        self.settings = settings
        self.engine = engine
        self.client = client or make_client(settings)
        self.stopping = threading.Event()
        self._pruned_at: datetime | None = None
        self.stop_by: float | None = None

    def tick(self, now: datetime | None = None) -> DeliveryStats:
        now = now or utcnow()
        self._drop_expired_conversations(now)
        # Jobs first: what they enqueue goes out in the same tick.
        run_due(self.engine, self.settings, now)
        self._prune(now)
        return deliver_due(self.engine, self.client, self.settings.worker, now, self.stopping)

    def drain(self, max_rounds: int = 20) -> DeliveryStats:
        """Deliver until nothing is due now (tests, `wuye outbox flush`)."""
        total = DeliveryStats()
        for _ in range(max_rounds):
            s = self.tick()
            for f in ("claimed", "sent", "retried", "dead", "released"):
                setattr(total, f, getattr(total, f) + getattr(s, f))
            if s.claimed == 0:
                break
        return total

    def _prune(self, now: datetime) -> None:
        """Old inbound messages and seen nonces, at most every PRUNE_EVERY."""
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        server = self.settings.server
        pruning.prune_inbound(self.engine, now - timedelta(days=server.inbound_keep_days))
        pruning.prune_nonces(self.engine, now - timedelta(seconds=2 * server.max_clock_skew_seconds))

    def _drop_expired_conversations(self, now: datetime) -> None:
        with Session(self.engine) as session:
            session.execute(delete(Conversation).where(Conversation.expires_at < now))
            session.commit()

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except Exception:  # a bad tick must not stop the scheduler; the rows stay due
            log.exception("worker tick failed")

    def _schedule(self, scheduler: BackgroundScheduler | BlockingScheduler) -> None:
        scheduler.add_job(
            self._safe_tick,
            "interval",
            seconds=self.settings.worker.poll_seconds,
            id="tick",
            max_instances=1,
            coalesce=True,
            next_run_time=utcnow(),
        )

    def start_background(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(daemon=True)
        self._schedule(scheduler)
        scheduler.start()
        self._scheduler = scheduler
        return scheduler

    def stop(self, deadline: float) -> None:
        """Stop claiming; the tick in progress finishes its rows (or releases the ones it
        cannot send by `deadline`, a time.monotonic() value) before this returns."""
        self.stopping.set()
        self.stop_by = deadline
        scheduler = getattr(self, "_scheduler", None)
        if scheduler is not None:
            scheduler.shutdown(wait=True)

    def run_forever(self) -> None:
        scheduler = BlockingScheduler()
        self._schedule(scheduler)
        scheduler.start()
