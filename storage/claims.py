"""Claiming due rows so that several worker processes never take the same one.

One UPDATE marks a batch as ours with a fresh token; on PostgreSQL the batch is chosen with
`FOR UPDATE SKIP LOCKED`, on SQLite the UPDATE itself holds the database's write lock.
Rows whose lease ran out (their worker crashed mid-way) are due again.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, or_, select, update
from sqlmodel import Session

from storage.models import Job, Outbox

Row = TypeVar("Row", Outbox, Job)


def _claim(session: Session, model: type[Row], due_col: Any, now: datetime, limit: int, lease_seconds: int) -> list[Row]:
    token = uuid.uuid4().hex
    due = or_(
        and_(model.status == "pending", due_col <= now),
        and_(model.status.in_(("sending", "running")), model.lease_until < now),
    )
    batch = select(model.id).where(due).order_by(due_col, model.id).limit(limit).with_for_update(skip_locked=True)
    running = "sending" if model is Outbox else "running"
    session.execute(
        update(model)
        .where(model.id.in_(batch))
        .where(due)
        .values(
            status=running,
            claim_token=token,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=model.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return list(session.execute(select(model).where(model.claim_token == token).order_by(model.id)).scalars())


def claim_outbox(session: Session, now: datetime, limit: int, lease_seconds: int) -> list[Outbox]:
    return _claim(session, Outbox, Outbox.next_attempt_at, now, limit, lease_seconds)


def claim_jobs(session: Session, now: datetime, limit: int, lease_seconds: int) -> list[Job]:
    return _claim(session, Job, Job.due_at, now, limit, lease_seconds)
