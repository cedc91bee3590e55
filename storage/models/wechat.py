"""The WeChat edge: each delivery received (exactly-once intake) and the building tags kept on WeChat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class InboundMessage(SQLModel, table=True):
    """One delivery from WeChat; the unique key is what makes WeChat's retries harmless."""

    __tablename__ = "inbound_messages"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=160, unique=True)
    openid: str = Field(max_length=64, index=True)
    msg_type: str = Field(max_length=32)
    event: str = Field(default="", max_length=64)
    content: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default="processing", max_length=16)  # processing | done
    # The plaintext reply XML (or "success"), replayed to retries of the same delivery.
    reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None
    # Who is handling it and until when: a claim whose holder died (kill -9) runs out and a
    # retry of the same delivery takes it over; the holder's commit checks the token is still its.
    claim_token: str | None = Field(default=None, max_length=32)
    lease_until: datetime | None = None
    attempts: int = Field(default=1)


class SeenNonce(SQLModel, table=True):
    """A signed URL (timestamp + nonce) and the body it came with: in plain mode the signature
    does not cover the body, so the same URL with another body is a forgery."""

    __tablename__ = "seen_nonces"

    nonce: str = Field(primary_key=True, max_length=64)
    timestamp: str = Field(primary_key=True, max_length=16)
    body_sha256: str = Field(max_length=64)
    seen_at: datetime = Field(default_factory=utcnow, index=True)


class WeChatTag(SQLModel, table=True):
    """The WeChat user tag kept for one building, so a notice can go out as one mass send."""

    __tablename__ = "wechat_tags"

    id: int | None = Field(default=None, primary_key=True)
    building: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=30)
    tag_id: int | None = None
    # ok | missing (looked up, not found: create it) | failed (the API refused; send per person)
    state: str = Field(default="unknown", max_length=16)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow)


class MediaFile(SQLModel, table=True):
    """A photo a person sent, kept by us: WeChat deletes media after 3 days and a PicUrl is not
    meant to last. `name` is an unguessable handle, decided when the message arrives, so that a
    card pushed before the download finishes can already link to it."""

    __tablename__ = "media_files"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    openid: str = Field(max_length=64, index=True)
    media_id: str = Field(max_length=160, unique=True)
    pic_url: str = Field(default="", max_length=500, index=True)
    status: str = Field(default="pending", max_length=16)  # pending | stored | failed
    path: str = Field(default="", max_length=500)  # under [media] dir
    content_type: str = Field(default="", max_length=64)
    size: int = Field(default=0)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = Field(default_factory=utcnow)
    stored_at: datetime | None = None
