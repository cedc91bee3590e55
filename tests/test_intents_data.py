"""intents/ ships what reading needs and the one training set; measuring data stays out."""

from __future__ import annotations

import json
from pathlib import Path

import intents.data
from intents.training_data import training_lines

SHIPPED = {"__init__.py", "default_faq.toml", "faq_rank.json", "intent_examples.toml", "lexicon.toml",
           "intent_model.json", "intent_head.json", "training.jsonl"}
REPO = Path(__file__).resolve().parents[1]


def test_the_package_data_folder_holds_only_reading_and_training_files() -> None:
    folder = Path(intents.data.__file__).parent
    present = {p.name for p in folder.iterdir() if p.is_file()}
    assert present == SHIPPED


def test_every_training_line_says_what_it_teaches() -> None:
    uses = {"message", "faq_paraphrase", "wording"}
    lines = [json.loads(x) for x in (Path(intents.data.__file__).parent / "training.jsonl").read_text("utf-8").splitlines()]
    assert lines and all(d["use"] in uses and d["text"] and d["intent"] and d["set"] for d in lines)
    assert all(d.get("faq_id") for d in training_lines("faq_paraphrase"))


def test_measuring_sets_live_outside_the_package() -> None:
    held = {p.name for p in (REPO / "nlu_data").glob("*.jsonl")}
    assert "selfcheck_intents14.jsonl" in held and "check_faq_styles.jsonl" in held
    assert not held & {p.name for p in Path(intents.data.__file__).parent.iterdir()}
