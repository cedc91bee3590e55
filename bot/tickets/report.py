"""The numbers managers steer by: volume, speed, escalations and satisfaction, grouped at will.

Percentiles are nearest-rank (p90 of 10 values is the 9th smallest), so a figure can be checked
by hand against the tickets it came from.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from bot.config import Settings
from bot.tickets.flow import local
from replies import label
from storage.models import Community, Person, Survey, Ticket, TicketEvent

GROUPINGS = ("category", "staff", "building", "week", "community")


@dataclass
class Row:
    group: str
    opened: int = 0
    done: int = 0
    accept_p50_min: float | None = None
    accept_p90_min: float | None = None
    complete_p50_h: float | None = None
    complete_p90_h: float | None = None
    escalations: int = 0
    surveys_sent: int = 0
    surveys_answered: int = 0
    response_rate: float | None = None
    avg_score: float | None = None
    satisfaction_rate: float | None = None
    recoveries: int = 0
    recoveries_on_time: int = 0


def nearest_rank(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)]


def _round(v: float | None, digits: int = 1) -> float | None:
    return None if v is None else round(v, digits)


def _key(settings: Settings, t: Ticket, by: str, names: dict[int, str], places: dict[int, str]) -> str:
    if by == "community":
        return places.get(t.community_id or 0, "?")
    if by == "category":
        return t.category
    if by == "staff":
        return names.get(t.assignee_id or 0, label("report_unassigned"))
    if by == "building":
        return label("building", building=t.building) if t.building else label("report_unknown_building")
    year, week, _ = local(settings, t.created_at).isocalendar()
    return f"{year}-W{week:02d}"


def compute(session: Session, settings: Settings, start: datetime, end: datetime, by: str | None = None,
            community_ids: list[int] | None = None) -> list[Row]:
    """Rows per group (sorted), then a TOTAL row; tickets are those opened in [start, end), in
    these communities (None: every community: the company's figures)."""
    q = select(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end,
                             Ticket.kind.in_(("repair", "complaint")))
    if community_ids is not None:
        q = q.where(Ticket.community_id.in_(community_ids))
    tickets = list(session.execute(q).scalars())
    places = {c.id: c.name for c in session.execute(select(Community)).scalars() if c.id}
    ids = [t.id for t in tickets]
    names = {p.id: p.name or p.openid or "?" for p in session.execute(select(Person)).scalars() if p.id}
    escalations: dict[int, int] = defaultdict(int)
    surveys: dict[int, list[Survey]] = defaultdict(list)
    if ids:
        for e in session.execute(select(TicketEvent).where(TicketEvent.ticket_id.in_(ids),
                                                           TicketEvent.action == "escalated")).scalars():
            escalations[e.ticket_id] += 1
        for s in session.execute(select(Survey).where(Survey.ticket_id.in_(ids))).scalars():
            surveys[s.ticket_id].append(s)
    groups: dict[str, list[Ticket]] = defaultdict(list)
    for t in tickets:
        groups[_key(settings, t, by, names, places) if by else "TOTAL"].append(t)
    rows = [_row(g, ts, escalations, surveys) for g, ts in sorted(groups.items())]
    if by:
        rows.append(_row("TOTAL", tickets, escalations, surveys))
    return rows or [Row("TOTAL")]


def weekly_trend(session: Session, settings: Settings, start: datetime, end: datetime,
                 community_ids: list[int] | None = None) -> list[Row]:
    """Just opened, done and satisfaction per week -- the figures `compute(by="week")` gives, read
    as plain columns so a dashboard on a large database pays for no full rows."""
    q = (
        select(Ticket.id, Ticket.created_at, Ticket.status, Survey.rating, Survey.sent_at)
        .outerjoin(Survey, Survey.ticket_id == Ticket.id)
        .where(Ticket.created_at >= start, Ticket.created_at < end, Ticket.kind.in_(("repair", "complaint")))
    )
    if community_ids is not None:
        q = q.where(Ticket.community_id.in_(community_ids))
    rows = session.execute(q).all()
    weeks: dict[str, dict[str, Any]] = defaultdict(lambda: {"ids": set(), "done": set(), "ratings": []})
    for tid, created, status, rating, sent_at in rows:
        year, week, _ = local(settings, created).isocalendar()
        w = weeks[f"{year}-W{week:02d}"]
        w["ids"].add(tid)
        if status == "done":
            w["done"].add(tid)
        if sent_at is not None and rating is not None:
            w["ratings"].append(rating)
    out = []
    for key in sorted(weeks):
        w = weeks[key]
        ratings = w["ratings"]
        out.append(Row(group=key, opened=len(w["ids"]), done=len(w["done"]), surveys_answered=len(ratings),
                       avg_score=_round(statistics.fmean(ratings), 2) if ratings else None,
                       satisfaction_rate=_round(sum(1 for r in ratings if r >= 4) / len(ratings), 3) if ratings else None))
    return out


def _row(group: str, tickets: list[Ticket], escalations: dict[int, int], surveys: dict[int, list[Survey]]) -> Row:
    accept = [(t.accepted_at - t.created_at).total_seconds() / 60  # type: ignore[operator]
              for t in tickets if t.accepted_at]
    complete = [(t.done_at - t.created_at).total_seconds() / 3600  # type: ignore[operator]
                for t in tickets if t.done_at and t.status == "done"]
    sent = [s for t in tickets for s in surveys.get(t.id or 0, []) if s.sent_at is not None]
    answered = [s for s in sent if s.rating is not None]
    recoveries = [s for t in tickets for s in surveys.get(t.id or 0, []) if s.recovery_due_at is not None]
    on_time = [s for s in recoveries if s.recovery_done_at and s.recovery_done_at <= s.recovery_due_at]  # type: ignore[operator]
    return Row(
        group=group,
        opened=len(tickets),
        done=sum(1 for t in tickets if t.status == "done"),
        accept_p50_min=_round(nearest_rank(accept, 0.5)),
        accept_p90_min=_round(nearest_rank(accept, 0.9)),
        complete_p50_h=_round(nearest_rank(complete, 0.5), 2),
        complete_p90_h=_round(nearest_rank(complete, 0.9), 2),
        escalations=sum(escalations.get(t.id or 0, 0) for t in tickets),
        surveys_sent=len(sent),
        surveys_answered=len(answered),
        response_rate=_round(len(answered) / len(sent), 3) if sent else None,
        avg_score=_round(statistics.fmean(s.rating for s in answered), 2) if answered else None,  # type: ignore[misc]
        satisfaction_rate=_round(sum(1 for s in answered if (s.rating or 0) >= 4) / len(answered), 3) if answered else None,
        recoveries=len(recoveries),
        recoveries_on_time=len(on_time),
    )


COLUMNS = [
    ("group", "group"), ("opened", "opened"), ("done", "done"), ("accept_p50_min", "accept p50 min"),
    ("accept_p90_min", "accept p90 min"), ("complete_p50_h", "done p50 h"), ("complete_p90_h", "done p90 h"),
    ("escalations", "escalated"), ("response_rate", "survey resp"), ("avg_score", "avg score"),
    ("satisfaction_rate", "satisfied 4-5"), ("recoveries_on_time", "recovery on time"),
]


def _cell(row: Row, field: str) -> str:
    if field == "recoveries_on_time":
        return f"{row.recoveries_on_time}/{row.recoveries}" if row.recoveries else "-"
    value = getattr(row, field)
    if value is None:
        return "-"
    if field in ("response_rate", "satisfaction_rate"):
        return f"{value:.0%}"
    return str(value)


def format_table(rows: list[Row]) -> str:
    widths = [max(len(title), *(len(_cell(r, f)) for r in rows)) + 1 for f, title in COLUMNS]
    lines = ["".join(title.ljust(w) for (_, title), w in zip(COLUMNS, widths, strict=True))]
    lines.append("-" * sum(widths))
    for r in rows:
        lines.append("".join(_cell(r, f).ljust(w) for (f, _), w in zip(COLUMNS, widths, strict=True)))
    return "\n".join(lines)


def to_csv(rows: list[Row], headers: dict[str, str] | None = None) -> str:
    """The rows as CSV text with a BOM (Excel opens it as UTF-8); `headers` renames columns."""
    out = io.StringIO()
    out.write("\ufeff")
    fields = list(asdict(rows[0]))
    writer = csv.writer(out)
    writer.writerow([(headers or {}).get(f, f) for f in fields])
    for r in rows:
        writer.writerow(list(asdict(r).values()))
    return out.getvalue()


def write_csv(rows: list[Row], path: str | Path) -> None:
    Path(path).write_text(to_csv(rows), encoding="utf-8", newline="")


def write_chart(weekly: list[Row], path: str | Path, title: str) -> None:
    """Weekly volume (bars) and satisfaction rate (line): did things get better?"""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    weeks = [r for r in weekly if r.group != "TOTAL"]
    labels = [r.group for r in weeks]
    fig, ax = plt.subplots(figsize=(max(6, len(weeks) * 0.8), 4), dpi=120)
    ax.bar(labels, [r.opened for r in weeks], color="#9ecae1", label="tickets opened")
    ax.bar(labels, [r.done for r in weeks], color="#3182bd", width=0.5, label="done")
    ax.set_ylabel("tickets")
    ax.tick_params(axis="x", rotation=45)
    ax2 = ax.twinx()
    sat = [(r.satisfaction_rate * 100) if r.satisfaction_rate is not None else float("nan") for r in weeks]
    ax2.plot(labels, sat, color="#e6550d", marker="o", label="satisfied (4-5), %")
    ax2.set_ylim(0, 105)
    ax2.set_ylabel("satisfaction %")
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], loc="upper left", fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
