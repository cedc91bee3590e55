"""`wuye menu push` / `wuye menu show`."""

from __future__ import annotations

import click

from bot.cli.base import Obj, engine_for, pass_obj


@click.group()
def menu() -> None:
    """The account's custom menu (自定义菜单)."""


def _deliverer(obj: Obj):  # type: ignore[no-untyped-def]
    from bot.domains import install_all
    from bot.outbound.delivery import deliver_due
    from bot.wechat.api import make_client
    from storage.migrate import upgrade

    install_all()
    engine = engine_for(obj.settings)
    upgrade(engine)
    client = make_client(obj.settings)
    return engine, lambda: deliver_due(engine, client, obj.settings.worker)


@menu.command("push")
@pass_obj
def menu_push(obj: Obj) -> None:
    """Send [menu] buttons to WeChat, and the staff menu for the staff tag."""
    from bot.wechat.menu import push

    engine, deliver = _deliverer(obj)
    steps = push(engine, obj.settings, deliver)
    for step in steps:
        click.echo(f"{'ok  ' if step.ok else 'FAIL'} {step.what}: {step.detail}")
    if not all(s.ok for s in steps):
        raise click.ClickException(
            "the menu was not (fully) sent; 48001 means this account may not use the menu API "
            "(unverified subscription accounts), 40018-40027 a button WeChat refuses"
        )
    click.echo("WeChat shows a new menu to followers within a few minutes (unfollow and follow to see it now).")


@menu.command("show")
@pass_obj
def menu_show(obj: Obj) -> None:
    """Print the menu WeChat has for the account."""
    from sqlmodel import Session

    from bot.outbound import outbox
    from bot.wechat.menu import describe, wait
    from storage.clock import utcnow

    engine, deliver = _deliverer(obj)
    key = f"menu:get:{utcnow():%Y%m%d%H%M%S%f}"
    with Session(engine) as s:
        outbox.enqueue(s, kind="api", endpoint="menu/get", body={}, method="get", dedupe_key=key)
        s.commit()
    row = wait(engine, deliver, key)
    if row.status != "sent":
        raise click.ClickException(f"menu/get failed: {row.last_error} (46003: the account has no menu yet; "
                                   "`wuye menu push` sends one)")
    for line in describe(row.result or {}):
        click.echo(line)


COMMANDS = ["menu"]
