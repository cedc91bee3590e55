"""The roster, staff, supervisors and managers."""

from __future__ import annotations

import click

from bot.cli.base import Obj, database, echo_table, pass_obj


@click.group()
def residents() -> None:
    """The resident roster."""


@residents.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--community", default="", help="The community of every row without a community column "
                                               "(default: the default community).")
@pass_obj
def residents_import(obj: Obj, path: str, community: str) -> None:
    """Import a roster CSV (building, unit, room, name, phone[, openid][, community]); all rows or none."""
    from pathlib import Path

    from bot.people.roster import apply_roster, check_communities, parse_roster
    from storage import communities

    rows, errors = parse_roster(path)
    with database(obj.settings) as session:
        communities.sync_default(session, obj.settings.community)
        errors += check_communities(session, rows, community.strip(), Path(path).name)
        if errors:
            for e in errors:
                click.echo(e, err=True)
            raise click.ClickException(f"{len(errors)} bad row(s); nothing was imported")
        result = apply_roster(session, rows, community.strip())
        session.commit()
    click.echo(f"added {result.added}, updated {result.updated}, unchanged {result.unchanged}")


@click.group()
def staff() -> None:
    """Staff, supervisors and managers."""


@staff.command("add")
@click.option("--openid", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice(["staff", "supervisor", "manager"]),
    default="staff",
    show_default=True,
)
@click.option("--phone", default="")
@click.option(
    "--categories",
    default="",
    help="Comma-separated: 水电,门窗,电梯,公共照明,管道疏通,燃气,公共设施,其他,客服",
)
@click.option("--buildings", default="", help="Comma-separated building numbers (blank: all).")
@click.option("--community", "community_names", multiple=True,
              help="A community they serve (repeat, or comma-separated); default: the default community. "
                   "Categories and buildings apply within each.")
@click.option("--all-communities", "company", is_flag=True,
              help="Company level: serves (and, as a manager, sees) every community.")
@pass_obj
def staff_add(
    obj: Obj, openid: str, name: str, role: str, phone: str, categories: str, buildings: str,
    community_names: tuple[str, ...], company: bool,
) -> None:
    """Add a staff member, or update the one with this openid."""
    from bot.people import staff as staff_records
    from storage.clock import utcnow

    with database(obj.settings) as session:
        try:
            ids = [] if company else staff_records.community_ids(session, community_names)
            _, new = staff_records.save(session, openid=openid, name=name, role=role, phone=phone,
                                        categories=categories, buildings=buildings, now=utcnow(),
                                        community_ids=ids)
        except staff_records.StaffError as exc:
            raise click.BadParameter(str(exc)) from None
        session.commit()
    click.echo(f"{'added' if new else 'updated'} {role} {name} ({openid})")


@staff.command("list")
@pass_obj
def staff_list(obj: Obj) -> None:
    """List staff with their open ticket counts."""
    from sqlalchemy import select

    from storage import communities
    from storage import tickets as store
    from storage.models import Person

    with database(obj.settings) as session:
        people = list(
            session.execute(
                select(Person)
                .where(Person.role.in_(("staff", "supervisor", "manager")))
                .order_by(Person.role, Person.id)
            ).scalars()
        )
        load = store.open_load(session, [p.id for p in people if p.id])
        names = {c.id: c.name for c in communities.all_(session)}
        company = {p.id: communities.is_company_level(session, p) for p in people}
    def where(p: Person) -> str:
        return "all" if company[p.id] else ",".join(names.get(i, str(i)) for i in communities.ids_of(p))

    echo_table(
        [
            (p.role, p.name, p.openid, f"open={load.get(p.id or 0, 0)}", f"communities={where(p)}",
             f"categories={p.categories or '-'}", f"buildings={p.buildings or 'all'}{'' if p.active else ' (inactive)'}")
            for p in people
        ],
        (10, 8, 24, 8, 0, 0, 0),
        "{} people",
    )


COMMANDS = ["residents", "staff"]
