"""Time-driven steps as due rows: schedule, cancel, and run what is due (exactly once).

A job's work and its "done" mark commit in one transaction, so a crash mid-way leaves the job
due again with nothing half-done; the unique dedupe_key keeps a step from being scheduled twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.outbound.registry import REGISTRY, JobKind
from storage.claims import claim_jobs
from storage.clock import utcnow
from storage.models import Job

log = logging.getLogger("wuye.jobs")
MAX_ATTEMPTS = 5
CHAIN_ROUNDS = 5  # jobs that schedule due jobs, run in the same tick


def schedule(
    session: Session, kind: JobKind, ref_id: int | None, due_at: datetime, dedupe_key: str, payload: dict[str, Any] | None = None
) -> Job:
    existing = session.execute(select(Job).where(Job.dedupe_key == dedupe_key)).scalar_one_or_none()
    if existing is not None:
        return existing
    job = Job(kind=kind, ref_id=ref_id, due_at=due_at, dedupe_key=dedupe_key, payload=payload or {})
    session.add(job)
    session.flush()
    return job


def cancel(session: Session, kind: JobKind, ref_id: int) -> None:
    session.execute(
        update(Job).where(Job.kind == kind, Job.ref_id == ref_id, Job.status == "pending").values(status="cancelled")
    )


def run_due(engine: Engine, settings: Settings, now: datetime | None = None, limit: int = 50) -> int:
    """Claim and run due jobs; returns how many completed."""

    now = now or utcnow()
    done = 0
    # A job may schedule another that is already due (a completion plans its survey, which may be
    # due by `now`): claim again, a bounded number of rounds, so the chain runs in one tick.
    for _ in range(CHAIN_ROUNDS):
        with Session(engine, expire_on_commit=False) as session:
            claimed = claim_jobs(session, now, limit, settings.worker.lease_seconds)
        if not claimed:
            break
        done += _run(engine, settings, claimed, now)
    return done


def _run(engine: Engine, settings: Settings, claimed: list[Job], now: datetime) -> int:
    done = 0
    for job in claimed:
        fn = REGISTRY.jobs.get(job.kind)
        try:
            with Session(engine, expire_on_commit=False) as session:
                if fn is None:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
                fn(session, settings, job, now)
                # Only if still ours: a lease that ran out may have passed it to another worker.
                res = session.execute(
                    update(Job)
                    .where(Job.id == job.id, Job.claim_token == job.claim_token)
                    .values(status="done", done_at=utcnow(), claim_token=None, lease_until=None)
                )
                if res.rowcount != 1:
                    session.rollback()
                    continue
                session.commit()
                done += 1
        except Exception as exc:
            log.exception("job #%s (%s) failed", job.id, job.kind)
            status = "failed" if job.attempts >= MAX_ATTEMPTS else "pending"
            with Session(engine) as session:
                session.execute(
                    update(Job)
                    .where(Job.id == job.id, Job.claim_token == job.claim_token)
                    .values(
                        status=status,
                        last_error=f"{type(exc).__name__}: {exc}",
                        due_at=utcnow() + timedelta(seconds=30 * 2**job.attempts),
                        claim_token=None,
                        lease_until=None,
                    )
                )
                session.commit()
    return done
