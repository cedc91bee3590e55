"""One-time sign-in links: issued to staff, supervisors and managers, used once, short-lived.

The token is shown once (in the URL); the database keeps only its SHA-256, so reading the table
signs nobody in. No Flask here: the CLI and the chat issue links too."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from bot.config import Settings
from storage import people
from storage.models import ConsoleLink, Person

CONSOLE_ROLES = ("staff", "supervisor", "manager")
ROLE_LABEL = {"resident": "住户", "staff": "员工", "supervisor": "主管", "manager": "经理"}


class Refused(Exception):
    """This openid may not have a console link; the message says why (English, for the CLI)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()



def may_sign_in(person: Person | None) -> bool:
    return person is not None and person.active and person.role in CONSOLE_ROLES


def base_url(settings: Settings) -> str:
    if settings.console.base_url:
        return settings.console.base_url
    return f"http://{settings.server.host}:{settings.server.port}"


def issue(session: Session, settings: Settings, person: Person, now: datetime) -> str:
    """A fresh sign-in URL for this person (checked by the caller with `may_sign_in`)."""
    token = secrets.token_urlsafe(32)
    session.add(ConsoleLink(token_hash=_hash(token), person_id=person.id, created_at=now,
                            expires_at=now + timedelta(minutes=settings.console.link_minutes)))
    session.flush()
    return f"{base_url(settings)}/console/login?token={token}"


def issue_for_openid(session: Session, settings: Settings, openid: str, now: datetime) -> str:
    person = people.by_openid(session, openid)
    if person is None:
        raise Refused(f"{openid} is not known; add staff with `wuye staff add` first")
    if not may_sign_in(person):
        what = "inactive" if not person.active else f"a {person.role}"
        raise Refused(f"{openid} is {what}; only active staff, supervisors and managers may use the console")
    return issue(session, settings, person, now)


def peek(session: Session, token: str, now: datetime) -> tuple[Person | None, str]:
    """Who a link would sign in, without using it: (person, "") or (None, reason)."""
    link = session.execute(select(ConsoleLink).where(ConsoleLink.token_hash == _hash(token))).scalar_one_or_none()
    if link is None:
        return None, "unknown"
    if link.used_at is not None:
        return None, "used"
    if link.expires_at <= now:
        return None, "expired"
    person = session.get(Person, link.person_id)
    if not may_sign_in(person):
        return None, "role"
    return person, ""


def redeem(session: Session, token: str, now: datetime) -> tuple[Person | None, str]:
    """Use a link: the person it signs in, or (None, reason). The UPDATE … WHERE used_at IS NULL
    makes two concurrent uses of one link end with one sign-in."""
    person, reason = peek(session, token, now)
    if person is None:
        return None, reason
    done = session.execute(
        update(ConsoleLink).where(ConsoleLink.token_hash == _hash(token), ConsoleLink.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return None, "used"
    return person, ""
