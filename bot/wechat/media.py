"""Photos people send, kept: WeChat deletes media after 3 days, so the worker downloads each image
by its MediaId (`media/get`, through the outbox) into `[media] dir`, or an S3-compatible bucket
(bot/wechat/photo_store.py), soon after it arrives."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session
from wechatpy.exceptions import WeChatClientException

from bot.config import Settings
from bot.outbound import outbox
from bot.outbound.registry import Outcome, RefKind, Registry
from bot.wechat import photo_store
from storage.clock import utcnow
from storage.models import MediaFile, Outbox

ROW_KIND = "media_get"
GONE = 40007  # invalid media_id: WeChat no longer has it
EXTENSIONS = {"image/jpeg": ".jpg", "image/jpg": ".jpg", "image/png": ".png", "image/gif": ".gif",
              "image/webp": ".webp", "image/bmp": ".bmp"}


def keep(session: Session, settings: Settings, openid: str, raw: dict[str, Any], now: datetime) -> MediaFile | None:
    """Record an image message and enqueue its download; the same MediaId twice is one file."""
    media_id = str(raw.get("MediaId") or "")
    if not media_id:
        return None
    found = session.execute(select(MediaFile).where(MediaFile.media_id == media_id)).scalar_one_or_none()
    if found is not None:
        return found
    row = MediaFile(name=secrets.token_urlsafe(16), openid=openid, media_id=media_id,
                    pic_url=str(raw.get("PicUrl") or "")[:500], received_at=now)
    session.add(row)
    session.flush()
    fetch = outbox.enqueue(
        session, kind=ROW_KIND, endpoint="media/get", body={"media_id": media_id}, method="get",
        dedupe_key=f"media:{media_id}", ref=(RefKind.MEDIA_FILE, row.id),  # type: ignore[arg-type]
    )
    fetch.payload = {**fetch.payload, **photo_store.spec(settings.media), "name": row.name}
    return row


def for_photos(session: Session, photos: list[str]) -> dict[str, MediaFile]:
    """The kept file of each photo reference (a PicUrl or a MediaId), where there is one."""
    if not photos:
        return {}
    rows = session.execute(
        select(MediaFile).where(or_(MediaFile.pic_url.in_(photos), MediaFile.media_id.in_(photos)))
    ).scalars()
    out: dict[str, MediaFile] = {}
    for m in rows:
        for ref in (m.pic_url, m.media_id):
            if ref in photos:
                out[ref] = m
    return out


def download(client: Any, row: Outbox) -> dict[str, Any]:
    """The outbox sender for `media_get` rows: fetch the file and write it under the media dir."""
    media_id = row.payload["body"]["media_id"]
    try:
        res = client.media.download(media_id)
    except WeChatClientException as exc:
        if exc.errcode == GONE:
            return {"gone": f"{GONE} {exc.errmsg}"}  # retrying can't bring it back
        raise
    if isinstance(res, dict):  # JSON without an errcode: nothing to store
        raise WeChatClientException(None, f"media/get answered JSON, not a file: {str(res)[:200]}", client=client)
    content_type = (res.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    data = res.content
    now = utcnow()
    rel = f"{now:%Y}/{now:%m}/" + row.payload["name"] + EXTENSIONS.get(content_type, ".bin")
    where = dict(row.payload)
    where.setdefault("store", "dir")  # rows written before the store was a choice
    stored = photo_store.put(where, rel, data, content_type)
    return {"path": stored, "size": len(data), "content_type": content_type}


def on_result(session: Session, row: Outbox, outcome: Outcome) -> None:
    media = session.get(MediaFile, row.ref_id)
    if media is None:
        return
    result = outcome.result or {}
    if outcome.status == "sent" and result.get("path"):
        media.status, media.path, media.stored_at = "stored", result["path"], utcnow()
        media.size, media.content_type, media.error = int(result.get("size") or 0), result.get("content_type", ""), None
    else:
        media.status = "failed"
        media.error = result.get("gone") or outcome.error or "download failed"


def read(settings: Settings, media: MediaFile) -> bytes | None:
    """The kept photo's bytes, from whichever store holds it; None when it is gone."""
    return photo_store.read(settings.media, media.path) if media.path else None


def where(settings: Settings, media: MediaFile) -> str:
    """Where the kept photo is, for people: a file path or s3://bucket/key."""
    return photo_store.describe(settings.media, media.path)


def install(registry: Registry) -> None:
    registry.sender(ROW_KIND, download)
    registry.on_result(RefKind.MEDIA_FILE, on_result)
