"""Running wuye: the webhook, the worker, a local fake WeChat, the chat simulator."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from bot.cli.base import DEFAULT_FAKE_PORT, Obj, engine_for, pass_obj

if TYPE_CHECKING:
    from bot.config import Settings


@click.command()
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
    """Run the webhook (and, by default, the worker) in one process (waitress; see README)."""
    from sqlmodel import Session

    from bot.app import create_app
    from bot.outbound.worker import Worker
    from bot.safe_start import refusals, warnings
    from bot.services import Services
    from bot.serving import Server
    from storage.migrate import upgrade
    from wuye_dev.demo import seed_demo

    settings = obj.settings
    host = host or settings.server.host
    port = settings.server.port if port is None else port
    refused = refusals(settings, host)
    if refused:
        raise click.ClickException(
            f"refusing to listen on {host}:\n" + "\n".join(refused)
            + "\n(on 127.0.0.1 these development values are allowed)"
        )
    fake = None
    if demo:
        from wuye_dev.fake_wechat import FakeWeChat

        fake = FakeWeChat(
            port=fake_port, appid=settings.wechat.appid, secret=settings.wechat.secret
        )
        fake.start()
        settings.wechat.api_base = fake.url
    engine = engine_for(settings)
    upgrade(engine)
    services = Services.build(settings, engine)
    if not demo:
        for line in warnings(settings, engine):
            click.echo(line, err=True)
    click.echo("Preparing the FAQ index (the first start on a machine embeds the FAQ: ~15 s)…")
    services.nlu.warm()
    if demo:
        with Session(engine) as session:
            seed_demo(session)
    worker = None
    if settings.server.embedded_worker and not no_worker:
        worker = Worker(settings, engine)
        worker.start_background()
    app = create_app(services=services)
    srv = settings.server
    server = Server(
        app,
        host,
        port,
        threads=srv.threads,
        max_body_bytes=srv.max_body_bytes,
        drain_seconds=srv.drain_seconds,
        on_drain=worker.stop if worker is not None else None,
    )
    url = f"http://{server.host}:{server.port}/wechat"
    click.echo(
        f"wuye is listening on {url} (config: {settings.source}, database: {redacted_url(settings)})"
    )
    if settings.console.enabled:
        click.echo(
            f"Web console: http://{server.host}:{server.port}/console/ "
            f"(sign in: wuye console link --as {'demo-manager' if demo else 'OPENID'}, or send 后台 in chat)"
        )
    if fake is not None:
        click.echo(
            f"Demo: fake WeChat API on {fake.url} (calls: {fake.url}/_fake/calls).\n"
            "Next, in another terminal, talk to it as a resident:\n"
            "    make chat            # or: .venv/bin/wuye chat --as demo-resident-1\n"
            "Try: 物业费怎么交 / 3栋2单元501 厨房水管漏水 / 转人工.  Ctrl-C stops everything.\n"
            "Demo people (use with --as):\n" + demo_people_lines(settings.community.name)
        )
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if fake is not None:
            fake.stop()


def demo_people_lines(default_community: str) -> str:
    from wuye_dev.demo import COMPANY, DEMO_PEOPLE, SECOND

    lines = []
    for openid, role, name, _phone, address, categories, _buildings, community in DEMO_PEOPLE:
        where = f"{address[0]}栋{address[1]}单元{address[2]}" if address else categories or role
        place = "全公司" if community == COMPANY else (SECOND if community else default_community)
        lines.append(f"    {openid:<17} {role:<10} {name}  {place} {where}")
    return "\n".join(lines)


@click.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@pass_obj
def worker(obj: Obj, once: bool) -> None:
    """Run the worker alone (several may share one PostgreSQL)."""
    from bot.outbound.worker import Worker
    from storage import communities
    from storage.db import session_scope
    from storage.migrate import upgrade

    engine = engine_for(obj.settings)
    upgrade(engine)
    with session_scope(engine) as session:  # the config's [community] is the default community
        communities.sync_default(session, obj.settings.community)
    w = Worker(obj.settings, engine)
    if once:
        stats = w.drain()
        click.echo(
            f"claimed {stats.claimed}, sent {stats.sent}, retry later {stats.retried}, dead {stats.dead}"
        )
        return
    click.echo(
        f"wuye worker polling every {obj.settings.worker.poll_seconds}s ({redacted_url(obj.settings)})"
    )
    w.run_forever()


@click.command("fake-wechat")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_FAKE_PORT, show_default=True)
@pass_obj
def fake_wechat(obj: Obj, host: str, port: int) -> None:
    """Run a fake WeChat API that records every call (point [wechat] api_base at it)."""
    from wuye_dev.fake_wechat import run

    run(host, port, obj.settings.wechat.appid, obj.settings.wechat.secret)


@click.command()
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
    from wuye_dev.chat import run_chat

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


@click.command("config")
@pass_obj
def show_config(obj: Obj) -> None:
    """Validate the configuration and print it (secrets masked)."""
    from bot.redact import redact_settings

    data = redact_settings(obj.settings)
    for section, values in data.items():
        if not isinstance(values, dict):
            continue
        click.echo(f"[{section}]")
        for key, value in values.items():
            click.echo(f"{key} = {value!r}")
    click.echo(f"# source: {obj.settings.source}")


def redacted_url(settings: Settings) -> str:
    from bot.redact import redact_url

    return redact_url(settings.database.url)


COMMANDS = ["serve", "worker", "fake_wechat", "chat", "show_config"]
