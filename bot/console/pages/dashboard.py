"""工作台: what needs doing now. Open tickets by status with the overdue ones first (the
escalation limits), today's 回访, low scores still waiting for a call-back, the weekly trend."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from bot.console import charts
from bot.console.web import bp, me, needs, now, people_names, render, services, settings
from bot.tickets import report
from bot.tickets.escalation import overdue
from bot.tickets.flow import aware
from storage import tickets as store
from storage.models import Survey, Ticket

WEEKS = 8


def local_midnight(days_ago: int = 0) -> Any:
    today = now().astimezone(settings().community.tz).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days_ago)


@bp.get("/")
@needs("staff")
def dashboard() -> Any:
    person, t_now, cfg = me(), now(), settings()
    mine_only = person.role == "staff"
    with Session(services().engine) as s:
        q = select(Ticket).where(Ticket.status.in_(store.OPEN_STATUSES))
        if mine_only:
            q = q.where(Ticket.assignee_id == person.id)
        open_tickets = list(s.execute(q).scalars())
        by_status = {st: 0 for st in store.OPEN_STATUSES}
        for t in open_tickets:
            by_status[t.status] += 1
        late = {t.id: overdue(cfg, t, t_now) for t in open_tickets}
        open_tickets.sort(key=lambda t: (not late[t.id], not t.urgent, aware(t.created_at)))
        today = local_midnight()
        surveys_today = list(s.execute(
            select(Survey, Ticket.number).join(Ticket, Ticket.id == Survey.ticket_id)
            .where((Survey.sent_at >= today) | (Survey.answered_at >= today) | (Survey.due_at >= today)
                   & (Survey.due_at < today + timedelta(days=1)))
            .order_by(Survey.id.desc()).limit(50)
        ).all())
        waiting = list(s.execute(
            select(Survey, Ticket.number).join(Ticket, Ticket.id == Survey.ticket_id)
            .where(Survey.recovery_due_at.is_not(None), Survey.recovery_done_at.is_(None))
            .order_by(Survey.recovery_due_at)
        ).all())
        weeks = report.compute(s, cfg, local_midnight(7 * WEEKS - 1), local_midnight() + timedelta(days=1), "week")
        total_open = s.execute(select(func.count()).select_from(Ticket)
                               .where(Ticket.status.in_(store.OPEN_STATUSES))).scalar_one()
        names = people_names(s, {t.assignee_id for t in open_tickets} | {v.recovery_owner_id for v, _ in waiting})
    weeks = [r for r in weeks if r.group != "TOTAL"]
    chart = charts.trend([r.group for r in weeks], [r.opened for r in weeks], [r.done for r in weeks],
                         [r.satisfaction_rate for r in weeks])
    answered = [v for v, _ in surveys_today if v.rating is not None]
    return render("dashboard.html", by_status=by_status, open_tickets=open_tickets[:30], late=late,
                  late_count=sum(1 for v in late.values() if v), mine_only=mine_only, total_open=total_open,
                  surveys_today=surveys_today, answered=answered, waiting=waiting, names=names, chart=chart,
                  t_now=t_now, aware=aware)
