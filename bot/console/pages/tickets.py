"""工单: the list with filters and search, a ticket's detail and timeline, and the moves staff
make in chat (accept, arrive, done, transfer, reopen, 已回访) through the same flow functions and
the same rules: only the assignee or a supervisor moves a ticket, each move from given states."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from sqlalchemy import or_, select
from sqlmodel import Session

from bot.config import REPAIR_CATEGORIES
from bot.console.web import (
    bp,
    community_choices,
    db,
    in_scope,
    me,
    needs,
    now,
    paginate,
    people_names,
    scope,
    services,
    settings,
    show,
)
from bot.notices.compose import parse_local
from bot.surveys import flow as survey_flow
from bot.tickets import flow as ticket_flow
from bot.tickets.escalation import overdue
from bot.tickets.staff_chat import STAFF_ROLES
from bot.tickets.status import Move, allowed, status_label
from bot.wechat import media
from storage import tickets as store
from storage.models import House, Person, Survey, Ticket, TicketEvent

NUMBER = re.compile(r"(?i)(BX|TS|BY|RG)\d{10}")
PHONE = re.compile(r"1[3-9]\d{9}")
EVENT_LABEL = {
    "created": "创建", "assigned": "派单", "accepted": "接单", "arrived": "到场", "done": "完成",
    "cancelled": "取消", "transferred": "转派", "nudged": "催单", "escalated": "超时升级", "followed": "同报",
    "photo": "照片", "proof_photo": "完工照片", "reopened": "返工", "rated": "评价", "low_score": "差评补救",
    "recovered": "已回访", "recovery_overdue": "回访超时", "survey_sent": "发送回访",
}


# What staff do to a ticket from chat (接单/到场/完成/转派), under the same status table.
STAFF_MOVES = (Move.ACCEPT, Move.ARRIVE, Move.DONE, Move.TRANSFER)


def staff_list(s: Session) -> list[Person]:
    return list(s.execute(select(Person).where(Person.role.in_(STAFF_ROLES), Person.active.is_(True))
                          .order_by(Person.role, Person.name)).scalars())


def _filtered(args: Any, communities: list[int] | None = None) -> Any:
    q = select(Ticket)
    if communities is not None:
        q = q.where(Ticket.community_id.in_(communities))
    if args.get("status") == "active":
        q = q.where(Ticket.status.in_(store.OPEN_STATUSES))
    elif args.get("status"):
        q = q.where(Ticket.status == args["status"])
    if args.get("category"):
        q = q.where(Ticket.category == args["category"])
    if args.get("building"):
        q = q.where(Ticket.building == args["building"].strip().removesuffix("栋"))
    if args.get("assignee") == "none":
        q = q.where(Ticket.assignee_id.is_(None))
    elif args.get("assignee", "").isdigit():
        q = q.where(Ticket.assignee_id == int(args["assignee"]))
    for key, op in (("from", "ge"), ("to", "lt")):
        if args.get(key):
            try:
                day = parse_local(settings(), args[key])
            except ValueError:
                continue
            q = q.where(Ticket.created_at >= day) if op == "ge" else q.where(Ticket.created_at < day + timedelta(days=1))
    text = (args.get("q") or "").strip()
    if text:
        # A ticket number or a phone number is matched as such (one indexed or narrow test);
        # anything else is a room or a place.
        if NUMBER.fullmatch(text):
            q = q.where(Ticket.number == text.upper())
        elif PHONE.fullmatch(text):
            q = q.where(Ticket.contact_phone == text)
        else:
            rooms = select(House.id).where(or_(House.room == text, (House.building + "-" + House.room) == text))
            q = q.where(or_(Ticket.house_id.in_(rooms), Ticket.place.contains(text)))
    return q.order_by(Ticket.created_at.desc(), Ticket.id.desc())


@bp.get("/tickets")
@needs("staff")
def tickets() -> Any:
    with Session(services().engine) as s:
        page = paginate(s, _filtered(request.args, scope(s)))
        names = people_names(s, {t.assignee_id for t in page.items})
        staff = staff_list(s)
        places = community_choices(s)
    t_now = now()
    late = {t.id: overdue(settings(), t, t_now) for t in page.items}
    return show("tickets.html", page=page, names=names, staff=staff, late=late, args=request.args,
                  categories=(*REPAIR_CATEGORIES, "投诉", "人工"), places=places)


def _ticket_or_404(s: Session, number: str) -> Ticket:
    ticket = store.by_number(s, number)
    if ticket is None or not in_scope(s, ticket.community_id):  # another community's: not theirs to see
        abort(404)
    return ticket


@bp.get("/tickets/<number>")
@needs("staff")
def ticket_detail(number: str) -> Any:
    with Session(services().engine) as s:
        ticket = _ticket_or_404(s, number)
        events = store.events(s, ticket)
        surveys = list(s.execute(select(Survey).where(Survey.ticket_id == ticket.id).order_by(Survey.round)).scalars())
        ids = {e.actor_id for e in events} | {ticket.assignee_id, ticket.reporter_id} | {v.recovery_owner_id for v in surveys}
        names = people_names(s, ids)
        staff = staff_list(s)
        house = s.get(House, ticket.house_id) if ticket.house_id else None
    person = me()
    may = ticket_flow.may_move(ticket, person)
    actions = {m.value for m in STAFF_MOVES if may and allowed(m, ticket.status)}
    if person.role in ("supervisor", "manager") and allowed(Move.REOPEN, ticket.status) and ticket.kind == "repair":
        actions.add(Move.REOPEN.value)
    open_recovery = any(v.recovery_due_at and not v.recovery_done_at for v in surveys)
    if open_recovery and (person.role in ("supervisor", "manager") or ticket.assignee_id == person.id):
        actions.add("recovered")
    with Session(services().engine) as s:
        kept = media.for_photos(s, list(ticket.photos))
    # Only files we keep, through a route that checks who asks: never WeChat's PicUrl.
    photos = [(ref, kept.get(ref)) for ref in ticket.photos]
    return show("ticket.html", t=ticket, events=events, surveys=surveys, names=names, staff=staff,
                  house=ticket_flow.house_label(house) if house else "", actions=actions,
                  late=overdue(settings(), ticket, now()), event_label=EVENT_LABEL, photos=photos,
                  may_see_photos=may_see_photos(ticket, events, person))


def may_see_photos(ticket: Ticket, events: list[TicketEvent], person: Person) -> bool:
    """Supervisors and managers; staff only on tickets they handle or have handled."""
    if person.role in ("supervisor", "manager"):
        return True
    return person.id is not None and (ticket.assignee_id == person.id or any(e.actor_id == person.id for e in events))


@bp.get("/tickets/<number>/photos/<name>")
@needs("staff")
def ticket_photo(number: str, name: str) -> Any:
    with Session(services().engine) as s:
        ticket = _ticket_or_404(s, number)
        if not may_see_photos(ticket, store.events(s, ticket), me()):
            abort(403)
        row = next((m for m in media.for_photos(s, list(ticket.photos)).values() if m.name == name), None)
    if row is None or row.status != "stored":
        abort(404)
    data = media.read(settings(), row)
    if data is None:
        abort(404)
    res = Response(data, mimetype=row.content_type or "application/octet-stream")
    res.cache_control.max_age = 3600
    res.cache_control.private = True  # a proxy must not hand one person's photo to another
    res.cache_control.public = False
    return res


@bp.post("/tickets/<number>/<action>")
@needs("staff")
def ticket_action(number: str, action: str) -> Any:
    """One move, under the chat's rules; the flash says what happened (the chat's own reply)."""
    if action not in (*(m.value for m in STAFF_MOVES), Move.REOPEN.value, "recovered"):
        abort(404)
    note = request.form.get("note", "").strip()
    with db() as s:
        ticket = _ticket_or_404(s, number)
        actor = s.get(Person, me().id)
        assert actor is not None
        t_now, cfg = now(), settings()
        if action == "recovered":
            if actor.role not in ("supervisor", "manager") and ticket.assignee_id != actor.id:
                abort(403)
            reply = survey_flow.mark_recovered(s, cfg, ticket, actor, note or "已回访", t_now)
        elif action == "reopen":
            if actor.role not in ("supervisor", "manager"):
                abort(403)
            if not allowed(Move.REOPEN, ticket.status):
                flash(f"{ticket.number} 现在是{status_label(ticket.status)}，不能返工", "error")
                return redirect(url_for("console.ticket_detail", number=number))
            reply = survey_flow.reopen(s, cfg, ticket, actor, note or "后台返工", t_now)
        else:
            if not ticket_flow.may_move(ticket, actor):
                abort(403)
            if not allowed(action, ticket.status):
                flash(f"{ticket.number} 现在是{status_label(ticket.status)}，不能这样操作", "error")
                return redirect(url_for("console.ticket_detail", number=number))
            if action == "accept":
                reply = ticket_flow.accept(s, cfg, ticket, actor, t_now)
            elif action == "arrive":
                reply = ticket_flow.arrive(s, cfg, ticket, actor, t_now)
            elif action == "done":
                reply = ticket_flow.finish(s, cfg, ticket, actor, note, t_now)
            else:
                target_id = request.form.get("to", "")
                target = s.get(Person, int(target_id)) if target_id.isdigit() else None
                if target is None or target.role not in STAFF_ROLES or not target.active:
                    flash("请选择要转派给的员工", "error")
                    return redirect(url_for("console.ticket_detail", number=number))
                reply = ticket_flow.transfer(s, cfg, ticket, actor, target, t_now)
    flash(reply.split("\n")[0], "ok")
    return redirect(url_for("console.ticket_detail", number=number))
