"""Consent to subscribe messages (订阅通知), per openid and template, shared by every process.

WeChat tells us in events (bot/wechat/subscribe_events.py): a resident who taps 允许 in an H5 page
or an article accepts a template; one who turns it off in 服务通知 settings rejects it. A one-time
consent lets one message through per accept (43101 afterwards); a long-term one any number until
it is turned off. Taking a send is one conditional UPDATE, so two processes can't both use the last.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, update
from sqlmodel import Session

from storage.models import SubscribeConsent

NO_CONSENT = 43101  # WeChat: the user refused, or a one-time consent is used up


def record(session: Session, openid: str, template_id: str, status: str, now: datetime, scene: str = "") -> None:
    """An accept adds one one-time send (and turns a long-term consent on); a reject ends both."""
    row = session.get(SubscribeConsent, (openid, template_id))
    if row is None:
        row = SubscribeConsent(openid=openid, template_id=template_id, status=status, remaining=0, scene=scene,
                               updated_at=now)
        session.add(row)
    row.status, row.updated_at = status, now
    row.scene = scene or row.scene
    row.remaining = row.remaining + 1 if status == "accept" else 0
    session.flush()


def take(session: Session, openid: str, template_id: str, once: bool) -> bool:
    """One send under this person's consent, taken now; False when there is none left."""
    c = SubscribeConsent
    key = and_(c.openid == openid, c.template_id == template_id, c.status == "accept")
    if not once:
        return bool(session.execute(update(c).where(key).values(status="accept")).rowcount)
    return bool(session.execute(update(c).where(key, c.remaining > 0).values(remaining=c.remaining - 1)).rowcount)


def revoke(session: Session, openid: str, template_id: str, now: datetime) -> None:
    """WeChat answered 43101: whatever we counted, there is no consent left."""
    session.execute(
        update(SubscribeConsent)
        .where(SubscribeConsent.openid == openid, SubscribeConsent.template_id == template_id)
        .values(remaining=0, status="reject", updated_at=now)
    )
