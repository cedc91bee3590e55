"""Retraining from the company's labels: one function for `wuye nlu retrain` and the console's
重新训练 button, so both save the same model and report the same figures.

Two comparisons, because each answers a different question:
- held out: every fifth label (intents/company.py) is kept out of the fit and read by the shipped
  model and by the new one; the honest measure, but empty while there are few labels;
- labelled: every labelled message as the bot read it when it arrived (the reading kept with its
  review item) and as the new model reads it; in-sample, so it says what the labels changed, not
  how well the model generalises.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from intents.company import (
    Label,
    Score,
    before_after,
    fit_company_model,
    score,
    split,
    understander_for,
)
from intents.faq import FaqEntry
from storage import faq as faq_store
from storage import nlu_review
from storage.models import NluLabel, NluReviewItem


@dataclass
class Retrained:
    model_id: int
    n_labels: int
    seconds: float
    held_before: Score | None = None  # None: no labels yet
    held_after: Score | None = None
    n_train: int = 0
    n_held: int = 0
    labelled_before: Score | None = None
    labelled_after: Score | None = None


def when_received(session: Session) -> tuple[Score, list[Label]]:
    """The labelled messages as the bot read them when they arrived: an FAQ counts as answered
    only when the bot answered it (a numbered menu of guesses does not)."""
    s = Score()
    seen: set[int] = set()
    labels: list[Label] = []
    rows = session.execute(
        select(NluLabel, NluReviewItem.reading).join(NluReviewItem, NluReviewItem.label_id == NluLabel.id)
        .order_by(NluLabel.id)
    ).all()
    for label, reading in rows:
        if label.id in seen:
            continue
        seen.add(int(label.id or 0))
        labels.append(Label(label.text, label.intent, label.faq_id))
        read = dict(reading or {})
        s.n += 1
        s.intent_right += read.get("intent") == label.intent
        if label.intent == "faq" and label.faq_id:
            s.n_faq += 1
            s.faq_top1 += read.get("intent") == "faq" and read.get("faq_id") == label.faq_id
    return s, labels


def retrain(session: Session) -> Retrained:
    """Fit a model on the shipped data plus every company label and save it (the caller commits);
    running services pick it up at their next check (bot/dialogue/nlu.py)."""
    started = time.perf_counter()
    labels = nlu_review.company_labels(session)
    entries = faq_store.load_entries(session)
    out = Retrained(0, len(labels), 0.0)
    model = fit_company_model(labels)
    if labels:
        held = {lb.text for lb in split(labels)[1]}
        without = [FaqEntry(e.id, e.category, e.question, e.answer, tuple(a for a in e.alternates if a not in held))
                   for e in entries]
        out.held_before, out.held_after, out.n_train, out.n_held = before_after(without, labels)
        out.labelled_before, received = when_received(session)
        out.labelled_after = score(understander_for(entries, model), received)
    out.model_id = nlu_review.save_model(session, model, note=f"{len(labels)} company labels")
    out.seconds = time.perf_counter() - started
    return out
