"""Sending a notice (the `notice_send` job), recording what happened to each copy (outbox result
hooks), and WeChat's job-finish reports (TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH).

How a notice goes out:
- `[notice] use_mass_send` on, audience all: one mass send to every follower (is_to_all).
- mass send on, audience buildings: one mass send per building tag (`bot.wechat_tags` keeps the
  tags); the job looks again every `tag_wait_seconds` until the tags are ready.
- otherwise, and for staff: one message per recipient through the outbox, planned by
  bot/outbound/planner.py like every other push -- the notice template when configured, else a
  customer-service text while the person's window allows (counted with their other pushes), else
  the copy fails at once saying why -- paced at `[notice] per_minute`.
Each recipient has a `NoticeDelivery` row from the start: pending, then sent or failed (with
WeChat's errcode), or unsubscribed when they no longer follow the account.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlmodel import Session

from bot.communities.scope import settings_for
from bot.config import Settings
from bot.notices import compose as notices
from bot.outbound import jobs, outbox, planner, templates
from bot.outbound.registry import JobKind, Outcome, RefKind
from bot.wechat import tags as wechat_tags
from storage import communities
from storage.clock import utcnow
from storage.models import Job, Notice, NoticeBatch, NoticeDelivery, Outbox

log = logging.getLogger("wuye.notices")

TEMPLATE_OK = "success"


def _create_deliveries(session: Session, notice: Notice, now: datetime) -> None:
    """One row per recipient, once (a later round of the same job finds them there)."""
    exists = session.execute(select(NoticeDelivery.id).where(NoticeDelivery.notice_id == notice.id).limit(1)).first()
    if exists:
        return
    p = notices.plan(session, notices.audience_of(notice))
    rows = [
        {"notice_id": notice.id, "person_id": person.id, "openid": person.openid or "", "building": building,
         "status": "pending", "updated_at": now}
        for person, building in p.reachable
    ] + [
        {"notice_id": notice.id, "person_id": person.id, "openid": person.openid or "", "building": building,
         "status": "unsubscribed", "updated_at": now}
        for person, building in p.unsubscribed
    ]
    if rows:
        session.execute(insert(NoticeDelivery), rows)
    notice.recipients = p.count


def _pending(session: Session, notice_id: int, unbatched_only: bool = True) -> list[NoticeDelivery]:
    q = select(NoticeDelivery).where(NoticeDelivery.notice_id == notice_id, NoticeDelivery.status == "pending")
    if unbatched_only:
        q = q.where(NoticeDelivery.batch_id.is_(None))
    return list(session.execute(q.order_by(NoticeDelivery.id)).scalars())


def pace(settings: Settings, start: datetime, i: int) -> datetime:
    """When the i-th message of a notice is due: `per_minute` of them a minute, from `start`."""
    per_minute = settings.notice.per_minute
    return start if per_minute <= 0 else start + timedelta(seconds=i * 60.0 / per_minute)


def _enqueue_each(session: Session, base: Settings, notice: Notice, deliveries: list[NoticeDelivery],
                  now: datetime, round_: int = 0) -> str:
    """One outbox row per recipient, paced; returns how they go (template | text)."""
    settings = settings_for(session, base, notice.community_id)  # its community's name and phones
    cfg = settings.notice
    text = notices.message_text(settings, notice)
    c = settings.community
    values = {
        "title": notice.title, "body": notice.body, "date": notice.send_at or now,
        "until": notice.until or "", "time": now, "community": c.name, "company": c.company,
        "hotline": c.hotline, "duty_phone": c.duty_phone,
    }
    data = templates.render(cfg.template_fields, values, c.tz)
    template = planner.Template(cfg.template_id, data) if cfg.template_id else None
    # The planner's rules, as for every push: the notice template when there is one; else a
    # customer-service text only to those whose window still allows one (counted with every
    # other push to them); else the copy fails at once, saying why.
    recipients = [
        planner.Recipient(d.openid, pace(settings, now, i), (RefKind.NOTICE_DELIVERY, d.id or 0),
                          f"notice:{notice.id}:d:{d.id}:r{round_}")
        for i, d in enumerate(deliveries)
    ]
    rows = planner.send_many(session, recipients, text, now, template=template, prefer_template=True,
                             missing="[notice] template_id is empty")
    for d, row in zip(deliveries, rows, strict=True):
        d.via, d.updated_at = row.kind, now
        if row.status == "dead":
            d.status, d.errcode, d.error = "failed", None, row.last_error
    return "template" if template is not None else "text"


def _mass(session: Session, notice: Notice, tags: dict[str, int] | None, now: datetime) -> None:
    """One mass send per building tag (or one to everyone), recorded as batches."""
    content = f"【{notice.title}】\n{notice.body}"
    targets: list[tuple[str, int | None]] = [("", None)] if tags is None else sorted(tags.items())
    for building, tag_id in targets:
        batch = NoticeBatch(notice_id=notice.id, building=building, tag_id=tag_id, created_at=now)  # type: ignore[arg-type]
        session.add(batch)
        session.flush()
        q = update(NoticeDelivery).where(NoticeDelivery.notice_id == notice.id, NoticeDelivery.status == "pending")
        if building:
            q = q.where(NoticeDelivery.building == building)
        session.execute(q.values(batch_id=batch.id, via="mass", updated_at=now))
        outbox.enqueue_mass_text_by_tag(
            session, tag_id, content, dedupe_key=f"notice:{notice.id}:mass:{building or 'all'}",
            ref=(RefKind.NOTICE_BATCH, batch.id or 0), client_msg_id=f"wuye-notice-{notice.id}-{building or 'all'}",
        )


def send(session: Session, settings: Settings, job: Job, now: datetime) -> None:
    notice = session.get(Notice, job.ref_id)
    if notice is None or notice.status not in ("scheduled", "tagging"):
        return  # cancelled, or already on its way
    first = notice.status == "scheduled"
    _create_deliveries(session, notice, now)
    audience = notices.audience_of(notice)
    round_ = int(job.payload.get("round", 0))
    # WeChat's mass send goes to everyone or to a building tag of the whole account: one
    # community's notice, when there are several, goes per person.
    mass = settings.notice.use_mass_send and (audience.community_id is None or communities.count(session) < 2)
    if mass and audience.kind == "all":
        notice.via, notice.status, notice.sent_at = "mass", "sending", now
        _mass(session, notice, None, now)
        return
    if mass and audience.kind == "buildings":
        if first:
            wechat_tags.reset_failures(session, audience.buildings)
        members: dict[str, list[str]] = {b: [] for b in audience.buildings}
        for d in _pending(session, notice.id or 0):
            members.setdefault(d.building, []).append(d.openid)
        ready = wechat_tags.prepare(session, settings, notice.id or 0, {b: m for b, m in members.items() if m})
        if ready.tags is not None:
            notice.via, notice.status, notice.sent_at = "mass", "sending", now
            _mass(session, notice, ready.tags, now)
            return
        if not ready.failed and round_ < settings.notice.tag_wait_rounds:
            notice.status = "tagging"
            due = now + timedelta(seconds=settings.notice.tag_wait_seconds)
            jobs.schedule(session, JobKind.NOTICE_SEND, notice.id, due, f"notice_send:{notice.id}:{round_ + 1}",
                          {"round": round_ + 1})
            return
        log.warning("notice #%s: mass send not possible (%s); sending per person", notice.id,
                    ready.failed or "tags not ready in time")
    pending = _pending(session, notice.id or 0)
    notice.via = _enqueue_each(session, settings, notice, pending, now)
    under_way = any(d.status == "pending" for d in pending)
    notice.status, notice.sent_at = ("sending" if under_way else "sent"), now


def resend_failed(session: Session, settings: Settings, notice: Notice, now: datetime) -> int:
    """Send the failed copies again, one message each (also those of a failed mass send)."""
    failed = list(session.execute(
        select(NoticeDelivery).where(NoticeDelivery.notice_id == notice.id, NoticeDelivery.status == "failed")
        .order_by(NoticeDelivery.id)
    ).scalars())
    by_round: dict[int, list[NoticeDelivery]] = {}
    for d in failed:
        d.resends += 1
        d.status, d.errcode, d.error, d.batch_id, d.msgid = "pending", None, None, None, None
        by_round.setdefault(d.resends, []).append(d)
    for round_, group in by_round.items():
        _enqueue_each(session, settings, notice, group, now, round_)
    if any(d.status == "pending" for d in failed):
        notice.status = "sending"
    return len(failed)


def _settle(session: Session, notice_id: int) -> None:
    """The notice is sent once no copy is waiting any more.

    Copies are delivered in parallel, each result in its own transaction: without the row lock two
    last copies settling at once would each still see the other pending (PostgreSQL reads only what
    is committed) and the notice would stay "sending" for ever. Under the lock the later one waits
    for the earlier commit and then sees it."""
    session.execute(select(Notice.id).where(Notice.id == notice_id).with_for_update())
    left = session.execute(
        select(NoticeDelivery.id).where(NoticeDelivery.notice_id == notice_id, NoticeDelivery.status == "pending").limit(1)
    ).first()
    if left is None:
        session.execute(update(Notice).where(Notice.id == notice_id, Notice.status == "sending").values(status="sent"))


# ---------------------------------------------------------------- outbox results


def delivered(session: Session, row: Outbox, outcome: Outcome) -> None:
    d = session.get(NoticeDelivery, row.ref_id)
    if d is None:
        return
    now = utcnow()
    if outcome.status == "sent":
        msgid = (outcome.result or {}).get("msgid")
        d.status, d.msgid, d.sent_at, d.errcode, d.error = "sent", str(msgid) if msgid else None, now, None, None
    else:
        d.status, d.errcode, d.error = "failed", outcome.errcode, outcome.error
    d.updated_at = now
    session.flush()
    _settle(session, d.notice_id)


def mass_submitted(session: Session, row: Outbox, outcome: Outcome) -> None:
    batch = session.get(NoticeBatch, row.ref_id)
    if batch is None:
        return
    now = utcnow()
    q = update(NoticeDelivery).where(NoticeDelivery.batch_id == batch.id, NoticeDelivery.status == "pending")
    # 45065: this clientmsgid was already sent -- an earlier try got through though its answer was lost.
    if outcome.status == "sent" or outcome.errcode == 45065:
        msg_id = (outcome.result or {}).get("msg_id")
        batch.status, batch.msg_id = "submitted", str(msg_id) if msg_id else None
        session.execute(q.values(status="sent", msgid=batch.msg_id, sent_at=now, updated_at=now))
    else:
        batch.status, batch.result = "failed", (outcome.error or "")[:64]
        session.execute(q.values(status="failed", errcode=outcome.errcode, error=outcome.error, updated_at=now))
    session.flush()
    _settle(session, batch.notice_id)


# ---------------------------------------------------------------- WeChat's job-finish events


def template_finished(session: Session, msg_id: str, status: str, now: datetime) -> bool:
    """TEMPLATESENDJOBFINISH: Status is "success", "failed:user block" or "failed: system failed"."""
    d = session.execute(select(NoticeDelivery).where(NoticeDelivery.msgid == msg_id)).scalars().first()
    if d is None:
        return False  # a ticket card or survey template, not a notice
    if status.strip().lower() == TEMPLATE_OK:
        d.confirmed_at = now
    else:
        d.status, d.error = "failed", f"WeChat: {status}"
    d.updated_at = now
    return True


def mass_finished(session: Session, msg_id: str, status: str, counts: dict[str, int | None], now: datetime) -> bool:
    """MASSSENDJOBFINISH: WeChat's totals for one mass send (it does not say who failed)."""
    batch = session.execute(select(NoticeBatch).where(NoticeBatch.msg_id == msg_id)).scalars().first()
    if batch is None:
        return False
    batch.status, batch.result, batch.finished_at = "finished", status[:64], now
    batch.total_count, batch.sent_count, batch.error_count = counts.get("total"), counts.get("sent"), counts.get("error")
    if status.strip().lower() == "send success" and not batch.error_count:
        session.execute(
            update(NoticeDelivery).where(NoticeDelivery.batch_id == batch.id, NoticeDelivery.status == "sent")
            .values(confirmed_at=now, updated_at=now)
        )
    return True
