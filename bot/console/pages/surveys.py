"""回访: surveys answered, waiting, expired, and the low scores with who calls back by when;
satisfaction by category, staff and building (the report's figures, last 30 days)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import request
from sqlalchemy import select
from sqlmodel import Session

from bot.console import charts
from bot.console.web import bp, needs, now, paginate, people_names, scope, services, settings, show
from bot.tickets import report
from storage.models import Survey, Ticket

TABS = {
    "low": "差评补救",
    "answered": "已评价",
    "waiting": "待回复",
    "expired": "未回复",
    "all": "全部",
}
STATUS_LABEL = {"scheduled": "待发送", "sent": "已发送", "reminded": "已提醒", "answered": "已评价",
                "expired": "未回复", "cancelled": "已取消"}
DAYS = 30


@bp.get("/surveys")
@needs("staff")
def surveys() -> Any:
    tab = request.args.get("tab", "low")
    tab = tab if tab in TABS else "low"
    q = select(Survey, Ticket).join(Ticket, Ticket.id == Survey.ticket_id)
    if tab == "low":
        q = q.where(Survey.recovery_due_at.is_not(None)).order_by(Survey.recovery_done_at.is_not(None),
                                                                  Survey.recovery_due_at.desc())
    elif tab == "answered":
        q = q.where(Survey.status == "answered").order_by(Survey.answered_at.desc())
    elif tab == "waiting":
        q = q.where(Survey.status.in_(("scheduled", "sent", "reminded"))).order_by(Survey.due_at.desc())
    elif tab == "expired":
        q = q.where(Survey.status == "expired").order_by(Survey.id.desc())
    else:
        q = q.order_by(Survey.id.desc())
    cfg, t_now = settings(), now()
    start = t_now - timedelta(days=DAYS)
    with Session(services().engine) as s:
        ids = scope(s)
        if ids is not None:
            q = q.where(Ticket.community_id.in_(ids))
        page = paginate(s, q)
        names = people_names(s, {v.recovery_owner_id for v, _ in page.items} | {t.assignee_id for _, t in page.items})
        groups = {by: [r for r in report.compute(s, cfg, start, t_now, by, ids) if r.group != "TOTAL"]
                  for by in ("category", "staff", "building")}
    chart = charts.bars("满意率（4-5分，%）按类别", [r.group for r in groups["category"]],
                        {"满意率": [None if r.satisfaction_rate is None else round(r.satisfaction_rate * 100)
                                    for r in groups["category"]]}, counts=False)
    return show("surveys.html", tab=tab, tabs=TABS, page=page, names=names, groups=groups, chart=chart,
                  status_label=STATUS_LABEL, t_now=t_now, days=DAYS)
