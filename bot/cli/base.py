"""What every command shares: the lazily loaded settings and the database engine."""

from __future__ import annotations

import click
from sqlalchemy.engine import Engine

from bot.config import ConfigError, Settings, load_settings
from storage.db import make_engine

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


def engine_for(settings: Settings) -> Engine:
    return make_engine(settings.database.url, settings.database.echo)
