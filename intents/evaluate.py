"""Measure understanding against labelled files (the dev sets in ../shared/nlu or others).

Files are JSON lines: intents `{"text", "intent", "faq_id"?}`, slots `{"text",
"building", "unit", "room", "phone"}` (any other slot key present is compared too),
survey `{"text", "score", "comment"}`.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intents.faq import FaqEntry
from intents.model import INTENT_NAMES, Context
from intents.understander import Understander

FALLBACK_INTENTS = frozenset({"unknown", "chitchat"})  # readings that answer nothing
SLOT_FIELDS = ("building", "unit", "room", "phone")


@dataclass
class Report:
    n_intents: int = 0
    accuracy: float = 0.0
    macro_f1: float = 0.0
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: dict[str, Counter[str]] = field(default_factory=dict)
    n_faq: int = 0
    faq_top1: float = 0.0
    faq_top3: float = 0.0
    faq_to_fallback: float = 0.0  # real questions sent to the fallback
    n_out_of_scope: int = 0
    out_of_scope_answered: float = 0.0  # out-of-scope messages given a real answer
    n_survey: int = 0
    survey_rating_exact: float = 0.0
    survey_comment_exact: float = 0.0
    n_slots: int = 0
    slot_exact: dict[str, float] = field(default_factory=dict)
    polarity_swaps: list[str] = field(default_factory=list)  # complaint read as praise or back
    ms_per_message: float = 0.0
    errors: list[str] = field(default_factory=list)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not valid JSON: {exc.msg}") from exc
    return rows


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _score_intents(u: Understander, rows: Sequence[dict[str, Any]], report: Report) -> None:
    labels = list(INTENT_NAMES)
    confusion: dict[str, Counter[str]] = {label: Counter() for label in labels}
    correct = faq_n = top1 = top3 = to_fallback = oos_n = oos_answered = 0
    started = time.perf_counter()
    for row in rows:
        gold = row["intent"]
        got = u.understand(row["text"])
        confusion.setdefault(gold, Counter())[got.name] += 1
        correct += got.name == gold
        if gold != got.name:
            report.errors.append(f"{gold} -> {got.name}: {row['text']}")
            if {gold, got.name} == {"complaint", "praise"}:
                report.polarity_swaps.append(f"{gold} -> {got.name}: {row['text']}")
        if gold == "faq":
            faq_n += 1
            to_fallback += got.name in FALLBACK_INTENTS
            gold_id = row.get("faq_id")
            if gold_id:
                # the best match counts whether answered directly or offered first
                best = got.faq_id or (got.candidates[0] if got.candidates else None)
                top1 += got.name == "faq" and best == gold_id
                top3 += got.name == "faq" and gold_id in got.candidates[:3]
                if got.name == "faq" and best != gold_id:
                    report.errors.append(f"faq {gold_id} -> {best}: {row['text']}")
        if gold == "unknown":
            oos_n += 1
            oos_answered += got.name not in FALLBACK_INTENTS
    report.ms_per_message = 1000 * _ratio_f(time.perf_counter() - started, len(rows))
    report.n_intents = len(rows)
    report.accuracy = _ratio(correct, len(rows))
    report.confusion = {k: v for k, v in confusion.items() if v or k in labels}
    f1s = []
    for label in labels:
        tp = confusion.get(label, Counter())[label]
        support = sum(confusion.get(label, Counter()).values())
        predicted = sum(c[label] for c in confusion.values())
        if support == 0 and predicted == 0:
            continue
        precision, recall = _ratio(tp, predicted), _ratio(tp, support)
        f1 = _ratio_f(2 * precision * recall, precision + recall)
        report.per_label[label] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
        if support:
            f1s.append(f1)
    report.macro_f1 = sum(f1s) / len(f1s) if f1s else 0.0
    n_labelled = sum(1 for r in rows if r.get("intent") == "faq" and r.get("faq_id"))
    report.n_faq = faq_n
    report.faq_top1 = _ratio(top1, n_labelled)
    report.faq_top3 = _ratio(top3, n_labelled)
    report.faq_to_fallback = _ratio(to_fallback, faq_n)
    report.n_out_of_scope = oos_n
    report.out_of_scope_answered = _ratio(oos_answered, oos_n)


def _ratio_f(num: float, den: float) -> float:
    return num / den if den else 0.0


def _score_survey(u: Understander, rows: Sequence[dict[str, Any]], report: Report) -> None:
    rating_ok = comment_ok = 0
    for row in rows:
        got = u.understand(row["text"], Context(pending="survey"))
        rating_ok += got.rating == row.get("score")
        comment_ok += got.has_comment == bool(row.get("comment"))
        if got.rating != row.get("score"):
            report.errors.append(f"survey {row.get('score')} -> {got.rating}: {row['text']}")
    report.n_survey = len(rows)
    report.survey_rating_exact = _ratio(rating_ok, len(rows))
    report.survey_comment_exact = _ratio(comment_ok, len(rows))


def _score_slots(u: Understander, rows: Sequence[dict[str, Any]], report: Report) -> None:
    fields = list(SLOT_FIELDS)
    for row in rows:
        fields.extend(k for k in row if k not in fields and k != "text")
    hits: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for row in rows:
        slots = u.understand(row["text"]).slots
        for f in fields:
            if f in row:
                seen[f] += 1
                ok = slots.get(f) == row[f]
                hits[f] += ok
                if not ok:
                    report.errors.append(f"slot {f} {row[f]!r} -> {slots.get(f)!r}: {row['text']}")
    report.n_slots = len(rows)
    report.slot_exact = {f: _ratio(hits[f], seen[f]) for f in fields if seen[f]}


def evaluate(
    faq_entries: Sequence[FaqEntry] | Understander,
    intents_path: str | Path | None,
    slots_path: str | Path | None,
    survey_path: str | Path | None,
) -> Report:
    u = faq_entries if isinstance(faq_entries, Understander) else Understander(list(faq_entries))
    report = Report()
    if intents_path:
        _score_intents(u, read_jsonl(intents_path), report)
    if survey_path:
        _score_survey(u, read_jsonl(survey_path), report)
    if slots_path:
        _score_slots(u, read_jsonl(slots_path), report)
    return report


def _support(r: Report, label: str) -> int:
    return int(r.per_label.get(label, {}).get("support", 0))


def format_report(r: Report, show_errors: int = 20) -> str:
    lines = [
        f"intents: {r.n_intents} messages, {r.ms_per_message:.1f} ms/message",
        f"  accuracy {r.accuracy:.3f}   macro-F1 {r.macro_f1:.3f}",
        f"  FAQ top-1 {r.faq_top1:.3f}   top-3 {r.faq_top3:.3f}   (over {r.n_faq} real questions)",
        f"  real questions sent to fallback {r.faq_to_fallback:.3f}",
        f"  out-of-scope answered as something else {r.out_of_scope_answered:.3f}"
        f" (over {r.n_out_of_scope})",
        f"  complaint <-> praise swaps {len(r.polarity_swaps)}"
        f" (over {_support(r, 'complaint') + _support(r, 'praise')} complaints and praises)",
        *(f"    {s}" for s in r.polarity_swaps),
        "",
        "  per intent        prec   rec    F1   n",
    ]
    for label, m in r.per_label.items():
        lines.append(
            f"  {label:<15} {m['precision']:.3f} {m['recall']:.3f} {m['f1']:.3f} {int(m['support']):>3}"
        )
    confusions = sorted(
        ((n, gold, got) for gold, row in r.confusion.items() for got, n in row.items() if gold != got),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    if confusions:
        lines += ["", "  most frequent confusions (gold -> read as)"]
        lines += [f"  {n:>4}  {gold} -> {got}" for n, gold, got in confusions[:12]]
    present = [k for k, v in r.per_label.items() if v["support"] or any(c[k] for c in r.confusion.values())]
    if present:
        short = {k: k[:6] for k in present}
        lines += ["", "  confusion (rows gold, columns predicted)", "  " + " " * 14 + " ".join(f"{short[k]:>6}" for k in present)]
        for gold in present:
            row = r.confusion.get(gold, Counter())
            lines.append(f"  {gold:<14}" + " ".join(f"{row[k] or '.':>6}" for k in present))
    if r.n_survey:
        lines += ["", f"survey: {r.n_survey} answers, rating exact {r.survey_rating_exact:.3f},"
                  f" comment flag exact {r.survey_comment_exact:.3f}"]
    if r.n_slots:
        lines += ["", f"slots: {r.n_slots} messages, exact match per field"]
        lines += [f"  {f:<15} {v:.3f}" for f, v in r.slot_exact.items()]
    if r.errors and show_errors:
        lines += ["", f"first {min(show_errors, len(r.errors))} of {len(r.errors)} errors:"]
        lines += [f"  {e}" for e in r.errors[:show_errors]]
    return "\n".join(lines)
