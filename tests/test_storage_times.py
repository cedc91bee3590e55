"""Every time the database hands back is aware UTC, on SQLite and PostgreSQL alike, so no code
has to repair a time it reads; a naive time is refused on the way in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import DateTime, select
from sqlalchemy.exc import StatementError
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

import storage.models  # noqa: F401  (registers every table)
from storage.models import House

SHANGHAI = timezone(timedelta(hours=8))


def test_every_datetime_column_is_the_utc_type() -> None:
    columns = [(t.name, c.name, c.type) for t in SQLModel.metadata.sorted_tables for c in t.columns
               if isinstance(c.type, DateTime | UTCDateTime)]
    assert len(columns) > 40
    assert [(t, c) for t, c, kind in columns if not isinstance(kind, UTCDateTime)] == []


def test_a_time_written_in_any_zone_reads_back_as_aware_utc(engine) -> None:  # type: ignore[no-untyped-def]
    written = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    with Session(engine) as s:
        s.add(House(building="3", unit="2", room="501", created_at=written))
        s.commit()
    with Session(engine) as s:
        row = s.execute(select(House)).scalar_one()
        column = s.execute(select(House.created_at)).scalar_one()
    for read in (row.created_at, column):
        assert read.tzinfo is not None and read.utcoffset() == timedelta(0)
        assert read == written and read.hour == 2
    with Session(engine) as s:  # comparisons in SQL use the same instant
        assert s.execute(select(House).where(House.created_at < datetime(2026, 11, 23, 2, 1, tzinfo=UTC))).first()


def test_a_naive_time_is_refused(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        s.add(House(building="3", unit="2", room="502", created_at=datetime(2026, 11, 23, 10, 0)))
        with pytest.raises(StatementError, match="timezone"):
            s.commit()
