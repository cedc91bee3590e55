"""Tickets and the numbers managers steer by."""

from __future__ import annotations

import click

from bot.cli.base import Obj, database, echo_table, named_community, pass_obj


@click.group()
def tickets() -> None:
    """Tickets (repairs, complaints, praise, call-backs)."""


@tickets.command("list")
@click.option("--status", default=None, help="open, accepted, on_site, done, cancelled")
@click.option("--building", default=None)
@click.option("--community", "community_name", default="", help="Only this community's tickets.")
@click.option("--limit", default=50, show_default=True)
@pass_obj
def tickets_list(obj: Obj, status: str | None, building: str | None, community_name: str, limit: int) -> None:
    """List tickets, newest first."""
    from sqlalchemy import select

    from bot.tickets.flow import local
    from bot.tickets.status import status_label
    from storage.models import Person, Ticket

    with database(obj.settings) as session:
        q = select(Ticket).order_by(Ticket.id.desc()).limit(limit)
        if status:
            q = q.where(Ticket.status == status)
        if building:
            q = q.where(Ticket.building == building)
        if community_name:
            q = q.where(Ticket.community_id == named_community(session, community_name).id)
        rows = list(session.execute(q).scalars())
        names = {p.id: p.name for p in session.execute(select(Person)).scalars()}
    echo_table(
        [
            (t.number, local(obj.settings, t.created_at).strftime("%m-%d %H:%M"), status_label(t.status),
             "急" if t.urgent else " ", t.category, t.place or "-", names.get(t.assignee_id, "-"),
             t.description[:30])
            for t in rows
        ],
        (0, 0, 4, 0, 5, 14, 6, 0),
        "{} ticket(s)",
    )


@tickets.command("show")
@click.argument("number")
@pass_obj
def tickets_show(obj: Obj, number: str) -> None:
    """One ticket with its events."""
    from sqlalchemy import select

    from bot.tickets.flow import local
    from bot.tickets.status import status_label
    from bot.wechat import media
    from storage import tickets as store
    from storage.models import Person

    with database(obj.settings) as session:
        t = store.by_number(session, number)
        if t is None:
            raise click.ClickException(f"no ticket {number}; `wuye tickets list` shows the numbers")
        names = {p.id: p.name or p.openid for p in session.execute(select(Person)).scalars()}
        events = store.events(session, t)
        kept = media.for_photos(session, list(t.photos))
    click.echo(
        f"{t.number}  {t.kind}/{t.category}  {status_label(t.status)}{'  紧急' if t.urgent else ''}"
    )
    click.echo(
        f"place: {t.place or '-'}   phone: {t.contact_phone or '-'}   time: {t.preferred_time or '尽快'}"
    )
    click.echo(
        f"reporter: {names.get(t.reporter_id, '-')}   assignee: {names.get(t.assignee_id, '-')}"
    )
    click.echo(f"description: {t.description}")
    for ref in t.photos:
        m = kept.get(ref)
        if m is not None and m.status == "stored":
            where = f"{media.where(obj.settings, m)} ({m.size} bytes)"
        elif m is not None and m.status == "failed":
            where = f"not kept: {m.error}"
        else:
            where = "downloading" if m is not None else "not kept (sent before photos were kept)"
        click.echo(f"photo: {where}  [{ref}]")
    for e in events:
        when = local(obj.settings, e.created_at).strftime("%Y-%m-%d %H:%M")
        click.echo(f"  {when}  {e.action:<12} {names.get(e.actor_id, 'system'):<8} {e.note}")


# ---------------------------------------------------------------- report


@click.command()
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day (default: 30 days ago).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last day, inclusive (default: today).",
)
@click.option("--by", type=click.Choice(["category", "staff", "building", "week", "community"]), default=None)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the rows as CSV.",
)
@click.option(
    "--chart",
    "chart_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="PNG of the weekly trend of volume and satisfaction.",
)
@click.option("--community", "community_name", default="",
              help="One community's figures (default: every community, the company's; --by community splits them).")
@pass_obj
def report(
    obj: Obj, start, end, by: str | None, csv_path: str | None, chart_path: str | None, community_name: str
) -> None:  # type: ignore[no-untyped-def]
    """Tickets, response times, escalations, survey response and satisfaction."""
    from datetime import timedelta

    from bot.tickets import report as rep
    from storage.clock import utcnow

    settings = obj.settings
    tz = settings.community.tz
    today = utcnow().astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    first = start.replace(tzinfo=tz) if start else today - timedelta(days=30)
    last = (end.replace(tzinfo=tz) if end else today) + timedelta(days=1)
    if last <= first:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    with database(settings) as session:
        ids, title = None, settings.community.name
        if community_name:
            found = named_community(session, community_name)
            ids, title = [found.id], found.name
        elif _several_communities(session):
            title = settings.community.company
        rows = rep.compute(session, settings, first, last, by, ids)
        weekly = rep.compute(session, settings, first, last, "week", ids) if chart_path else []
    click.echo(
        f"{title}  {first:%Y-%m-%d} .. {last - timedelta(days=1):%Y-%m-%d}"
    )
    click.echo(rep.format_table(rows))
    if csv_path:
        rep.write_csv(rows, csv_path)
        click.echo(f"wrote {csv_path}")
    if chart_path:
        try:
            rep.write_chart(
                weekly, chart_path, f"{first:%Y-%m-%d} .. {last - timedelta(days=1):%Y-%m-%d}"
            )
        except ImportError:
            raise click.ClickException(
                "the chart needs matplotlib: pip install 'wuye[report]'"
            ) from None
        click.echo(f"wrote {chart_path}")


def _several_communities(session) -> bool:  # type: ignore[no-untyped-def]
    from storage import communities

    return communities.count(session) > 1


COMMANDS = ["tickets", "report"]
