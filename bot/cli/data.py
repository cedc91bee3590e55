"""The database schema and the outbox of WeChat calls."""

from __future__ import annotations

import click

from bot.cli.base import Obj, engine_for, pass_obj


@click.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_obj
def db_upgrade(obj: Obj, revision: str) -> None:
    """Apply migrations up to REVISION (default head)."""
    from storage.migrate import current_revision, upgrade

    engine = engine_for(obj.settings)
    upgrade(engine, revision)
    click.echo(f"database at revision {current_revision(engine)} ({obj.settings.database.url})")


@db.command("current")
@pass_obj
def db_current(obj: Obj) -> None:
    """Show the database's revision and the newest one."""
    from storage.migrate import current_revision, head_revision

    engine = engine_for(obj.settings)
    click.echo(f"current: {current_revision(engine)}  head: {head_revision(engine)}")


# ---------------------------------------------------------------- outbox


@click.group()
def outbox() -> None:
    """Outbound WeChat calls: inspect, re-send dead letters."""


@outbox.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "sending", "sent", "dead", "all"]),
    default="dead",
    show_default=True,
)
@click.option("--limit", default=50, show_default=True)
@pass_obj
def outbox_list(obj: Obj, status: str, limit: int) -> None:
    """List outbox rows (dead letters by default)."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from storage.models import Outbox

    engine = engine_for(obj.settings)
    with Session(engine) as session:
        q = select(Outbox).order_by(Outbox.id.desc()).limit(limit)
        if status != "all":
            q = q.where(Outbox.status == status)
        rows = session.execute(q).scalars().all()
        counts = dict(
            session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
        )
    click.echo("  ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "outbox is empty")
    for r in rows:
        click.echo(
            f"#{r.id:<6} {r.status:<8} {r.kind:<9} to={r.openid or '-':<20} tries={r.attempts:<2} "
            f"err={r.last_error or '-'}"
        )


@outbox.command("resend")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="Re-queue every dead letter.")
@pass_obj
def outbox_resend(obj: Obj, ids: tuple[int, ...], all_dead: bool) -> None:
    """Put dead letters back in the queue."""
    from sqlmodel import Session

    from bot.outbound.delivery import resend

    if not ids and not all_dead:
        raise click.UsageError("give outbox ids, or --all-dead")
    with Session(engine_for(obj.settings)) as session:
        n = resend(session, None if all_dead else list(ids))
    click.echo(f"re-queued {n} message(s); the worker sends them on its next tick")


COMMANDS = ["db", "outbox"]
