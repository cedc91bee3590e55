"""工作台: what needs doing now. Open tickets by status with the overdue ones first (the
escalation limits), today's 回访, low scores still waiting for a call-back, the weekly trend."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, true
from sqlmodel import Session

from bot.console import charts
from bot.console.pages.reports import week_rows
from bot.console.web import bp, me, needs, now, people_names, scope, services, settings, show
from bot.tickets import report
from bot.tickets.escalation import overdue
from storage import tickets as store
from storage.models import Survey, Ticket

WEEKS = 8
SHOWN = 30


def local_midnight(days_ago: int = 0) -> Any:
    today = now().astimezone(settings().community.tz).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days_ago)


@bp.get("/")
@needs("staff")
def dashboard() -> Any:
    person, t_now, cfg = me(), now(), settings()
    mine_only = person.role == "staff"
    with Session(services().engine) as s:
        ids = scope(s)
        # Only the columns the escalation limits read, for every open ticket; full rows for the
        # few shown. A 10,000-ticket database has thousands open.
        q = (select(Ticket.id, Ticket.status, Ticket.kind, Ticket.category, Ticket.urgent, Ticket.created_at)
             .where(Ticket.status.in_(store.OPEN_STATUSES)))
        if mine_only:
            q = q.where(Ticket.assignee_id == person.id)
        if ids is not None:
            q = q.where(Ticket.community_id.in_(ids))
        light = s.execute(q).all()
        by_status = {st: 0 for st in store.OPEN_STATUSES}
        for t in light:
            by_status[t.status] += 1
        late = {t.id: overdue(cfg, t, t_now) for t in light}
        light.sort(key=lambda t: (not late[t.id], not t.urgent, t.created_at))
        shown = [t.id for t in light[:SHOWN]]
        full = {t.id: t for t in s.execute(select(Ticket).where(Ticket.id.in_(shown))).scalars()} if shown else {}
        open_tickets = [full[i] for i in shown]
        today = local_midnight()
        within = Ticket.community_id.in_(ids) if ids is not None else true()
        surveys_today = list(s.execute(
            select(Survey, Ticket.number).join(Ticket, Ticket.id == Survey.ticket_id)
            .where((Survey.sent_at >= today) | (Survey.answered_at >= today) | (Survey.due_at >= today)
                   & (Survey.due_at < today + timedelta(days=1)))
            .where(within)
            .order_by(Survey.id.desc()).limit(50)
        ).all())
        waiting = list(s.execute(
            select(Survey, Ticket.number).join(Ticket, Ticket.id == Survey.ticket_id)
            .where(Survey.recovery_due_at.is_not(None), Survey.recovery_done_at.is_(None))
            .where(within)
            .order_by(Survey.recovery_due_at)
        ).all())
        weeks = report.weekly_trend(s, cfg, local_midnight(7 * WEEKS - 1), local_midnight() + timedelta(days=1), ids)
        names = people_names(s, {t.assignee_id for t in open_tickets} | {v.recovery_owner_id for v, _ in waiting})
    filled = week_rows(local_midnight(7 * WEEKS - 1), local_midnight() + timedelta(days=1),
                       [r for r in weeks if r.group != "TOTAL"])
    chart = charts.trend([w for w, _ in filled], [r.opened if r else 0 for _, r in filled],
                         [r.done if r else 0 for _, r in filled], [r.satisfaction_rate if r else None for _, r in filled])
    answered = [v for v, _ in surveys_today if v.rating is not None]
    return show("dashboard.html", by_status=by_status, open_tickets=open_tickets, late=late,
                  late_count=sum(1 for v in late.values() if v), mine_only=mine_only, total_open=len(light),
                  surveys_today=surveys_today, answered=answered, waiting=waiting, names=names, chart=chart,
                  t_now=t_now)
