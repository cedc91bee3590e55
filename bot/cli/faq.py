"""`wuye faq`: the FAQ the bot answers from."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.base import Obj, database, engine_for, named_community, pass_obj


@click.group()
def faq() -> None:
    """The FAQ the bot answers from (stored in the database)."""


@faq.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@click.option("--community", "community_name", default="",
              help="This community's own answers: to questions the FAQ has, its answer; new questions "
                   "are answered to its residents only.")
@pass_obj
def faq_import(obj: Obj, path: str, dry_run: bool, community_name: str) -> None:
    """Import PATH (.toml .csv .xlsx .docx .txt .md); re-importing updates, never duplicates."""
    from intents.faq import FaqFormatError
    from storage import faq as faq_store
    from storage.faq_import import read_faq_file

    try:
        entries = read_faq_file(path)
    except FaqFormatError as exc:
        raise click.ClickException(f"{exc}; nothing was imported") from None
    with database(obj.settings) as session:
        community_id = None
        if community_name:
            community_id = named_community(session, community_name).id
        result = faq_store.import_entries(session, entries, Path(path).name, community_id)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    verb = "would add" if dry_run else "added"
    click.echo(
        f"{verb} {len(result.added)}, updated {len(result.updated)}, skipped {len(result.skipped)} (unchanged)"
    )
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

    with database(obj.settings) as session:
        entries = faq_store.load_entries(session)
    shown = [e for e in entries if category is None or e.category == category]
    for e in shown:
        click.echo(f"{e.id:<24} [{e.category}] {e.question}")
    click.echo(
        f"{len(shown)} of {len(entries)} entries"
        + ("" if entries else " (seeded at first `wuye serve`)")
    )


@faq.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@pass_obj
def faq_export(obj: Obj, path: str) -> None:
    """Write the stored FAQ as TOML, to edit and import back."""
    from sqlmodel import Session

    from intents.faq import dump_faq_toml
    from storage import faq as faq_store

    with Session(engine_for(obj.settings)) as session:
        entries = faq_store.load_entries(session)
    Path(path).write_text(dump_faq_toml(entries), encoding="utf-8")
    click.echo(f"wrote {len(entries)} entries to {path}")


@faq.command("remove")
@click.argument("ids", nargs=-1, required=True)
@pass_obj
def faq_remove(obj: Obj, ids: tuple[str, ...]) -> None:
    """Remove entries by id."""
    from sqlmodel import Session

    from storage import faq as faq_store

    with Session(engine_for(obj.settings)) as session:
        gone = faq_store.remove(session, list(ids))
        session.commit()
    missing = sorted(set(ids) - set(gone))
    click.echo(f"removed {len(gone)}" + (f"; not found: {', '.join(missing)}" if missing else ""))


COMMANDS = ["faq"]
