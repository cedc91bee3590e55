"""A WeChat user tag per building, so a building's notice can go out as one mass send.

Every API call is an outbox row and every answer comes back through an on_result hook, so the
webhook never waits on WeChat and a crash mid-way loses nothing: the notice's send step (a job)
calls `prepare` again and again until the tags exist and the building's residents carry them.

  1. tags/get (one look-up) fills in the ids of tags that already exist by name;
  2. tags/create makes the missing ones;
  3. tags/members/batchtagging (50 openids a call, WeChat's limit) puts each resident of the
     building on its tag -- again for every notice, because people move, bind, and lose their
     tags when they unfollow; tagging someone already tagged is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from bot.config import Settings
from bot.outbound import outbox
from bot.outbound.registry import Outcome, RefKind, Registry
from storage.clock import utcnow
from storage.models import Outbox, WeChatTag

TAGS_GET = "tags/get"
TAGS_CREATE = "tags/create"
TAGS_TAGGING = "tags/members/batchtagging"
BATCH = 50  # openids per batchtagging call
NAME_TAKEN = 45157  # "invalid tag name": also what WeChat answers when the name exists
BAD_TAG_ID = 45159  # deleted in the WeChat console since we looked it up


@dataclass
class Readiness:
    """`tags` once every building's tag exists and its members are tagged; `failed` means mass
    send can't be used this time (the notice then goes out per person)."""

    tags: dict[str, int] | None = None
    failed: str = ""


def _row(session: Session, settings: Settings, building: str) -> WeChatTag:
    tag = session.execute(select(WeChatTag).where(WeChatTag.building == building)).scalar_one_or_none()
    if tag is None:
        tag = WeChatTag(building=building, name=settings.notice.tag_name.replace("{building}", building))
        session.add(tag)
        session.flush()
    return tag


def _in_flight(session: Session, ref_kind: str) -> bool:
    return session.execute(
        select(Outbox.id).where(Outbox.ref_kind == ref_kind, Outbox.status.in_(("pending", "sending"))).limit(1)
    ).first() is not None


def reset_failures(session: Session, buildings: tuple[str, ...]) -> None:
    """A new notice tries the API again, whatever went wrong last time."""
    for tag in session.execute(select(WeChatTag).where(WeChatTag.building.in_(buildings), WeChatTag.state == "failed")).scalars():
        tag.tag_id, tag.state, tag.error = None, "unknown", None


def prepare(
    session: Session, settings: Settings, notice_id: int, members: dict[str, list[str]]
) -> Readiness:
    """One step towards "every building in `members` has a tag with these openids on it"."""
    tags = {b: _row(session, settings, b) for b in members}
    failed = [t for t in tags.values() if t.state == "failed"]
    if failed:
        return Readiness(failed="; ".join(f"{t.name}: {t.error}" for t in failed))
    unknown = [t for t in tags.values() if t.tag_id is None]
    if unknown:
        if any(t.state == "unknown" for t in unknown) and not _in_flight(session, "wechat_tags"):
            outbox.enqueue(session, kind="api", endpoint=TAGS_GET, body={}, method="get",
                           dedupe_key=f"tags:get:{notice_id}:{utcnow().timestamp()}", ref=(RefKind.WECHAT_TAGS, 0))
        for t in unknown:
            if t.state == "missing":
                outbox.enqueue(session, kind="api", endpoint=TAGS_CREATE, body={"tag": {"name": t.name}},
                               dedupe_key=f"tags:create:{t.building}:{notice_id}", ref=(RefKind.WECHAT_TAG, t.id or 0))
        return Readiness()
    # Tags exist: put this notice's recipients on them (once per notice, by the dedupe keys).
    keys = []
    for building, openids in members.items():
        tag = tags[building]
        for k in range(0, len(openids), BATCH):
            key = f"notice:{notice_id}:tagging:{building}:{k // BATCH}"
            keys.append(key)
            outbox.enqueue(session, kind="api", endpoint=TAGS_TAGGING,
                           body={"tagid": tag.tag_id, "openid_list": openids[k : k + BATCH]},
                           dedupe_key=key, ref=(RefKind.WECHAT_TAG_MEMBERS, tag.id or 0))
    if keys:
        statuses = [s for (s,) in session.execute(select(Outbox.status).where(Outbox.dedupe_key.in_(keys))).all()]
        if "dead" in statuses:
            return Readiness(failed="tagging members failed")
        if any(s != "sent" for s in statuses):
            return Readiness()
    return Readiness(tags={b: t.tag_id for b, t in tags.items() if t.tag_id is not None})


# ---------------------------------------------------------------- WeChat's answers


def _looked_up(session: Session, row: Outbox, outcome: Outcome) -> None:
    waiting = list(session.execute(select(WeChatTag).where(WeChatTag.tag_id.is_(None))).scalars())
    if outcome.status != "sent":
        for t in waiting:
            t.state, t.error = "failed", outcome.error
        return
    result: dict[str, Any] = outcome.result or {}
    by_name = {str(t.get("name")): int(t["id"]) for t in result.get("tags", []) if "id" in t}
    for t in waiting:
        if t.name in by_name:
            t.tag_id, t.state = by_name[t.name], "ok"
        else:
            t.state = "missing"
        t.updated_at = utcnow()


def _created(session: Session, row: Outbox, outcome: Outcome) -> None:
    tag = session.get(WeChatTag, row.ref_id)
    if tag is None:
        return
    tag.updated_at = utcnow()
    if outcome.status == "sent":
        tag.tag_id, tag.state, tag.error = int((outcome.result or {}).get("tag", {}).get("id")), "ok", None
    elif outcome.errcode == NAME_TAKEN:
        tag.state = "unknown"  # someone else created it meanwhile: look it up again
    else:
        tag.state, tag.error = "failed", outcome.error


def _tagged(session: Session, row: Outbox, outcome: Outcome) -> None:
    tag = session.get(WeChatTag, row.ref_id)
    if tag is not None and outcome.status == "dead" and outcome.errcode == BAD_TAG_ID:
        # Deleted in the console: forget the id so that the next notice looks it up or recreates it.
        tag.tag_id, tag.state, tag.updated_at = None, "unknown", utcnow()


def install(registry: Registry) -> None:
    registry.on_result(RefKind.WECHAT_TAGS, _looked_up)
    registry.on_result(RefKind.WECHAT_TAG, _created)
    registry.on_result(RefKind.WECHAT_TAG_MEMBERS, _tagged)
