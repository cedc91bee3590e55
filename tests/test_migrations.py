"""Alembic migrations build exactly the schema the models describe, up and down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.migrate import current_revision, downgrade, head_revision, upgrade


def test_migrations_match_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision(engine)


def test_downgrade_to_base_and_up_again(engine) -> None:  # type: ignore[no-untyped-def]
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {"people", "outbox", "inbound_messages", "faq_items"} <= set(inspect(engine).get_table_names())


def test_app_on_an_unmigrated_database_says_what_to_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from bot.app import create_app
    from bot.config import ConfigError, load_settings

    settings = load_settings(environ={"WUYE_DATABASE__URL": f"sqlite:///{tmp_path / 'new.db'}"})
    with pytest.raises(ConfigError, match="run `wuye db upgrade` first"):
        create_app(settings)
