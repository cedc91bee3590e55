"""Deleting what nobody needs any more, in bounded batches (no long lock on a busy table).

inbound_messages: WeChat's retries come within about 15 s, so dedupe needs minutes; the rows are
kept `[server] inbound_keep_days` for people reading recent traffic, then deleted. A claim still
`processing` that old was abandoned and has no retry coming. seen_nonces: past twice the clock-skew
window the timestamp check refuses the URL anyway.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.models import InboundMessage, SeenNonce

BATCH = 5000


def prune_inbound(engine: Engine, before: datetime) -> int:
    total = 0
    while True:
        with Session(engine) as session:
            ids = select(InboundMessage.id).where(InboundMessage.received_at < before).limit(BATCH)
            res = session.execute(
                delete(InboundMessage).where(InboundMessage.id.in_(ids)).execution_options(synchronize_session=False)
            )
            session.commit()
        n = res.rowcount or 0
        total += n
        if n < BATCH:
            return total


def prune_nonces(engine: Engine, before: datetime) -> int:
    with Session(engine) as session:
        res = session.execute(delete(SeenNonce).where(SeenNonce.seen_at < before))
        session.commit()
        return res.rowcount or 0
