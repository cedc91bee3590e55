"""The learning loop: unsure readings become review items, labels widen the FAQ and retrain
the model, and a running service picks the new model up without a restart."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.cli import main as wuye
from bot.config import load_settings
from bot.dialogue import nlu as nlu_module
from bot.dialogue.nlu import NluService
from intents.company import Label, fit_company_model, score, understander_for
from intents.faq import default_faq
from storage import faq as faq_store
from storage import nlu_review
from storage.models import NluReviewItem

PAIRS = [json.loads(x) for x in (Path(__file__).parent / "data" / "learning_pairs.jsonl").read_text("utf-8").splitlines()]


def _service(engine: Engine) -> NluService:
    url = engine.url.render_as_string(hide_password=False)
    return NluService.from_database(engine, load_settings(environ={"WUYE_DATABASE__URL": url}))


def _unseen() -> list[Label]:
    return [Label(p["unseen"], "faq", p["faq_id"]) for p in PAIRS]


def test_labelling_half_of_unseen_questions_improves_the_other_half(engine: Engine) -> None:
    service = _service(engine)
    before = score(service.understander(), _unseen())
    with Session(engine) as session:
        for p in PAIRS:
            item = nlu_review.record(session, "o-resident", p["labelled"], "unknown", {"intent": "unknown"})
            nlu_review.label_item(session, int(item.id or 0), "faq", p["faq_id"])
        model = fit_company_model(nlu_review.company_labels(session))
        nlu_review.save_model(session, model)
        session.commit()
        entries = faq_store.load_entries(session)
    after = score(understander_for(entries, model), _unseen())
    print(f"\nunseen half, FAQ top-1: before {before.line()}\n                      after  {after.line()}")
    assert after.faq_top1 > before.faq_top1
    assert after.intent_right >= before.intent_right


def test_a_running_service_reads_a_new_model_and_labels_without_restart(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = _service(engine)
    p = PAIRS[1]
    first = service.understand(p["unseen"])
    old = service.understander()
    with Session(engine) as session:
        item = nlu_review.record(session, "o-resident", p["labelled"], "unknown", {})
        nlu_review.label_item(session, int(item.id or 0), "faq", p["faq_id"])
        nlu_review.save_model(session, fit_company_model(nlu_review.company_labels(session)))
        session.commit()
    monkeypatch.setattr(nlu_module, "RECHECK_SECONDS", 0.0)
    deadline = time.monotonic() + 60
    while service.understander() is old and time.monotonic() < deadline:
        service.understand("你好")  # the poll happens on a message
        time.sleep(0.05)
    assert service.understander() is not old, "the service never rebuilt"
    again = service.understand(p["unseen"])
    assert p["labelled"] in service.entry(p["faq_id"]).alternates  # type: ignore[union-attr]
    assert (again.faq_id or again.candidates[0]) == p["faq_id"], (first, again)


def test_similar_messages_are_one_group_most_frequent_first(engine: Engine) -> None:
    with Session(engine) as session:
        faq_store.seed_if_empty(session, default_faq(), "test")
        for openid in ("o-1", "o-2", "o-3"):
            nlu_review.record(session, openid, "蓝卡在哪办？", "unknown", {})
        nlu_review.record(session, "o-4", "蓝卡 在哪办", "unknown", {})
        nlu_review.record(session, "o-5", "帮我订张高铁票", "unknown", {})
        groups = nlu_review.open_groups(session)
        assert [g.count for g in groups] == [4, 1]
        labels = nlu_review.label_item(session, groups[0].first_id, "faq", "access-card")
        assert {lb.text for lb in labels} == {"蓝卡在哪办？", "蓝卡 在哪办"}
        assert [g.count for g in nlu_review.open_groups(session)] == [1]


def test_the_dialogue_records_what_it_was_unsure_about(phone, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    phone.say("o-unsure", "帮我订一张明天去上海的高铁票")  # out of scope: the fallback answers
    phone.say("o-unsure", "物业费怎么交")  # answered from the FAQ
    phone.say("o-unsure", "不是这个")  # ... and that answer missed
    with Session(engine) as session:
        items = session.execute(select(NluReviewItem).where(NluReviewItem.openid == "o-unsure")).scalars().all()
        reasons = {(i.reason, i.text) for i in items}
    assert ("unknown", "帮我订一张明天去上海的高铁票") in reasons
    assert ("faq_rejected", "物业费怎么交") in reasons


def test_review_label_and_retrain_from_the_command_line(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    env = {"WUYE_DATABASE__URL": url}
    with Session(engine) as session:
        faq_store.seed_if_empty(session, default_faq(), "test")
        item = nlu_review.record(session, "o-cli", "小e管家的电话给一个", "unknown", {"intent": "unknown"})
        session.commit()
        item_id = int(item.id or 0)
    runner = CliRunner()
    out = runner.invoke(wuye, ["nlu", "review"], env=env)
    assert out.exit_code == 0, out.output
    assert "小e管家的电话给一个" in out.output and str(item_id) in out.output
    bad = runner.invoke(wuye, ["nlu", "label", str(item_id), "--faq", "no-such-entry"], env=env)
    assert bad.exit_code != 0 and "no FAQ entry" in bad.output
    ok = runner.invoke(wuye, ["nlu", "label", str(item_id), "--faq", "service-contacts"], env=env)
    assert ok.exit_code == 0, ok.output
    started = time.perf_counter()
    done = runner.invoke(wuye, ["nlu", "retrain"], env=env)
    assert done.exit_code == 0, done.output
    assert "model" in done.output and "saved" in done.output
    print(f"\nretrain took {time.perf_counter() - started:.1f} s")
    with Session(engine) as session:
        assert nlu_review.model_revision(session) >= 1
        assert nlu_review.open_groups(session) == []
