"""The evaluation report and the CLI commands, against the shared dev sets when present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.nlu import eval_command, nlu_command
from intents.evaluate import evaluate, format_report
from intents.faq import load_faq_toml

SHARED = Path(__file__).resolve().parents[2] / "shared"
NLU = SHARED / "nlu"
needs_shared = pytest.mark.skipif(not (NLU / "faq.toml").is_file(), reason="../shared/nlu is absent")


@pytest.fixture(scope="module")
def report():
    if not (NLU / "faq.toml").is_file():
        pytest.skip("../shared/nlu is absent")
    return evaluate(
        load_faq_toml(NLU / "faq.toml"),
        NLU / "dev_intents.jsonl",
        NLU / "dev_slots.jsonl",
        NLU / "dev_survey.jsonl",
    )


@needs_shared
def test_dev_targets(report) -> None:
    assert report.accuracy >= 0.95
    assert report.macro_f1 >= 0.93
    assert report.faq_top1 >= 0.92
    assert report.faq_top3 >= 0.97
    assert report.out_of_scope_answered <= 0.10
    assert report.survey_rating_exact >= 0.95
    for f in ("building", "unit", "room", "phone"):
        assert report.slot_exact[f] >= 0.97, f


@needs_shared
def test_report_text(report) -> None:
    text = format_report(report)
    for heading in ("accuracy", "macro-F1", "FAQ top-1", "confusion", "survey", "slots", "phone"):
        assert heading in text


@needs_shared
def test_nlu_command_json_lines_and_bad_lines() -> None:
    stdin = '{"text": "3-2-501 马桶堵了 电话138 0000 1111"}\nnot json\n{"text": "物业费咋交"}\n'
    result = CliRunner().invoke(nlu_command, ["--faq", str(NLU / "faq.toml")], input=stdin)
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert len(lines) == 3
    assert lines[0]["intent"] == "repair"
    assert lines[0]["slots"] == {"building": "3", "unit": "2", "room": "501", "phone": "13800001111"}
    assert set(lines[0]) == {"intent", "confidence", "faq_id", "candidates", "slots", "rating", "has_comment"}
    assert "line 2" in lines[1]["error"]
    assert lines[2]["intent"] == "faq" and lines[2]["faq_id"] == "fee-pay"


@needs_shared
def test_nlu_command_survey_mode() -> None:
    stdin = '{"text": "五星"}\n{"text": "不满意,又漏了"}\n'
    result = CliRunner().invoke(nlu_command, ["--faq", str(NLU / "faq.toml"), "--survey"], input=stdin)
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [(x["rating"], x["has_comment"]) for x in lines] == [(5, False), (2, True)]
    assert "五星" not in result.output or result.output.count("\\u") == 0


@needs_shared
def test_eval_command_prints_the_report() -> None:
    result = CliRunner().invoke(eval_command, ["--data", str(NLU), "--errors", "0"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output


def test_eval_command_fails_clearly_on_missing_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(eval_command, ["--data", str(tmp_path)])
    assert result.exit_code != 0
    assert "missing evaluation files" in result.output
    assert "dev_intents.jsonl" in result.output
