"""The FAQ lives in the database: seeded at first start, imported and edited afterwards."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from bot.cli import main
from bot.dialogue import nlu as nlu_module
from bot.services import Services
from intents.faq import default_faq
from storage.models import FaqItem
from tests.conftest import SHARED

SEED_DOC = SHARED / "seeds" / "001_60c7cc89d963a205.txt"


def faq_count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(FaqItem)).scalar_one()


def cli(engine, *args: str):  # type: ignore[no-untyped-def]
    url = engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(main, list(args), env={"WUYE_DATABASE__URL": url}, catch_exceptions=False)


def test_first_start_seeds_the_shipped_faq_once(settings, engine) -> None:  # type: ignore[no-untyped-def]
    svc = Services.build(settings, engine)
    assert faq_count(engine) == len(default_faq()) >= 50
    assert {e.id for e in svc.nlu.entries} == {e.id for e in default_faq()}
    Services.build(settings, engine)  # a restart adds nothing
    assert faq_count(engine) == len(default_faq())


@pytest.mark.skipif(not SEED_DOC.exists(), reason="shared seeds not present")
def test_importing_the_same_document_twice_duplicates_nothing(engine) -> None:  # type: ignore[no-untyped-def]
    first = cli(engine, "faq", "import", str(SEED_DOC))
    assert first.exit_code == 0, first.output
    assert first.output.startswith("added 8, updated 0, skipped 0")
    second = cli(engine, "faq", "import", str(SEED_DOC))
    assert second.output.startswith("added 0, updated 0, skipped 8")
    assert faq_count(engine) == 8


def test_malformed_file_is_refused_with_its_line_and_nothing_changes(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "ok.csv"
    good.write_text("问题,答案\n停车费多少,每月300元\n", encoding="utf-8")
    assert cli(engine, "faq", "import", str(good)).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("问题,答案\n物业费怎么交,公众号缴费\n快递放哪,\n", encoding="utf-8")
    res = cli(engine, "faq", "import", str(bad))
    assert res.exit_code == 1
    assert "line 3" in res.output and "nothing was imported" in res.output
    assert faq_count(engine) == 1


def test_edit_by_reimport_and_export_round_trip(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "faq.csv"
    src.write_text("id,问题,答案\npark-fee,停车费多少,每月300元\n", encoding="utf-8")
    cli(engine, "faq", "import", str(src))
    src.write_text("id,问题,答案\npark-fee,停车费多少,每月350元\n", encoding="utf-8")
    res = cli(engine, "faq", "import", str(src))
    assert res.output.startswith("added 0, updated 1, skipped 0")
    out = tmp_path / "export.toml"
    cli(engine, "faq", "export", str(out))
    assert "每月350元" in out.read_text(encoding="utf-8")
    assert cli(engine, "faq", "import", str(out)).output.startswith("added 0, updated 0, skipped 1")
    assert "removed 1" in cli(engine, "faq", "remove", "park-fee").output
    assert faq_count(engine) == 0


def test_running_bot_picks_up_an_imported_answer(settings, engine, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    svc = Services.build(settings, engine)
    assert svc.nlu.entry("fee-pay") is not None
    src = tmp_path / "fee.toml"
    src.write_text(
        '[[faq]]\nid = "fee-pay"\ncategory = "费用"\nquestion = "物业费怎么交？"\n'
        'alternates = ["在哪交物业费", "物业费怎么缴"]\nanswer = "新规定：请到3号窗口缴费。"\n',
        encoding="utf-8",
    )
    cli(engine, "faq", "import", str(src))
    monkeypatch.setattr(nlu_module, "RECHECK_SECONDS", 0.0)
    svc.nlu.understand("你好")  # notices the change, rebuilds in the background
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "3号窗口" not in (svc.nlu.entry("fee-pay").answer):  # type: ignore[union-attr]
        time.sleep(0.05)
    assert svc.nlu.entry("fee-pay").answer == "新规定：请到3号窗口缴费。"  # type: ignore[union-attr]
