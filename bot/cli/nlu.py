"""`wuye nlu` and `wuye eval`: the understanding package from the command line.

The app's click group adds these with `add_command`; they need no config or database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

if TYPE_CHECKING:
    from intents.faq import FaqEntry
    from intents.model import Intent
    from intents.understander import Understander


OUTPUT_SLOTS = ("building", "unit", "room", "phone")
DATA_FILES = {"intents": "dev_intents.jsonl", "slots": "dev_slots.jsonl", "survey": "dev_survey.jsonl"}


def _load_faq(path: Path | None) -> list[FaqEntry]:
    from intents.faq import FaqFormatError, default_faq, load_faq_toml

    try:
        return load_faq_toml(path) if path is not None else default_faq()
    except FileNotFoundError as exc:
        raise click.ClickException(f"FAQ file not found: {exc.filename or path}") from exc
    except FaqFormatError as exc:
        raise click.ClickException(str(exc)) from exc


def intent_to_json(intent: Intent) -> dict[str, Any]:
    return {
        "intent": intent.name,
        "confidence": intent.confidence,
        # the best match, also when the bot would offer a numbered choice instead
        "faq_id": intent.faq_id or (intent.candidates[0] if intent.name == "faq" and intent.candidates else None),
        # the top three FAQ ids, best first (also when the reading is not faq: empty then)
        "candidates": list(intent.candidates[:3]),
        "slots": {k: intent.slots.get(k) for k in OUTPUT_SLOTS},
        "rating": intent.rating,
        "has_comment": intent.has_comment,
    }


def run_nlu(u: Understander, lines: TextIO, out: TextIO, survey: bool) -> int:
    """One JSON line out per JSON line in; returns how many lines were bad."""
    from intents.model import Context

    context = Context(pending="survey") if survey else None
    bad = 0
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            text = obj["text"] if isinstance(obj, dict) else None
            if not isinstance(text, str):
                raise ValueError('expected an object with a string "text"')
        except (json.JSONDecodeError, ValueError, KeyError) as exc:
            bad += 1
            message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            out.write(json.dumps({"error": f"line {n}: {message}", "line": n}, ensure_ascii=False) + "\n")
            continue
        out.write(json.dumps(intent_to_json(u.understand(text, context)), ensure_ascii=False) + "\n")
        out.flush()
    return bad


@click.command("nlu")
@click.option("--faq", "faq_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="FAQ file (TOML) to answer from instead of the default one.")
@click.option("--survey", is_flag=True, help="Read each text as an answer to a satisfaction survey.")
def nlu_command(faq_path: Path | None, survey: bool) -> None:
    """Read JSON lines {"text": ...} on stdin, write one JSON line per input."""
    from intents.understander import Understander

    u = Understander(_load_faq(faq_path))
    run_nlu(u, sys.stdin, sys.stdout, survey)


def find_data_dir(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    repo_root = Path(__file__).resolve().parents[1]
    for candidate in (Path.cwd() / "../shared/nlu", repo_root / "../shared/nlu"):
        if candidate.is_dir():
            return candidate.resolve()
    return (Path.cwd() / "../shared/nlu").resolve()


@click.command("eval")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder with dev_intents.jsonl, dev_slots.jsonl, dev_survey.jsonl (default ../shared/nlu).")
@click.option("--faq", "faq_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="FAQ file (TOML); default DATA/faq.toml.")
@click.option("--intents", "intents_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--slots", "slots_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--survey", "survey_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--errors", "show_errors", type=int, default=20, show_default=True,
              help="How many misread messages to list.")
def eval_command(
    data_dir: Path | None,
    faq_path: Path | None,
    intents_path: Path | None,
    slots_path: Path | None,
    survey_path: Path | None,
    show_errors: int,
) -> None:
    """Measure understanding on labelled messages and print the report."""
    from intents.evaluate import evaluate, format_report

    base = find_data_dir(data_dir)
    files = {
        "faq": faq_path or base / "faq.toml",
        "intents": intents_path or base / DATA_FILES["intents"],
        "slots": slots_path or base / DATA_FILES["slots"],
        "survey": survey_path or base / DATA_FILES["survey"],
    }
    missing = [f"{name}: {path}" for name, path in files.items() if not Path(path).is_file()]
    if missing:
        raise click.ClickException(
            "missing evaluation files (use --data DIR or the per-file options):\n  " + "\n  ".join(missing)
        )
    try:
        report = evaluate(_load_faq(files["faq"]), files["intents"], files["slots"], files["survey"])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_report(report, show_errors=show_errors))
