"""One official account, many communities (多项目): the migration that moves a one-community
database into its default community, the CLI, and two communities that both have a 3栋."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cli import main
from storage import communities
from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.models import Community, Person

# ---------------------------------------------------------------- the migration


def _value(column: sa.Column, i: int) -> object:
    """A value for row i (1 or 2) of any column: integers are i, so every foreign key finds row i."""
    t = column.type
    if isinstance(t, sa.Boolean):
        return bool(i % 2)
    if isinstance(t, sa.Integer):
        return i
    if isinstance(t, sa.DateTime):
        return datetime(2026, 11, 20 + i, 8, 0, tzinfo=UTC)
    if isinstance(t, sa.JSON):
        return []
    length = getattr(t, "length", None) or 40
    return f"{column.name[:6]}{i}"[:length]


def test_migration_moves_a_one_community_database_into_the_default_community(engine: Engine) -> None:
    downgrade(engine, "0010")
    meta = sa.MetaData()
    meta.reflect(bind=engine)
    tables = [t for t in meta.sorted_tables if t.name != "alembic_version"]
    with engine.begin() as conn:
        for table in tables:
            for i in (1, 2):
                conn.execute(table.insert().values({c.name: _value(c, i) for c in table.columns}))
    before = {t.name: 2 for t in tables}

    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        counts = {name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in before}
        assert counts == before  # every row kept
        default_id, = conn.execute(sa.text("SELECT id FROM communities WHERE is_default")).scalars()
        assert conn.execute(sa.text("SELECT count(*) FROM communities")).scalar_one() == 1
        for table in ("houses", "tickets", "surveys", "notices", "faq_items"):
            ids = set(conn.execute(sa.text(f"SELECT community_id FROM {table}")).scalars())
            assert ids == {default_id}, table
        assert set(conn.execute(sa.text("SELECT community_ids FROM people")).scalars()) == {str(default_id)}
        # The same address may now exist once per community.
        conn.execute(sa.text("INSERT INTO communities (name, address, hotline, duty_phone, office_hours, "
                             "office_location, timezone, is_default, created_at, updated_at) VALUES "
                             "('翠湖苑', '', '', '', '08:30-18:00', '', 'Asia/Shanghai', false, "
                             ":t, :t)"), {"t": datetime(2026, 12, 1, tzinfo=UTC)})
        other = conn.execute(sa.text("SELECT id FROM communities WHERE name = '翠湖苑'")).scalar_one()
        conn.execute(sa.text("INSERT INTO houses (id, community_id, building, unit, room, created_at) "
                             "SELECT id + 100, :c, building, unit, room, created_at FROM houses"), {"c": other})
        conn.commit()


def test_downgrade_from_communities_keeps_the_rows(engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Person(openid="o-1", role="resident"))
        s.commit()
    downgrade(engine, "0010")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM people")).scalar_one() == 1
    upgrade(engine)


# ---------------------------------------------------------------- the command line


def run(args: list[str], db: Path, **env: str):  # type: ignore[no-untyped-def]
    environ = {"WUYE_DATABASE__URL": f"sqlite:///{db}", **env}
    return CliRunner().invoke(main, args, env=environ, catch_exceptions=False)


def test_community_add_list_show_and_staff_and_roster_by_community(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    env = {"WUYE_COMMUNITY__NAME": "阳光花园", "WUYE_COMMUNITY__HOTLINE": "0571-1111-2222"}
    res = run(["community", "add", "--name", "翠湖苑", "--hotline", "0571-3333-4444",
               "--office-location", "2栋1楼服务中心", "--office-hours", "09:00-17:00"], db, **env)
    assert res.exit_code == 0, res.output
    assert "added community 翠湖苑" in res.output
    res = run(["community", "add", "--name", "翠湖苑", "--office-hours", "9点"], db, **env)
    assert res.exit_code == 1 and "--office-hours" in res.output
    res = run(["community", "add", "--name", "阳光花园"], db, **env)
    assert res.exit_code == 1 and "[community]" in res.output

    listing = run(["community", "list"], db, **env).output
    assert "阳光花园" in listing and "0571-1111-2222" in listing and "(default" in listing
    assert "翠湖苑" in listing and "0571-3333-4444" in listing and "2 communities" in listing

    assert run(["staff", "add", "--openid", "o-a", "--name", "张师傅", "--categories", "水电",
                "--community", "阳光花园"], db, **env).exit_code == 0
    assert run(["staff", "add", "--openid", "o-b", "--name", "李师傅", "--categories", "水电",
                "--community", "翠湖苑"], db, **env).exit_code == 0
    assert run(["staff", "add", "--openid", "o-m", "--name", "孙经理", "--role", "manager",
                "--all-communities"], db, **env).exit_code == 0
    res = run(["staff", "add", "--openid", "o-x", "--name", "X", "--community", "没有这个"], db, **env)
    assert res.exit_code == 2 and "no community named '没有这个'" in res.output

    shown = run(["community", "show", "翠湖苑"], db, **env).output
    assert "0571-3333-4444" in shown and "09:00-17:00" in shown and "2栋1楼服务中心" in shown
    assert "李师傅" in shown and "孙经理" in shown and "张师傅" not in shown
    res = run(["community", "show", "没有这个"], db, **env)
    assert res.exit_code == 1 and "no community named" in res.output

    roster = tmp_path / "roster.csv"
    roster.write_text("小区,楼栋,单元,房号,姓名,电话\n阳光花园,3,2,501,王芳,13800001111\n"
                      "翠湖苑,3,2,501,钱多,13800002222\n,5,1,302,李强,13800003333\n", encoding="utf-8")
    res = run(["residents", "import", str(roster), "--community", "翠湖苑"], db, **env)
    assert res.exit_code == 0, res.output
    bad = tmp_path / "bad.csv"
    bad.write_text("小区,楼栋,单元,房号,姓名,电话\n不存在小区,3,2,501,王芳,13800001111\n", encoding="utf-8")
    res = run(["residents", "import", str(bad)], db, **env)
    assert res.exit_code == 1 and "bad.csv line 2: no community named '不存在小区'" in res.output

    from storage.db import make_engine
    from storage.models import House

    eng = make_engine(f"sqlite:///{db}")
    with Session(eng) as s:
        by_id = {c.id: c.name for c in communities.all_(s)}
        homes = sorted((by_id[h.community_id], h.building, h.room) for h in s.execute(sa.select(House)).scalars())
        assert homes == [("翠湖苑", "3", "501"), ("翠湖苑", "5", "302"), ("阳光花园", "3", "501")]
        m = s.execute(sa.select(Person).where(Person.openid == "o-m")).scalar_one()
        assert communities.is_company_level(s, m)
        b = s.execute(sa.select(Person).where(Person.openid == "o-b")).scalar_one()
        assert not communities.is_company_level(s, b)
        default = s.execute(sa.select(Community).where(Community.is_default)).scalar_one()
        assert (default.name, default.hotline) == ("阳光花园", "0571-1111-2222")
    eng.dispose()
