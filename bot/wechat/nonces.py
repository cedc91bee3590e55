"""A signed URL is good for one body.

In plain mode WeChat's `signature` covers only token, timestamp and nonce, not the body: anyone
who saw one request URL could post any body under it for as long as the timestamp is fresh.
So the first body seen with a (timestamp, nonce) is remembered; the same URL with the same
body is WeChat's retry (the inbox dedupes it), with another body it is a forgery. Entries
outlive the clock-skew window, after which the timestamp check refuses the URL anyway.
Remembered in Redis when `[redis] url` is set (shared by all processes), else in the database,
in the same transaction as the inbox's claim on the message (`record`): one commit, not two.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.clock import utcnow
from storage.models import SeenNonce


class Replayed(Exception):
    """A signed URL came again with another body."""


@dataclass(frozen=True)
class SignedUrl:
    timestamp: str
    nonce: str
    body_sha256: str

    @classmethod
    def of(cls, timestamp: str, nonce: str, body: bytes) -> SignedUrl:
        return cls(timestamp[:16], nonce[:64], hashlib.sha256(body).hexdigest())


def first_use(
    engine: Engine, redis_client: Any | None, timestamp: str, nonce: str, body: bytes, ttl: int
) -> bool:
    """True if this (timestamp, nonce) is new, or was seen with this same body."""
    url = SignedUrl.of(timestamp, nonce, body)
    if redis_client is not None:
        key = f"wuye:nonce:{timestamp}:{nonce}"
        if redis_client.set(key, url.body_sha256, nx=True, ex=ttl):
            return True
        seen = redis_client.get(key)
        return seen is not None and seen.decode() == url.body_sha256
    with Session(engine) as session:
        fresh = record(session, url)
        session.commit()
        return fresh


def record(session: Session, url: SignedUrl) -> bool:
    """In the caller's transaction: True if the URL is new (now remembered, when the caller
    commits) or was seen with this same body; False for another body."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    added = session.execute(
        dialect.insert(SeenNonce)
        .values(nonce=url.nonce, timestamp=url.timestamp, body_sha256=url.body_sha256, seen_at=utcnow())
        .on_conflict_do_nothing()
    )
    if added.rowcount == 1:
        return True
    seen = session.execute(
        select(SeenNonce.body_sha256).where(SeenNonce.nonce == url.nonce, SeenNonce.timestamp == url.timestamp)
    ).scalar_one_or_none()
    return seen == url.body_sha256
