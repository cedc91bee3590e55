"""A signed URL is good for one body.

In plain mode WeChat's `signature` covers only token, timestamp and nonce, not the body: anyone
who saw one request URL could post any body under it for as long as the timestamp is fresh.
So the first body seen with a (timestamp, nonce) is remembered; the same URL with the same
body is WeChat's retry (the inbox dedupes it), with another body it is a forgery. Entries
outlive the clock-skew window, after which the timestamp check refuses the URL anyway.
Remembered in Redis when `[redis] url` is set (shared by all processes), else in the database.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import SeenNonce


def first_use(
    engine: Engine, redis_client: Any | None, timestamp: str, nonce: str, body: bytes, ttl: int
) -> bool:
    """True if this (timestamp, nonce) is new, or was seen with this same body."""
    digest = hashlib.sha256(body).hexdigest()
    if redis_client is not None:
        key = f"wuye:nonce:{timestamp}:{nonce}"
        if redis_client.set(key, digest, nx=True, ex=ttl):
            return True
        seen = redis_client.get(key)
        return seen is not None and seen.decode() == digest
    with Session(engine) as session:
        try:
            session.add(SeenNonce(nonce=nonce[:64], timestamp=timestamp[:16], body_sha256=digest))
            session.commit()
            return True
        except IntegrityError:
            session.rollback()
            seen = session.execute(
                select(SeenNonce.body_sha256).where(
                    SeenNonce.nonce == nonce[:64], SeenNonce.timestamp == timestamp[:16]
                )
            ).scalar_one_or_none()
            return seen == digest

