"""Claiming due rows so that several worker processes never take the same one.

One UPDATE marks a batch as ours with a fresh token; on PostgreSQL the batch is chosen with
`FOR UPDATE SKIP LOCKED`, on SQLite the UPDATE itself holds the database's write lock.
Rows whose lease ran out (their worker crashed mid-way) are due again.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlmodel import Session

from storage.models import Outbox


def claim_outbox(session: Session, now: datetime, limit: int, lease_seconds: int) -> list[Outbox]:
    token = uuid.uuid4().hex
    due = or_(
        and_(Outbox.status == "pending", Outbox.next_attempt_at <= now),
        and_(Outbox.status == "sending", Outbox.lease_until < now),
    )
    batch = (
        select(Outbox.id)
        .where(due)
        .order_by(Outbox.next_attempt_at, Outbox.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    session.execute(
        update(Outbox)
        .where(Outbox.id.in_(batch))
        .where(due)
        .values(
            status="sending",
            claim_token=token,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=Outbox.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    rows = session.exec(select(Outbox).where(Outbox.claim_token == token).order_by(Outbox.id)).all()
    return [r[0] if not isinstance(r, Outbox) else r for r in rows]
