"""报表: `wuye report`'s figures (bot/tickets/report.py) for a period, grouped by category,
staff, building or week, with charts and a CSV download, labelled in Chinese."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Response, request
from sqlmodel import Session

from bot.console import charts
from bot.console.web import bp, community_choices, needs, now, scope, services, settings, show
from bot.tickets import report

BY_LABEL = {"category": "类别", "staff": "员工", "building": "楼栋", "week": "周", "community": "小区"}
HEADERS = {
    "group": "分组", "opened": "新建", "done": "已完成", "accept_p50_min": "接单中位数(分钟)",
    "accept_p90_min": "接单P90(分钟)", "complete_p50_h": "完成中位数(小时)", "complete_p90_h": "完成P90(小时)",
    "escalations": "超时升级", "surveys_sent": "回访数", "surveys_answered": "评价数", "response_rate": "回复率",
    "avg_score": "平均分", "satisfaction_rate": "满意率(4-5分)", "recoveries": "差评补救", "recoveries_on_time": "按时回访",
}


def _period() -> tuple[datetime, datetime, str, str]:
    """[first, last+1 day) in the community's zone, from ?from= and ?to= (default: 30 days)."""
    tz = settings().community.tz
    today = now().astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)

    def day(key: str, default: datetime) -> datetime:
        try:
            return datetime.strptime(request.args.get(key, ""), "%Y-%m-%d").replace(tzinfo=tz)
        except ValueError:
            return default

    first = day("from", today - timedelta(days=30))
    last = day("to", today)
    if last < first:
        first, last = last, first
    return first, last + timedelta(days=1), f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}"


def week_rows(first: datetime, end: datetime, weekly: list[report.Row]) -> list[tuple[str, report.Row | None]]:
    """Every ISO week of [first, end) with its report row, so quiet weeks show as gaps, not as
    missing bars that squeeze the axis."""
    found = {r.group: r for r in weekly}
    out: list[tuple[str, report.Row | None]] = []
    day = first
    while day < end:
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
        if not out or out[-1][0] != key:
            out.append((key, found.get(key)))
        day += timedelta(days=1)
    return out


def _by() -> str:
    by = request.args.get("by", "category")
    return by if by in report.GROUPINGS else "category"


@bp.get("/reports")
@needs("supervisor")
def reports() -> Any:
    first, end, first_s, last_s = _period()
    by = _by()
    with Session(services().engine) as s:
        ids, places = scope(s), community_choices(s)
        rows = report.compute(s, settings(), first, end, by, ids)
        weekly = [r for r in report.compute(s, settings(), first, end, "week", ids) if r.group != "TOTAL"]
    # Grouping by community only where there are several to compare.
    by_label = {k: v for k, v in BY_LABEL.items() if k != "community" or places}
    groups = [r for r in rows if r.group != "TOTAL"]
    total = rows[-1]
    label = BY_LABEL[by]
    volume = charts.bars(f"按{label}：工单量", [r.group for r in groups],
                         {"新建": [r.opened for r in groups], "已完成": [r.done for r in groups]})
    satisfaction = charts.bars(f"按{label}：满意率（4-5分，%）", [r.group for r in groups],
                               {"满意率": [None if r.satisfaction_rate is None else round(r.satisfaction_rate * 100)
                                          for r in groups]}, counts=False)
    weeks = week_rows(first, end, weekly)
    trend = charts.trend([w for w, _ in weeks], [r.opened if r else 0 for _, r in weeks],
                         [r.done if r else 0 for _, r in weeks], [r.satisfaction_rate if r else None for _, r in weeks])
    return show("reports.html", rows=groups, total=total, by=by, by_label=by_label, first=first_s, last=last_s,
                  places=places, picked=request.args.get("community", ""),
                  volume=volume, satisfaction=satisfaction, trend=trend, headers=HEADERS)


@bp.get("/reports.csv")
@needs("supervisor")
def reports_csv() -> Any:
    first, end, first_s, last_s = _period()
    by = _by()
    with Session(services().engine) as s:
        rows = report.compute(s, settings(), first, end, by, scope(s))
    name = f"report-{by}-{first_s}-{last_s}.csv"
    return Response(report.to_csv(rows, HEADERS), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
