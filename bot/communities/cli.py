"""`wuye community add/list/show`: the communities one official account serves."""

from __future__ import annotations

import click

from bot.cli.base import Obj, database, echo_table, pass_obj


@click.group()
def community() -> None:
    """Communities (小区/项目); the default one is the config's [community]."""


@community.command("add")
@click.option("--name", required=True, help="e.g. 翠湖苑 (unique).")
@click.option("--address", default="")
@click.option("--hotline", default="", help="Blank: the config's [community] hotline.")
@click.option("--duty-phone", "duty_phone", default="", help="Blank: the config's [community] duty_phone.")
@click.option("--office-hours", "office_hours", default="", help="e.g. 08:30-18:00 (blank: the config's).")
@click.option("--office-location", "office_location", default="", help="e.g. 2栋1楼物业服务中心")
@click.option("--timezone", default="", help="IANA name (blank: the config's, e.g. Asia/Shanghai).")
@pass_obj
def community_add(obj: Obj, name: str, address: str, hotline: str, duty_phone: str, office_hours: str,
                  office_location: str, timezone: str) -> None:
    """Add a community, or update the one with this name (the default one is edited in the config)."""
    from bot.communities import records

    with database(obj.settings) as session:
        try:
            row, new = records.save(session, obj.settings, name=name, address=address, hotline=hotline,
                                    duty_phone=duty_phone, office_hours=office_hours,
                                    office_location=office_location, timezone=timezone)
        except records.CommunityError as exc:
            raise click.ClickException(str(exc)) from None
        said = f"{'added' if new else 'updated'} community {row.name} (id {row.id})"
        session.commit()
    click.echo(said)


@community.command("list")
@pass_obj
def community_list(obj: Obj) -> None:
    """Every community with its houses, residents, staff and open tickets."""
    from bot.communities import records

    with database(obj.settings) as session:
        rows = records.summaries(session, obj.settings)
        session.commit()
    echo_table(
        [
            (s.id, s.name, f"houses={s.houses}", f"residents={s.residents}", f"staff={s.staff}",
             f"open={s.open_tickets}", f"hotline={s.hotline}{' (default: [community] in the config)' if s.default else ''}")
            for s in rows
        ],
        (3, 10, 11, 14, 9, 9, 0),
        "{} communit" + ("y" if len(rows) == 1 else "ies"),
    )


@community.command("show")
@click.argument("name")
@pass_obj
def community_show(obj: Obj, name: str) -> None:
    """One community's details and who serves it."""
    from bot.communities import records

    with database(obj.settings) as session:
        try:
            lines = records.describe(session, obj.settings, name)
        except records.CommunityError as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
    for line in lines:
        click.echo(line)


COMMANDS = ["community"]
