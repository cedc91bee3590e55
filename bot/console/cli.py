"""`wuye console link --as OPENID`: a one-time sign-in link to the web console."""

from __future__ import annotations

import click

from bot.cli.base import Obj, database, pass_obj


@click.group()
def console() -> None:
    """The web console (物业管理后台) at /console/."""


@console.command("link")
@click.option("--as", "openid", required=True, help="The openid of a staff member, supervisor or manager.")
@pass_obj
def console_link(obj: Obj, openid: str) -> None:
    """Print a sign-in URL: it works once, for [console] link_minutes (10 by default)."""
    from bot.console import links
    from storage.clock import utcnow

    settings = obj.settings
    if not settings.console.enabled:
        raise click.ClickException("the console is off ([console] enabled = false); turn it on to sign in")
    with database(settings) as session:
        try:
            url = links.issue_for_openid(session, settings, openid, utcnow())
        except links.Refused as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
    click.echo(url)
    click.echo(f"(works once, for {settings.console.link_minutes} minutes)", err=True)


COMMANDS = ["console"]
