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


@click.group("nlu", invoke_without_command=True)
@click.option("--faq", "faq_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="FAQ file (TOML) to answer from instead of the default one.")
@click.option("--survey", is_flag=True, help="Read each text as an answer to a satisfaction survey.")
@click.pass_context
def nlu_command(ctx: click.Context, faq_path: Path | None, survey: bool) -> None:
    """Read JSON lines {"text": ...} on stdin, write one JSON line per input.

    Subcommands work on what residents sent: review, label, retrain.
    """
    if ctx.invoked_subcommand is not None:
        return
    from intents.understander import Understander

    u = Understander(_load_faq(faq_path))
    run_nlu(u, sys.stdin, sys.stdout, survey)


def _session_for_cli() -> Any:
    from sqlmodel import Session

    from bot.cli.base import Obj, engine_for
    from storage.migrate import upgrade

    obj = click.get_current_context().find_object(Obj)
    if obj is None:
        raise click.ClickException("no configuration: run this as `wuye nlu ...`")
    engine = engine_for(obj.settings)
    upgrade(engine)
    return Session(engine)


@nlu_command.command("review")
@click.option("--limit", type=int, default=30, show_default=True, help="How many groups to list.")
def nlu_review_command(limit: int) -> None:
    """List messages the bot was unsure about, grouped, most frequent first."""
    from storage import nlu_review

    with _session_for_cli() as session:
        groups = nlu_review.open_groups(session, limit)
    if not groups:
        click.echo("nothing to review")
        return
    click.echo(f"{'item':>6}  {'n':>3}  {'why':<16} {'read as':<22} text")
    for g in groups:
        why = ",".join(r for r, _ in g.reasons.most_common(2))
        read = g.reading.get("intent", "")
        best = g.reading.get("faq_id") or ",".join(g.reading.get("candidates", [])[:2])
        read_as = f"{read} {best}".strip()[:22]
        click.echo(f"{g.first_id:>6}  {g.count:>3}  {why:<16} {read_as:<22} {g.text[:60]}")
    click.echo("label one: wuye nlu label ITEM --intent NAME | --faq ID | --new-faq QUESTION ANSWER")


@nlu_command.command("label")
@click.argument("item", type=int)
@click.option("--intent", "intent_name", default=None,
              help="What the message means: repair, complaint, praise, faq, ticket_status, cancel_ticket,"
                   " notice_query, human, bind, chitchat or unknown.")
@click.option("--faq", "faq_id", default=None, help="The FAQ entry it asks about (implies --intent faq).")
@click.option("--new-faq", "new_faq", nargs=2, default=None, metavar="QUESTION ANSWER",
              help="Add an FAQ entry and file the message under it.")
def nlu_label_command(item: int, intent_name: str | None, faq_id: str | None,
                      new_faq: tuple[str, str] | None) -> None:
    """Label review item ITEM (and the rest of its group)."""
    from intents.model import INTENT_NAMES
    from storage import nlu_review

    if intent_name is not None and intent_name not in INTENT_NAMES:
        raise click.ClickException(f"--intent {intent_name!r} is not one of: {', '.join(INTENT_NAMES)}")
    if not (intent_name or faq_id or new_faq):
        raise click.ClickException("say what it means: --intent NAME, --faq ID or --new-faq QUESTION ANSWER")
    if intent_name == "faq" and not (faq_id or new_faq):
        raise click.ClickException("--intent faq needs --faq ID (an existing entry) or --new-faq QUESTION ANSWER")
    with _session_for_cli() as session:
        try:
            labels = nlu_review.label_item(session, item, intent_name or "faq", faq_id, new_faq)
        except nlu_review.LabelError as exc:
            raise click.ClickException(str(exc)) from None
        n, target = len(labels), labels[0].faq_id or labels[0].intent
        session.commit()
    click.echo(f"labelled {n} message(s) as {target}; `wuye nlu retrain` learns from them")


@nlu_command.command("retrain")
def nlu_retrain_command() -> None:
    """Rebuild the model from the shipped data plus the company's labels; the running
    service picks it up within a minute, no restart."""
    from bot.dialogue.learning import retrain

    with _session_for_cli() as session:
        done = retrain(session)
        session.commit()
    if done.held_before is not None and done.held_after is not None:
        click.echo(f"held-out company labels ({done.n_held}; learnt from {done.n_train}):")
        click.echo(f"  before  {done.held_before.line()}")
        click.echo(f"  after   {done.held_after.line()}")
    if done.labelled_before is not None and done.labelled_after is not None:
        click.echo("labelled messages from residents (learnt from, so in-sample):")
        click.echo(f"  when received  {done.labelled_before.line()}")
        click.echo(f"  after          {done.labelled_after.line()}")
    click.echo(f"model {done.model_id} saved ({done.n_labels} company labels, {done.seconds:.1f} s);"
               " the service reloads it within a minute")


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
@click.option("--company", is_flag=True,
              help="Also score a held-out part of the company's labels (in the configured database)"
                   " before and after learning from the rest.")
def eval_command(
    data_dir: Path | None,
    faq_path: Path | None,
    intents_path: Path | None,
    slots_path: Path | None,
    survey_path: Path | None,
    show_errors: int,
    company: bool,
) -> None:
    """Measure understanding on labelled messages and print the report."""
    from intents.evaluate import evaluate, format_report

    if company:
        _company_before_after()

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


def _company_before_after() -> None:
    from intents.company import before_after, split
    from intents.faq import FaqEntry
    from storage import faq as faq_store
    from storage import nlu_review

    with _session_for_cli() as session:
        labels = nlu_review.company_labels(session)
        entries = faq_store.load_entries(session)
    if not labels:
        click.echo("company labels: none yet (`wuye nlu review`, `wuye nlu label`)\n")
        return
    held = {lb.text for lb in split(labels)[1]}
    without = [FaqEntry(e.id, e.category, e.question, e.answer, tuple(a for a in e.alternates if a not in held))
               for e in entries]
    before, after, n_train, n_held = before_after(without, labels)
    click.echo(f"company labels: {n_held} held out, learnt from {n_train}")
    click.echo(f"  before  {before.line()}")
    click.echo(f"  after   {after.line()}\n")
