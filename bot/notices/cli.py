"""`wuye notice`: manager broadcasts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.base import Obj, database, echo_table, named_community, pass_obj

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.config import Settings
    from storage.models import Notice


def _notice(session: Session, notice_id: int) -> Notice:
    from storage.models import Notice

    n = session.get(Notice, notice_id)
    if n is None:
        raise click.ClickException(f"no notice {notice_id}; `wuye notice list` shows them")
    return n


@click.group()
def notice() -> None:
    """Notices (通知公告) to residents or staff: send, list, status, resend."""


def _when(settings: Settings, value: str | None, param: str, end_of_day: bool = False):  # type: ignore[no-untyped-def]
    from bot.notices.compose import parse_local

    if not value:
        return None
    try:
        return parse_local(settings, value, end_of_day=end_of_day)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=param) from None


@notice.command("send")
@click.option("--title", required=True)
@click.option("--body", required=True)
@click.option("--to", "to", default="all", show_default=True, help="all | building:3,5 | staff")
@click.option(
    "--at", "at", default=None, help='Send later, e.g. "2026-12-01 09:00" (community time zone).'
)
@click.option("--until", "until", default=None, help="Stop showing it after this date/time.")
@click.option(
    "--as",
    "author",
    default=None,
    help="Send as this manager's openid (checked: only managers may broadcast). Omitted: the console "
    "operator, who has the server's shell and so a manager's rights.",
)
@click.option("--community", "community_name", default="",
              help="Only this community's residents (or staff); default: the --as manager's community, "
                   "else the whole company.")
@click.option("--dry-run", is_flag=True, help="Show who would get it; store and send nothing.")
@click.option(
    "--yes", is_flag=True, help="Confirm a notice to more than [notice] confirm_over people."
)
@pass_obj
def notice_send(
    obj: Obj,
    title: str,
    body: str,
    to: str,
    at: str | None,
    until: str | None,
    author: str | None,
    community_name: str,
    dry_run: bool,
    yes: bool,
) -> None:
    """Send (or schedule) a notice; the worker delivers it."""
    from bot.communities.scope import settings_for
    from bot.notices import compose as notices
    from storage import people
    from storage.clock import utcnow
    from storage.models import Notice

    settings = obj.settings
    audience = notices.parse_audience(to)
    if audience is None:
        raise click.BadParameter("use all, building:3,5 or staff", param_hint="--to")
    send_at, shown_until = (
        _when(settings, at, "--at"),
        _when(settings, until, "--until", end_of_day=True),
    )
    now = utcnow()
    if shown_until is not None and shown_until <= (send_at or now):
        raise click.BadParameter("is before the notice goes out", param_hint="--until")
    with database(settings) as session:
        person = people.by_openid(session, author) if author else None
        if author and not notices.may_broadcast(person):
            role = person.role if person else "unknown"
            raise click.ClickException(f"only managers may send notices; {author} is {role}")
        if community_name:
            audience = audience.within(named_community(session, community_name).id)
        else:
            audience = audience.within(notices.default_community_for(session, person))
        if not notices.may_address(session, person, audience.community_id):
            raise click.ClickException(
                f"{author} does not manage {community_name or 'the whole company'}; only company-level managers "
                "send to every community (pass --community NAME)")
        settings = settings_for(session, settings, audience.community_id)
        plan = notices.plan(session, audience)
        when = notices.local_label(settings, send_at, "%Y-%m-%d %H:%M") if send_at else "now"
        click.echo(
            f"to {audience.spec} in {settings.community.name if audience.community_id else 'every community'}: "
            f"{plan.count} recipient(s), {len(plan.unsubscribed)} unsubscribed (not sent); "
            f"sending {when}"
            + (
                f", shown until {notices.local_label(settings, shown_until, '%Y-%m-%d %H:%M')}"
                if shown_until
                else ""
            )
        )
        draft = Notice(title=title, body=body, until=shown_until)
        click.echo(notices.message_text(settings, draft))
        if dry_run:
            click.echo("dry run: nothing stored, nothing sent")
            return
        if plan.count == 0:
            raise click.ClickException("nobody to send it to; nothing stored")
        limit = settings.notice.confirm_over
        if (
            plan.count > limit
            and not yes
            and not click.confirm(f"send to {plan.count} people (more than {limit})?")
        ):
            raise click.ClickException("not confirmed; nothing stored")
        n = notices.create(
            session,
            settings,
            title=title,
            body=body,
            audience=audience,
            author=person,
            now=now,
            send_at=send_at,
            until=shown_until,
            recipients=plan.count,
        )
        session.commit()
        click.echo(
            f"notice #{n.id} {'scheduled' if send_at and send_at > now else 'queued'}; "
            f"`wuye notice status {n.id}` shows its delivery"
        )


@notice.command("list")
@click.option("--limit", default=20, show_default=True)
@pass_obj
def notice_list(obj: Obj, limit: int) -> None:
    """Notices, newest first, with their delivery counts."""
    from sqlalchemy import select

    from bot.notices import compose as notices
    from storage import communities
    from storage.models import Notice

    settings = obj.settings
    with database(settings) as session:
        rows = list(
            session.execute(select(Notice).order_by(Notice.id.desc()).limit(limit)).scalars()
        )
        several = communities.count(session) > 1

        def audience(n: Notice) -> str:
            if not several:
                return n.audience
            # whose: one community's, or the whole company's
            where = communities.view(session, settings.community, n.community_id).name if n.community_id else "全公司"
            return f"{where}:{n.audience}"

        def sent(n: Notice) -> str:
            c = notices.counts(session, n.id or 0)
            return f"sent {c['sent']}/{n.recipients} failed {c['failed']} "  # two spaces before the title

        def until(n: Notice) -> str:
            return notices.local_label(settings, n.until, "%m-%d %H:%M") if n.until else "-"

        table = [
            (f"#{n.id}", notices.local_label(settings, n.send_at, "%Y-%m-%d %H:%M"), f"until {until(n)}",
             n.status, audience(n), sent(n), n.title)
            for n in rows
        ]
    echo_table(table, (5, 0, 17, 9, 16, 0, 0), "{} notice(s)")


@notice.command("status")
@click.argument("notice_id", type=int)
@pass_obj
def notice_status(obj: Obj, notice_id: int) -> None:
    """Counts per delivery state, WeChat's mass-send reports, and who it failed for."""
    from bot.notices import compose as notices

    settings = obj.settings
    with database(settings) as session:
        n = _notice(session, notice_id)
        c = notices.counts(session, notice_id)
        click.echo(f"#{n.id} {n.title}  [{n.status}, via {n.via or '-'}, to {n.audience}]")
        click.echo(
            f"send at {notices.local_label(settings, n.send_at, '%Y-%m-%d %H:%M')}"
            + (
                f", shown until {notices.local_label(settings, n.until, '%Y-%m-%d %H:%M')}"
                if n.until
                else ""
            )
        )
        click.echo(
            f"recipients {n.recipients}: pending {c['pending']}, sent {c['sent']} (confirmed {c['confirmed']}), "
            f"failed {c['failed']}, unsubscribed {c['unsubscribed']}"
        )
        for b in notices.batches(session, notice_id):
            counts = (
                ""
                if b.total_count is None
                else f" total {b.total_count} sent {b.sent_count} errors {b.error_count}"
            )
            click.echo(
                f"  mass send {b.building + '栋' if b.building else 'to all'}: {b.status} msg_id={b.msg_id or '-'} "
                f"{b.result}{counts}"
            )
        for d, name in notices.failures(session, notice_id):
            click.echo(
                f"  failed {d.openid:<24} {name or '-':<8} errcode={d.errcode or '-'} {d.error or ''}"
            )
        if c["failed"]:
            click.echo(f"`wuye notice resend {notice_id} --failed` sends those again")


@notice.command("resend")
@click.argument("notice_id", type=int)
@click.option(
    "--failed", is_flag=True, required=True, help="Send again to the recipients it failed for."
)
@pass_obj
def notice_resend(obj: Obj, notice_id: int, failed: bool) -> None:
    """Send a notice again to just the recipients it failed for."""
    from bot.notices.delivery import resend_failed
    from storage.clock import utcnow

    with database(obj.settings) as session:
        n = _notice(session, notice_id)
        count = resend_failed(session, obj.settings, n, utcnow())
        session.commit()
    click.echo(
        f"re-queued {count} failed delivery(ies) of notice #{notice_id}; the worker sends them"
    )


@notice.command("cancel")
@click.argument("notice_id", type=int)
@pass_obj
def notice_cancel(obj: Obj, notice_id: int) -> None:
    """Cancel a scheduled notice that has not gone out yet."""
    from bot.notices import compose as notices

    with database(obj.settings) as session:
        n = _notice(session, notice_id)
        if not notices.cancel(session, n):
            raise click.ClickException(
                f"notice #{notice_id} is {n.status}; only scheduled ones can be cancelled"
            )
        session.commit()
    click.echo(f"notice #{notice_id} cancelled")


COMMANDS = ["notice"]
