"""What every command shares: the lazily loaded settings and the database engine.

Command modules import only click at the top: `wuye --help` and the commands that need no model
start without loading the database layer, pydantic or the NLU (each command imports what it uses)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from bot.config import Settings
    from storage.models import Community

DEFAULT_FAKE_PORT = 8081


class Obj:
    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from bot.config import ConfigError, load_settings

            try:
                self._settings = load_settings(self.config_path)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings


pass_obj = click.make_pass_decorator(Obj)


def engine_for(settings: Settings) -> Engine:
    from storage.db import make_engine

    return make_engine(settings.database.url, settings.database.echo)


@contextmanager
def database(settings: Settings) -> Iterator[Session]:
    """A session on the configured database, its schema brought up to the newest migration first
    (a command run right after an upgrade of the code works on the tables that code expects)."""
    from sqlmodel import Session

    from storage.migrate import upgrade

    engine = engine_for(settings)
    upgrade(engine)
    with Session(engine) as session:
        yield session


def named_community(session: Session, name: str) -> Community:
    """The community `--community` names; a usage error naming the command that lists them otherwise."""
    from storage import communities

    found = communities.by_name(session, name)
    if found is None or found.id is None:
        raise click.BadParameter(f"no community named '{name}' (`wuye community list`)", param_hint="--community")
    return found


def echo_table(rows: Sequence[Sequence[object]], widths: Sequence[int], total: str) -> None:
    """One line a row, each cell left-aligned to its width (0: as it is), then a count line;
    `total` is formatted with the number of rows, e.g. "{} ticket(s)"."""
    for row in rows:
        click.echo(" ".join(f"{cell!s:<{w}}" if w else str(cell) for cell, w in zip(row, widths, strict=True)))
    click.echo(total.format(len(rows)))
