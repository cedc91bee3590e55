"""Pending dialogue state per openid, with expiry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from storage.models import Conversation


def get_pending(session: Session, openid: str, now: datetime) -> Conversation | None:
    conv = session.get(Conversation, openid)
    if conv is None or conv.expires_at <= now:
        return None
    return conv


def set_pending(
    session: Session, openid: str, kind: str, state: dict[str, Any], now: datetime, ttl: timedelta
) -> Conversation:
    conv = session.get(Conversation, openid)
    if conv is None:
        conv = Conversation(
            openid=openid, kind=kind, state=state, expires_at=now + ttl, updated_at=now
        )
        session.add(conv)
    else:
        conv.kind, conv.state, conv.expires_at, conv.updated_at = kind, dict(state), now + ttl, now
    session.flush()
    return conv


def clear(session: Session, openid: str) -> None:
    conv = session.get(Conversation, openid)
    if conv is not None:
        session.delete(conv)
        session.flush()
