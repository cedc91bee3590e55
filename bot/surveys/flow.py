"""回访: the satisfaction callback after a ticket is done, and service recovery after a poor score.

Every step is a due row (jobs) and every message an outbox row with a dedupe key, so a survey is
sent once per completion however many workers run, across restarts and crashes mid-send.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from bot.config import Settings, parse_hours
from bot.outbound import jobs, notify
from bot.outbound.registry import JobKind
from bot.tickets import flow as ticket_flow
from bot.tickets import office_hours, routing
from bot.tickets.status import Status, kind_label, status_label
from replies import label, render
from storage import tickets as store
from storage.models import Job, Person, Survey, Ticket

OPEN = ("sent", "reminded")


def in_quiet_hours(settings: Settings, when: datetime) -> bool:
    if not settings.survey.quiet_hours.strip():
        return False
    start, end = parse_hours(settings.survey.quiet_hours)
    t = ticket_flow.local(settings, when)
    minute = t.hour * 60 + t.minute
    return start <= minute < end if start <= end else (minute >= start or minute < end)


def out_of_quiet_hours(settings: Settings, when: datetime) -> datetime:
    """`when`, or the end of the quiet hours it falls in (community time zone)."""
    if not in_quiet_hours(settings, when):
        return when
    _, end = parse_hours(settings.survey.quiet_hours)
    t = ticket_flow.local(settings, when)
    end_local = t.replace(hour=end // 60 % 24, minute=end % 60, second=0, microsecond=0)
    if end_local <= t:
        end_local += timedelta(days=1)
    return end_local.astimezone(UTC)


def schedule(session: Session, settings: Settings, ticket: Ticket, now: datetime) -> Survey | None:
    """One survey per completion (ticket, round); called in the transaction that completes it."""
    settings = ticket_flow.scoped(session, settings, ticket)
    if ticket.kind not in ("repair", "complaint") or ticket.reporter_id is None:
        return None
    existing = session.execute(
        select(Survey).where(Survey.ticket_id == ticket.id, Survey.round == ticket.reopen_count)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    due = out_of_quiet_hours(settings, now + timedelta(minutes=settings.survey.delay_minutes))
    survey = Survey(ticket_id=ticket.id, community_id=ticket.community_id, round=ticket.reopen_count, person_id=ticket.reporter_id, due_at=due, created_at=now)
    session.add(survey)
    session.flush()
    jobs.schedule(session, JobKind.SURVEY_SEND, survey.id, due, f"survey_send:{survey.id}")
    return survey


def schedule_after_done(session: Session, settings: Settings, job: Job, now: datetime) -> None:
    """The job a completion writes: the survey is due `delay_minutes` after the work was done."""
    ticket = session.get(Ticket, job.ref_id)
    if ticket is None or ticket.status != Status.DONE or ticket.reopen_count != job.payload.get("round", 0):
        return  # reopened or cancelled before the survey was planned
    schedule(session, settings, ticket, ticket.done_at or now)


def open_for(session: Session, person: Person, now: datetime) -> Survey | None:
    rows = session.execute(
        select(Survey).where(Survey.person_id == person.id, Survey.status.in_(OPEN)).order_by(Survey.sent_at.desc())
    ).scalars()
    for survey in rows:
        if survey.expires_at is None or survey.expires_at > now:
            return survey
    return None


def cancel_open(session: Session, ticket: Ticket) -> None:
    for survey in session.execute(
        select(Survey).where(Survey.ticket_id == ticket.id, Survey.status.in_(("scheduled", *OPEN)))
    ).scalars():
        survey.status = "cancelled"


GIST_CHARS = 20


def _gist(description: str) -> str:
    """The first clause of what the resident said, whole; a long one cut with an ellipsis."""
    first = re.split(r"[，,。.!！?？;；\s]+", description.strip())[0] or description.strip()
    return first if len(first) <= GIST_CHARS else first[:GIST_CHARS] + "…"


def _ask_text(session: Session, settings: Settings, ticket: Ticket) -> str:
    settings = ticket_flow.scoped(session, settings, ticket)
    done = ticket_flow.local(settings, ticket.done_at).strftime("%m月%d日%H:%M") if ticket.done_at else label("survey_done_recently")
    what = ticket.category if ticket.kind == "repair" else _gist(ticket.description)
    return render("survey_ask", settings.community, kind=kind_label(ticket.kind), number=ticket.number,
                  what=what, done=done)


# ---------------------------------------------------------------- worker steps


def send(session: Session, settings: Settings, job: Job, now: datetime) -> None:
    survey = session.get(Survey, job.ref_id)
    if survey is None or survey.status != "scheduled":
        return
    ticket = session.get(Ticket, survey.ticket_id)
    if ticket is None or ticket.status != Status.DONE or ticket.reopen_count != survey.round:
        survey.status = "cancelled"
        return
    settings = ticket_flow.scoped(session, settings, ticket)
    if in_quiet_hours(settings, now):
        # The worker was down until the quiet hours began: wait for the morning.
        later = out_of_quiet_hours(settings, now)
        jobs.schedule(session, JobKind.SURVEY_SEND, survey.id, later, f"survey_send:{survey.id}:{later:%Y%m%d%H%M}")
        return
    person = session.get(Person, survey.person_id) if survey.person_id else None
    text = _ask_text(session, settings, ticket)
    row = notify.to_resident(session, settings, person, text, now, title=render("survey_template_title", settings.community),
                             number=ticket.number, status=status_label(Status.DONE), dedupe_key=f"survey:{survey.id}")
    if row is None:  # unfollowed or unknown: nobody to ask
        survey.status = "expired"
        return
    survey.status, survey.sent_at, survey.via = "sent", now, row.kind
    survey.expires_at = now + timedelta(hours=settings.survey.expire_after_hours)
    remind_at = out_of_quiet_hours(settings, now + timedelta(hours=settings.survey.remind_after_hours))
    jobs.schedule(session, JobKind.SURVEY_REMIND, survey.id, remind_at, f"survey_remind:{survey.id}")
    jobs.schedule(session, JobKind.SURVEY_EXPIRE, survey.id, survey.expires_at, f"survey_expire:{survey.id}")
    store.add_event(session, ticket, "survey_sent", None, now, row.kind)


def remind(session: Session, settings: Settings, job: Job, now: datetime) -> None:
    survey = session.get(Survey, job.ref_id)
    if survey is None or survey.status != "sent":
        return
    if survey.expires_at is not None and survey.expires_at <= now:
        return
    ticket = session.get(Ticket, survey.ticket_id)
    person = session.get(Person, survey.person_id) if survey.person_id else None
    assert ticket is not None
    settings = ticket_flow.scoped(session, settings, ticket)
    notify.to_resident(session, settings, person, render("survey_remind", settings.community, number=ticket.number),
                       now, title=render("survey_template_title", settings.community), number=ticket.number,
                       status=label("survey_status_unrated"), dedupe_key=f"survey_remind:{survey.id}")
    survey.status, survey.reminded_at = "reminded", now


def expire(session: Session, settings: Settings, job: Job, now: datetime) -> None:
    survey = session.get(Survey, job.ref_id)
    if survey is not None and survey.status in OPEN:
        survey.status = "expired"


def recovery_check(session: Session, settings: Settings, job: Job, now: datetime) -> None:
    survey = session.get(Survey, job.ref_id)
    if survey is None or survey.recovery_done_at is not None:
        return
    ticket = session.get(Ticket, survey.ticket_id)
    assert ticket is not None
    settings = ticket_flow.scoped(session, settings, ticket)
    owner = session.get(Person, survey.recovery_owner_id) if survey.recovery_owner_id else None
    due = ticket_flow.local(settings, survey.recovery_due_at or now).strftime("%H:%M")
    text = render("recovery_overdue", settings.community, number=ticket.number, due=due,
                  owner=ticket_flow.person_label(owner))
    for manager in routing.managers(session, ticket.community_id):
        notify.to_staff(session, settings, manager, text, dedupe_key=f"recovery_overdue:{survey.id}:{manager.id}",
                        now=now)
    store.add_event(session, ticket, "recovery_overdue", None, now)


# ---------------------------------------------------------------- answers


def answer(session: Session, settings: Settings, survey: Survey, person: Person, rating: int, comment: str,
           now: datetime) -> str:
    ticket = session.get(Ticket, survey.ticket_id)
    assert ticket is not None
    settings = ticket_flow.scoped(session, settings, ticket)
    survey.rating, survey.comment, survey.answered_at, survey.status = rating, comment, now, "answered"
    store.add_event(session, ticket, "rated", person, now, f"{rating}分 {comment}".strip())
    assignee = session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
    if rating >= 5:
        return render("survey_thanks_5", settings.community, assignee=ticket_flow.person_label(assignee))
    if rating >= 3:
        return render(f"survey_thanks_{rating}", settings.community, rating=rating)
    return _recover(session, settings, survey, ticket, person, rating, comment, now)


def add_comment(session: Session, settings: Settings, survey: Survey, person: Person, text: str, now: datetime) -> None:
    """More words after the rating: kept with it, and passed on to whoever calls back."""
    survey.comment = f"{survey.comment}；{text}" if survey.comment else text
    ticket = session.get(Ticket, survey.ticket_id)
    assert ticket is not None
    settings = ticket_flow.scoped(session, settings, ticket)
    store.add_event(session, ticket, "survey_comment", person, now, text)
    owner = session.get(Person, survey.recovery_owner_id) if survey.recovery_owner_id else None
    if owner is not None and survey.recovery_done_at is None:
        notify.to_staff(session, settings, owner, render("recovery_comment_push", settings.community,
                                                         number=ticket.number, comment=text))


def _recover(session: Session, settings: Settings, survey: Survey, ticket: Ticket, person: Person, rating: int,
             comment: str, now: datetime) -> str:
    """补救: the supervisor is pushed at once, the resident told who calls back by when, and the
    call-back itself has a due time with an escalation if missed."""
    settings = ticket_flow.scoped(session, settings, ticket)
    owners = (routing.supervisors(session, ticket.category, ticket.building, ticket.community_id)
              or routing.managers(session, ticket.community_id))
    owner = owners[0] if owners else None
    # the call-back is promised in desk hours: a low score at 02:30 is called back after opening
    due = office_hours.within_hours(settings, now, settings.survey.recovery_hours)
    survey.recovery_owner_id, survey.recovery_due_at = (owner.id if owner else None), due
    due_label = office_hours.when_label(settings, due, now)
    store.add_event(session, ticket, "low_score", person, now, f"{rating}分，回访人 {ticket_flow.person_label(owner)}，"
                    f"{due_label}前")
    text = render("recovery_push", settings.community, number=ticket.number, category=ticket.category,
                  place=ticket.place or "-", rating=rating, comment=comment or label("comment_none"),
                  contact=ticket.contact_phone or person.phone or label("contact_none"), due=due_label)
    notify.to_staff(session, settings, owner, text, dedupe_key=f"recovery:{survey.id}", now=now)
    jobs.schedule(session, JobKind.RECOVERY_CHECK, survey.id, due, f"recovery_check:{survey.id}")
    return render("survey_recovery", settings.community, owner=ticket_flow.person_label(owner), due=due_label,
                  phone=(owner.phone if owner and owner.phone else settings.community.hotline))


def mark_recovered(session: Session, settings: Settings, ticket: Ticket, actor: Person, note: str, now: datetime) -> str:
    settings = ticket_flow.scoped(session, settings, ticket)
    survey = session.execute(
        select(Survey).where(Survey.ticket_id == ticket.id, Survey.recovery_due_at.is_not(None),
                             Survey.recovery_done_at.is_(None)).order_by(Survey.id.desc())
    ).scalars().first()
    if survey is None:
        return render("recovery_not_needed", settings.community, number=ticket.number)
    survey.recovery_done_at = now
    store.add_event(session, ticket, "recovered", actor, now, note)
    return render("recovery_done", settings.community, number=ticket.number)


def reopen(session: Session, settings: Settings, ticket: Ticket, person: Person, text: str, now: datetime) -> str:
    """“没修好”: back to the same assignee at once, without waiting for the survey."""
    settings = ticket_flow.scoped(session, settings, ticket)
    cancel_open(session, ticket)
    ticket.status, ticket.reopen_count, ticket.updated_at = Status.OPEN, ticket.reopen_count + 1, now
    ticket.accepted_at = ticket.arrived_at = ticket.done_at = None
    store.add_event(session, ticket, "reopened", person, now, text)
    assignee = session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
    values = ticket_flow.card_values(session, settings, ticket)
    card = render("staff_card", settings.community, **values)
    notify.to_staff(session, settings, assignee, render("reopen_push", settings.community, number=ticket.number,
                                                        text=text, card=card), card=values, now=now)
    ticket_flow.schedule_escalations(session, settings, ticket, now, round_=ticket.reopen_count)
    return render("reopened", settings.community, number=ticket.number, assignee=ticket_flow.person_label(assignee))


def recently_done(session: Session, settings: Settings, person: Person, now: datetime) -> list[Ticket]:
    """The person's repairs done in the last `reopen_within_days`, newest first."""
    since = now - timedelta(days=settings.survey.reopen_within_days)
    return list(session.execute(
        select(Ticket).where(Ticket.reporter_id == person.id, Ticket.status == "done", Ticket.done_at >= since)
        .where(Ticket.kind == "repair").order_by(Ticket.done_at.desc())
    ).scalars())
