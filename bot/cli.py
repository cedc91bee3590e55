"""The `wuye` command line (click), in the manner of Flask's own CLI."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from sqlalchemy import func, select
from sqlmodel import Session

from bot.config import ConfigError, Settings, load_settings
from storage.db import make_engine
from storage.migrate import current_revision, head_revision, upgrade

DEFAULT_FAKE_PORT = 8081


class Obj:
    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config_path)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings


pass_obj = click.make_pass_decorator(Obj)


@click.group()
@click.option(
    "--config",
    "config_path",
    envvar="WUYE_CONFIG",
    type=click.Path(dir_okay=False),
    help="TOML config file (default: embedded defaults; env WUYE_CONFIG).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
@click.version_option(package_name="wuye")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """wuye — the property company's WeChat assistant."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    ctx.obj = Obj(config_path)


# ---------------------------------------------------------------- serve / worker


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    return make_engine(settings.database.url, settings.database.echo)


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default [server] host).")
@click.option("--port", default=None, type=int, help="Port (default [server] port).")
@click.option(
    "--demo", is_flag=True, help="Start a local fake WeChat API and seed a demo community."
)
@click.option(
    "--fake-port",
    default=DEFAULT_FAKE_PORT,
    show_default=True,
    help="Port of the demo's fake WeChat.",
)
@click.option("--no-worker", is_flag=True, help="Don't run the outbox worker in this process.")
@pass_obj
def serve(
    obj: Obj, host: str | None, port: int | None, demo: bool, fake_port: int, no_worker: bool
) -> None:
    """Run the webhook (and, by default, the worker) in one process."""
    from werkzeug.serving import make_server

    from bot.app import create_app
    from bot.demo import seed_demo
    from bot.services import Services
    from bot.worker import Worker

    settings = obj.settings
    fake = None
    if demo:
        from bot.fake_wechat import FakeWeChat

        fake = FakeWeChat(
            port=fake_port, appid=settings.wechat.appid, secret=settings.wechat.secret
        )
        fake.start()
        settings.wechat.api_base = fake.url
    engine = _engine(settings)
    upgrade(engine)
    services = Services.build(settings, engine)
    if not settings.push.resident_template_id and not demo:
        click.echo("warning: [push] resident_template_id is empty: surveys and progress pushes to residents "
                   "silent for 48 h will fail with 45015; set it (or WUYE_PUSH__RESIDENT_TEMPLATE_ID)", err=True)
    click.echo("Preparing the FAQ index (the first start on a machine embeds the FAQ: ~15 s)…")
    services.nlu.warm()
    if demo:
        with Session(engine) as session:
            seed_demo(session)
    if settings.server.embedded_worker and not no_worker:
        Worker(settings, engine).start_background()
    app = create_app(services=services)
    host = host or settings.server.host
    port = port or settings.server.port
    server = make_server(host, port, app, threaded=True)
    url = f"http://{host}:{server.server_port}/wechat"
    click.echo(
        f"wuye is listening on {url} (config: {settings.source}, database: {settings.database.url})"
    )
    if fake is not None:
        click.echo(
            f"Demo: fake WeChat API on {fake.url} (calls: {fake.url}/_fake/calls).\n"
            "Next, in another terminal, talk to it as a resident:\n"
            "    make chat            # or: .venv/bin/wuye chat --as demo-resident-1\n"
            "Try: 物业费怎么交 / 3栋2单元501 厨房水管漏水 / 转人工.  Ctrl-C stops everything."
        )
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if fake is not None:
            fake.stop()


@main.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@pass_obj
def worker(obj: Obj, once: bool) -> None:
    """Run the worker alone (several may share one PostgreSQL)."""
    from bot.worker import Worker

    engine = _engine(obj.settings)
    upgrade(engine)
    w = Worker(obj.settings, engine)
    if once:
        stats = w.drain()
        click.echo(
            f"claimed {stats.claimed}, sent {stats.sent}, retry later {stats.retried}, dead {stats.dead}"
        )
        return
    click.echo(
        f"wuye worker polling every {obj.settings.worker.poll_seconds}s ({obj.settings.database.url})"
    )
    w.run_forever()


# ---------------------------------------------------------------- db


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_obj
def db_upgrade(obj: Obj, revision: str) -> None:
    """Apply migrations up to REVISION (default head)."""
    engine = _engine(obj.settings)
    upgrade(engine, revision)
    click.echo(f"database at revision {current_revision(engine)} ({obj.settings.database.url})")


@db.command("current")
@pass_obj
def db_current(obj: Obj) -> None:
    """Show the database's revision and the newest one."""
    engine = _engine(obj.settings)
    click.echo(f"current: {current_revision(engine)}  head: {head_revision(engine)}")


# ---------------------------------------------------------------- outbox


@main.group()
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
    from storage.models import Outbox

    engine = _engine(obj.settings)
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
    from bot.delivery import resend

    if not ids and not all_dead:
        raise click.UsageError("give outbox ids, or --all-dead")
    with Session(_engine(obj.settings)) as session:
        n = resend(session, None if all_dead else list(ids))
    click.echo(f"re-queued {n} message(s); the worker sends them on its next tick")


# ---------------------------------------------------------------- local WeChat


@main.command("fake-wechat")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_FAKE_PORT, show_default=True)
@pass_obj
def fake_wechat(obj: Obj, host: str, port: int) -> None:
    """Run a fake WeChat API that records every call (point [wechat] api_base at it)."""
    from bot.fake_wechat import run

    run(host, port, obj.settings.wechat.appid, obj.settings.wechat.secret)


@main.command()
@click.option(
    "--as", "openid", default="demo-resident-1", show_default=True, help="Who you are (openid)."
)
@click.option("--url", default=None, help="Webhook URL (default: from [server]).")
@click.option(
    "--fake",
    "fake_url",
    default=None,
    help=f"Fake WeChat to show pushes from (default: [wechat] api_base, or port {DEFAULT_FAKE_PORT}).",
)
@pass_obj
def chat(obj: Obj, openid: str, url: str | None, fake_url: str | None) -> None:
    """Talk to a running server from the terminal, exactly as WeChat would."""
    from bot.chat import run_chat

    s = obj.settings
    url = url or f"http://{s.server.host}:{s.server.port}/wechat"
    if fake_url is None:
        base = s.wechat.api_base
        fake_url = (
            base
            if "127.0.0.1" in base or "localhost" in base
            else f"http://127.0.0.1:{DEFAULT_FAKE_PORT}"
        )
    run_chat(s, openid, url, fake_url)


@main.command("config")
@pass_obj
def show_config(obj: Obj) -> None:
    """Validate the configuration and print it (secrets masked)."""
    data = obj.settings.model_dump()
    for section, values in data.items():
        if not isinstance(values, dict):
            continue
        click.echo(f"[{section}]")
        for key, value in values.items():
            if key in ("secret", "encoding_aes_key", "token") and value:
                value = value[:3] + "…"
            click.echo(f"{key} = {value!r}")
    click.echo(f"# source: {obj.settings.source}")


# ---------------------------------------------------------------- faq


@main.group()
def faq() -> None:
    """The FAQ the bot answers from (stored in the database)."""


@faq.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@pass_obj
def faq_import(obj: Obj, path: str, dry_run: bool) -> None:
    """Import PATH (.toml .csv .xlsx .docx .txt .md); re-importing updates, never duplicates."""
    from intents.faq import FaqFormatError
    from intents.faq_formats import read_faq_file
    from storage import faq as faq_store

    try:
        entries = read_faq_file(path)
    except FaqFormatError as exc:
        raise click.ClickException(f"{exc}; nothing was imported") from None
    engine = _engine(obj.settings)
    upgrade(engine)
    with Session(engine) as session:
        result = faq_store.import_entries(session, entries, Path(path).name)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    verb = "would add" if dry_run else "added"
    click.echo(f"{verb} {len(result.added)}, updated {len(result.updated)}, skipped {len(result.skipped)} (unchanged)")
    titles = {e.id: e.question for e in entries}
    for label, ids in (("+", result.added), ("~", result.updated)):
        for faq_id in ids:
            click.echo(f"  {label} {faq_id}  {titles.get(faq_id, '')[:60]}")


@faq.command("list")
@click.option("--category", default=None)
@pass_obj
def faq_list(obj: Obj, category: str | None) -> None:
    """List FAQ entries."""
    from storage import faq as faq_store

    engine = _engine(obj.settings)
    upgrade(engine)
    with Session(engine) as session:
        entries = faq_store.load_entries(session)
    shown = [e for e in entries if category is None or e.category == category]
    for e in shown:
        click.echo(f"{e.id:<24} [{e.category}] {e.question}")
    click.echo(f"{len(shown)} of {len(entries)} entries" + ("" if entries else " (seeded at first `wuye serve`)"))


@faq.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@pass_obj
def faq_export(obj: Obj, path: str) -> None:
    """Write the stored FAQ as TOML, to edit and import back."""
    from intents.faq import dump_faq_toml
    from storage import faq as faq_store

    with Session(_engine(obj.settings)) as session:
        entries = faq_store.load_entries(session)
    Path(path).write_text(dump_faq_toml(entries), encoding="utf-8")
    click.echo(f"wrote {len(entries)} entries to {path}")


@faq.command("remove")
@click.argument("ids", nargs=-1, required=True)
@pass_obj
def faq_remove(obj: Obj, ids: tuple[str, ...]) -> None:
    """Remove entries by id."""
    from storage import faq as faq_store

    with Session(_engine(obj.settings)) as session:
        gone = faq_store.remove(session, list(ids))
        session.commit()
    missing = sorted(set(ids) - set(gone))
    click.echo(f"removed {len(gone)}" + (f"; not found: {', '.join(missing)}" if missing else ""))


# ---------------------------------------------------------------- people


@main.group()
def residents() -> None:
    """The resident roster."""


@residents.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@pass_obj
def residents_import(obj: Obj, path: str) -> None:
    """Import a roster CSV (building, unit, room, name, phone[, openid]); all rows or none."""
    from bot.roster import apply_roster, parse_roster

    rows, errors = parse_roster(path)
    if errors:
        for e in errors:
            click.echo(e, err=True)
        raise click.ClickException(f"{len(errors)} bad row(s); nothing was imported")
    engine = _engine(obj.settings)
    upgrade(engine)
    with Session(engine) as session:
        result = apply_roster(session, rows)
        session.commit()
    click.echo(f"added {result.added}, updated {result.updated}, unchanged {result.unchanged}")


@main.group()
def staff() -> None:
    """Staff, supervisors and managers."""


@staff.command("add")
@click.option("--openid", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["staff", "supervisor", "manager"]), default="staff", show_default=True)
@click.option("--phone", default="")
@click.option("--categories", default="", help="Comma-separated: 水电,门窗,电梯,公共照明,管道疏通,燃气,公共设施,其他,客服")
@click.option("--buildings", default="", help="Comma-separated building numbers (blank: all).")
@pass_obj
def staff_add(obj: Obj, openid: str, name: str, role: str, phone: str, categories: str, buildings: str) -> None:
    """Add a staff member, or update the one with this openid."""
    from bot.config import REPAIR_CATEGORIES
    from storage.clock import utcnow
    from storage.models import Person

    cats = [c.strip() for c in categories.replace("，", ",").split(",") if c.strip()]
    unknown = [c for c in cats if c not in (*REPAIR_CATEGORIES, "客服")]
    if unknown:
        raise click.BadParameter(f"unknown categor(y/ies) {', '.join(unknown)}", param_hint="--categories")
    engine = _engine(obj.settings)
    upgrade(engine)
    with Session(engine) as session:
        person = session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none()
        verb = "updated" if person else "added"
        person = person or Person(openid=openid)
        person.name, person.role, person.categories, person.buildings = name, role, ",".join(cats), buildings
        person.phone = phone or person.phone
        person.active, person.updated_at = True, utcnow()
        session.add(person)
        session.commit()
    click.echo(f"{verb} {role} {name} ({openid})")


@staff.command("list")
@pass_obj
def staff_list(obj: Obj) -> None:
    """List staff with their open ticket counts."""
    from storage import tickets as store
    from storage.models import Person

    engine = _engine(obj.settings)
    upgrade(engine)
    with Session(engine) as session:
        people = list(session.execute(
            select(Person).where(Person.role.in_(("staff", "supervisor", "manager"))).order_by(Person.role, Person.id)
        ).scalars())
        load = store.open_load(session, [p.id for p in people if p.id])
    for p in people:
        state = "" if p.active else " (inactive)"
        click.echo(f"{p.role:<10} {p.name:<8} {p.openid:<24} open={load.get(p.id or 0, 0):<3} "
                   f"categories={p.categories or '-'} buildings={p.buildings or 'all'}{state}")
    click.echo(f"{len(people)} people")


# ---------------------------------------------------------------- tickets


@main.group()
def tickets() -> None:
    """Tickets (repairs, complaints, praise, call-backs)."""


@tickets.command("list")
@click.option("--status", default=None, help="open, accepted, on_site, done, cancelled")
@click.option("--building", default=None)
@click.option("--limit", default=50, show_default=True)
@pass_obj
def tickets_list(obj: Obj, status: str | None, building: str | None, limit: int) -> None:
    """List tickets, newest first."""
    from bot.ticket_flow import STATUS_LABEL, local
    from storage.models import Person, Ticket

    engine = _engine(obj.settings)
    upgrade(engine)
    with Session(engine) as session:
        q = select(Ticket).order_by(Ticket.id.desc()).limit(limit)
        if status:
            q = q.where(Ticket.status == status)
        if building:
            q = q.where(Ticket.building == building)
        rows = list(session.execute(q).scalars())
        names = {p.id: p.name for p in session.execute(select(Person)).scalars()}
    for t in rows:
        created = local(obj.settings, t.created_at).strftime("%m-%d %H:%M")
        click.echo(f"{t.number} {created} {STATUS_LABEL.get(t.status, t.status):<4} {'急' if t.urgent else ' '} "
                   f"{t.category:<5} {t.place or '-':<14} {names.get(t.assignee_id, '-'):<6} {t.description[:30]}")
    click.echo(f"{len(rows)} ticket(s)")


@tickets.command("show")
@click.argument("number")
@pass_obj
def tickets_show(obj: Obj, number: str) -> None:
    """One ticket with its events."""
    from bot.ticket_flow import STATUS_LABEL, local
    from storage import tickets as store
    from storage.models import Person

    engine = _engine(obj.settings)
    upgrade(engine)
    with Session(engine) as session:
        t = store.by_number(session, number)
        if t is None:
            raise click.ClickException(f"no ticket {number}; `wuye tickets list` shows the numbers")
        names = {p.id: p.name or p.openid for p in session.execute(select(Person)).scalars()}
        events = store.events(session, t)
    click.echo(f"{t.number}  {t.kind}/{t.category}  {STATUS_LABEL.get(t.status, t.status)}{'  紧急' if t.urgent else ''}")
    click.echo(f"place: {t.place or '-'}   phone: {t.contact_phone or '-'}   time: {t.preferred_time or '尽快'}")
    click.echo(f"reporter: {names.get(t.reporter_id, '-')}   assignee: {names.get(t.assignee_id, '-')}")
    click.echo(f"description: {t.description}")
    if t.photos:
        click.echo("photos: " + " ".join(t.photos))
    for e in events:
        when = local(obj.settings, e.created_at).strftime("%Y-%m-%d %H:%M")
        click.echo(f"  {when}  {e.action:<12} {names.get(e.actor_id, 'system'):<8} {e.note}")


# ---------------------------------------------------------------- report


@main.command()
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First day (default: 30 days ago).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day, inclusive (default: today).")
@click.option("--by", type=click.Choice(["category", "staff", "building", "week"]), default=None)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None, help="Also write the rows as CSV.")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False), default=None,
              help="PNG of the weekly trend of volume and satisfaction.")
@pass_obj
def report(obj: Obj, start, end, by: str | None, csv_path: str | None, chart_path: str | None) -> None:  # type: ignore[no-untyped-def]
    """Tickets, response times, escalations, survey response and satisfaction."""
    from datetime import timedelta

    from bot import report as rep
    from storage.clock import utcnow

    settings = obj.settings
    tz = settings.community.tz
    today = utcnow().astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    first = start.replace(tzinfo=tz) if start else today - timedelta(days=30)
    last = (end.replace(tzinfo=tz) if end else today) + timedelta(days=1)
    if last <= first:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    engine = _engine(settings)
    upgrade(engine)
    with Session(engine) as session:
        rows = rep.compute(session, settings, first, last, by)
        weekly = rep.compute(session, settings, first, last, "week") if chart_path else []
    click.echo(f"{settings.community.name}  {first:%Y-%m-%d} .. {last - timedelta(days=1):%Y-%m-%d}")
    click.echo(rep.format_table(rows))
    if csv_path:
        rep.write_csv(rows, csv_path)
        click.echo(f"wrote {csv_path}")
    if chart_path:
        try:
            rep.write_chart(weekly, chart_path, f"{first:%Y-%m-%d} .. {last - timedelta(days=1):%Y-%m-%d}")
        except ImportError:
            raise click.ClickException("the chart needs matplotlib: pip install 'wuye[report]'") from None
        click.echo(f"wrote {chart_path}")


# ---------------------------------------------------------------- notices


@main.group()
def notice() -> None:
    """Notices (通知公告) to residents or staff: send, list, status, resend."""


def _when(settings: Settings, value: str | None, param: str, end_of_day: bool = False):  # type: ignore[no-untyped-def]
    from bot.notices import parse_local

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
@click.option("--at", "at", default=None, help='Send later, e.g. "2026-12-01 09:00" (community time zone).')
@click.option("--until", "until", default=None, help="Stop showing it after this date/time.")
@click.option("--as", "author", required=True, help="The manager's openid (only managers may broadcast).")
@click.option("--dry-run", is_flag=True, help="Show who would get it; store and send nothing.")
@click.option("--yes", is_flag=True, help="Confirm a notice to more than [notice] confirm_over people.")
@pass_obj
def notice_send(obj: Obj, title: str, body: str, to: str, at: str | None, until: str | None, author: str,
                dry_run: bool, yes: bool) -> None:
    """Send (or schedule) a notice; the worker delivers it."""
    from bot import notices
    from storage import people
    from storage.clock import utcnow
    from storage.models import Notice

    settings = obj.settings
    audience = notices.parse_audience(to)
    if audience is None:
        raise click.BadParameter("use all, building:3,5 or staff", param_hint="--to")
    send_at, shown_until = _when(settings, at, "--at"), _when(settings, until, "--until", end_of_day=True)
    now = utcnow()
    if shown_until is not None and shown_until <= (send_at or now):
        raise click.BadParameter("is before the notice goes out", param_hint="--until")
    engine = _engine(settings)
    upgrade(engine)
    with Session(engine) as session:
        person = people.by_openid(session, author)
        if not notices.may_broadcast(person):
            role = person.role if person else "unknown"
            raise click.ClickException(f"only managers may send notices; {author} is {role}")
        plan = notices.plan(session, audience)
        when = notices.local_label(settings, send_at, "%Y-%m-%d %H:%M") if send_at else "now"
        click.echo(f"to {audience.spec}: {plan.count} recipient(s), {len(plan.unsubscribed)} unsubscribed (not sent); "
                   f"sending {when}" + (f", shown until {notices.local_label(settings, shown_until, '%Y-%m-%d %H:%M')}"
                                        if shown_until else ""))
        draft = Notice(title=title, body=body, until=shown_until)
        click.echo(notices.message_text(settings, draft))
        if dry_run:
            click.echo("dry run: nothing stored, nothing sent")
            return
        if plan.count == 0:
            raise click.ClickException("nobody to send it to; nothing stored")
        limit = settings.notice.confirm_over
        if plan.count > limit and not yes and not click.confirm(f"send to {plan.count} people (more than {limit})?"):
            raise click.ClickException("not confirmed; nothing stored")
        n = notices.create(session, settings, title=title, body=body, audience=audience, author=person, now=now,
                           send_at=send_at, until=shown_until, recipients=plan.count)
        session.commit()
        click.echo(f"notice #{n.id} {'scheduled' if send_at and send_at > now else 'queued'}; "
                   f"`wuye notice status {n.id}` shows its delivery")


@notice.command("list")
@click.option("--limit", default=20, show_default=True)
@pass_obj
def notice_list(obj: Obj, limit: int) -> None:
    """Notices, newest first, with their delivery counts."""
    from bot import notices
    from storage.models import Notice

    settings = obj.settings
    engine = _engine(settings)
    upgrade(engine)
    with Session(engine) as session:
        rows = list(session.execute(select(Notice).order_by(Notice.id.desc()).limit(limit)).scalars())
        for n in rows:
            c = notices.counts(session, n.id or 0)
            until = notices.local_label(settings, n.until, "%m-%d %H:%M") if n.until else "-"
            click.echo(f"#{n.id:<4} {notices.local_label(settings, n.send_at, '%Y-%m-%d %H:%M')} until {until:<11} "
                       f"{n.status:<9} {n.audience:<16} sent {c['sent']}/{n.recipients} failed {c['failed']}  {n.title}")
    click.echo(f"{len(rows)} notice(s)")


@notice.command("status")
@click.argument("notice_id", type=int)
@pass_obj
def notice_status(obj: Obj, notice_id: int) -> None:
    """Counts per delivery state, WeChat's mass-send reports, and who it failed for."""
    from bot import notices
    from storage.models import Notice

    settings = obj.settings
    engine = _engine(settings)
    upgrade(engine)
    with Session(engine) as session:
        n = session.get(Notice, notice_id)
        if n is None:
            raise click.ClickException(f"no notice {notice_id}; `wuye notice list` shows them")
        c = notices.counts(session, notice_id)
        click.echo(f"#{n.id} {n.title}  [{n.status}, via {n.via or '-'}, to {n.audience}]")
        click.echo(f"send at {notices.local_label(settings, n.send_at, '%Y-%m-%d %H:%M')}"
                   + (f", shown until {notices.local_label(settings, n.until, '%Y-%m-%d %H:%M')}" if n.until else ""))
        click.echo(f"recipients {n.recipients}: pending {c['pending']}, sent {c['sent']} (confirmed {c['confirmed']}), "
                   f"failed {c['failed']}, unsubscribed {c['unsubscribed']}")
        for b in notices.batches(session, notice_id):
            counts = "" if b.total_count is None else f" total {b.total_count} sent {b.sent_count} errors {b.error_count}"
            click.echo(f"  mass send {b.building + '栋' if b.building else 'to all'}: {b.status} msg_id={b.msg_id or '-'} "
                       f"{b.result}{counts}")
        for d, name in notices.failures(session, notice_id):
            click.echo(f"  failed {d.openid:<24} {name or '-':<8} errcode={d.errcode or '-'} {d.error or ''}")
        if c["failed"]:
            click.echo(f"`wuye notice resend {notice_id} --failed` sends those again")


@notice.command("resend")
@click.argument("notice_id", type=int)
@click.option("--failed", is_flag=True, required=True, help="Send again to the recipients it failed for.")
@pass_obj
def notice_resend(obj: Obj, notice_id: int, failed: bool) -> None:
    """Send a notice again to just the recipients it failed for."""
    from bot.notice_delivery import resend_failed
    from storage.clock import utcnow
    from storage.models import Notice

    engine = _engine(obj.settings)
    upgrade(engine)
    with Session(engine) as session:
        n = session.get(Notice, notice_id)
        if n is None:
            raise click.ClickException(f"no notice {notice_id}; `wuye notice list` shows them")
        count = resend_failed(session, obj.settings, n, utcnow())
        session.commit()
    click.echo(f"re-queued {count} failed delivery(ies) of notice #{notice_id}; the worker sends them")


@notice.command("cancel")
@click.argument("notice_id", type=int)
@pass_obj
def notice_cancel(obj: Obj, notice_id: int) -> None:
    """Cancel a scheduled notice that has not gone out yet."""
    from bot import notices
    from storage.models import Notice

    engine = _engine(obj.settings)
    upgrade(engine)
    with Session(engine) as session:
        n = session.get(Notice, notice_id)
        if n is None:
            raise click.ClickException(f"no notice {notice_id}")
        if not notices.cancel(session, n):
            raise click.ClickException(f"notice #{notice_id} is {n.status}; only scheduled ones can be cancelled")
        session.commit()
    click.echo(f"notice #{notice_id} cancelled")


def _register_optional() -> None:
    try:
        from bot.cli_nlu import eval_command, nlu_command
    except ImportError:  # pragma: no cover - during partial installs
        return
    main.add_command(nlu_command, "nlu")
    main.add_command(eval_command, "eval")


_register_optional()

if __name__ == "__main__":  # pragma: no cover
    main()
