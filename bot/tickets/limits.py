"""How many tickets one resident may open, and when a new report is the one already open.

The same resident reporting the same fault again within `[limits] same_fault_minutes` (same kind
and category, still open) gets that ticket back instead of a second one with a second round of
staff pushes; beyond `[limits] tickets_per_hour` new tickets in an hour, they are asked to call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from bot.config import Settings
from storage.models import Person, Ticket

CLOSED = ("done", "cancelled", "closed")


class TicketLimitReached(Exception):
    """This resident opened `[limits] tickets_per_hour` tickets within the last hour."""


def same_fault(
    session: Session, settings: Settings, reporter: Person | None, kind: str, category: str, now: datetime
) -> Ticket | None:
    if reporter is None or reporter.id is None or kind == "praise":
        return None
    since = now - timedelta(minutes=settings.limits.same_fault_minutes)
    return session.execute(
        select(Ticket)
        .where(
            Ticket.reporter_id == reporter.id, Ticket.kind == kind, Ticket.category == category,
            Ticket.created_at >= since, Ticket.status.not_in(CLOSED),
        )
        .order_by(Ticket.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def check_hourly(session: Session, settings: Settings, reporter: Person | None, now: datetime) -> None:
    if reporter is None or reporter.id is None:
        return
    opened = session.execute(
        select(func.count(Ticket.id)).where(
            Ticket.reporter_id == reporter.id, Ticket.created_at >= now - timedelta(hours=1)
        )
    ).scalar_one()
    if opened >= settings.limits.tickets_per_hour:
        raise TicketLimitReached
