"""The learning loop's store: review items, the company's labels, retrained models.

A review item is a message the bot was unsure about. Items with the same normalised text
form one group; labelling an item labels its group. An FAQ label becomes an alternate of
its entry (the FAQ index reads it at the next rebuild) and, like an intent label, a
company training line (`company_labels`) that `wuye nlu retrain` learns from.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from intents.company import CompanyModel, Label
from intents.normalize import bound, normalize
from storage.clock import utcnow
from storage.models import FaqItem, NluLabel, NluLastReading, NluModel, NluReviewItem

REASONS = ("unknown", "menu_not_picked", "faq_rejected", "form_abandoned")
_NOT_WORDS = re.compile(r"[\s\W_]+", re.UNICODE)


def group_key(text: str) -> str:
    """Same words, same group, whatever the spacing, punctuation, width or script."""
    return _NOT_WORDS.sub("", normalize(bound(text)))[:200] or text[:200]


def record(session: Session, openid: str, text: str, reason: str, reading: dict[str, Any],
           now: datetime | None = None) -> NluReviewItem:
    item = NluReviewItem(openid=openid, text=text, group_key=group_key(text), reason=reason,
                         reading=reading, created_at=now or utcnow())
    session.add(item)
    session.flush()
    return item


def last_reading(session: Session, openid: str) -> NluLastReading | None:
    return session.get(NluLastReading, openid)


def remember(session: Session, openid: str, text: str, intent: str, faq_id: str | None,
             offered: list[str], now: datetime, row: NluLastReading | None = None,
             looked_up: bool = False) -> None:
    """`row` is the caller's `last_reading` (with `looked_up`, None means there was none)."""
    if row is None and not looked_up:
        row = session.get(NluLastReading, openid)
    if row is None:
        session.add(NluLastReading(openid=openid, text=text, intent=intent, faq_id=faq_id,
                                   offered=offered, at=now))
    else:
        row.text, row.intent, row.faq_id, row.offered, row.at = text, intent, faq_id, offered, now
    session.flush()


@dataclass
class Group:
    key: str
    first_id: int
    text: str  # the most recent wording
    count: int
    reasons: Counter[str] = field(default_factory=Counter)
    reading: dict[str, Any] = field(default_factory=dict)
    last_at: datetime | None = None
    item_ids: list[int] = field(default_factory=list)
    wordings: Counter[str] = field(default_factory=Counter)  # the group's texts as sent


def open_groups(session: Session, limit: int = 50, offset: int = 0) -> list[Group]:
    """Open review items grouped, most frequent first (then most recent)."""
    items = session.execute(
        select(NluReviewItem).where(NluReviewItem.status == "open").order_by(NluReviewItem.id)
    ).scalars()
    groups: dict[str, Group] = {}
    for it in items:
        g = groups.get(it.group_key)
        if g is None:
            g = groups[it.group_key] = Group(it.group_key, int(it.id or 0), it.text, 0)
        g.count += 1
        g.item_ids.append(int(it.id or 0))
        g.wordings[it.text] += 1
        g.reasons[it.reason] += 1
        g.text, g.reading, g.last_at = it.text, dict(it.reading or {}), it.created_at
    ranked = sorted(groups.values(), key=lambda g: (-g.count, -(g.first_id)))
    return ranked[offset:offset + limit]


def open_group_count(session: Session) -> int:
    return int(session.execute(
        select(func.count(func.distinct(NluReviewItem.group_key))).where(NluReviewItem.status == "open")
    ).scalar_one())


def open_group_size(session: Session, item_id: int) -> int:
    """How many open items share item `item_id`'s group (what a label would cover)."""
    key = select(NluReviewItem.group_key).where(NluReviewItem.id == item_id).scalar_subquery()
    return int(session.execute(
        select(func.count()).where(NluReviewItem.group_key == key, NluReviewItem.status == "open")
    ).scalar_one())


def ignore_group(session: Session, item_id: int) -> int:
    """Item `item_id`'s group is not worth learning from (spam, a one-off); returns how many items."""
    item = session.get(NluReviewItem, item_id)
    if item is None:
        raise LabelError(f"no review item {item_id}; `wuye nlu review` lists them")
    group = session.execute(
        select(NluReviewItem).where(NluReviewItem.group_key == item.group_key, NluReviewItem.status == "open")
    ).scalars().all()
    for it in group:
        it.status = "ignored"
    session.flush()
    return len(group)


class LabelError(ValueError):
    """A label that cannot be stored; the message says why and what to do."""


def label_item(session: Session, item_id: int, intent: str, faq_id: str | None = None,
               new_faq: tuple[str, str] | None = None, now: datetime | None = None) -> list[NluLabel]:
    """Label item `item_id` and every open item of its group; returns the labels stored."""
    now = now or utcnow()
    item = session.get(NluReviewItem, item_id)
    if item is None:
        raise LabelError(f"no review item {item_id}; `wuye nlu review` lists them")
    entry: FaqItem | None = None
    if new_faq is not None:
        from storage.faq_import import faq_id as new_id

        question, answer = new_faq
        if not question.strip() or not answer.strip():
            raise LabelError("--new-faq needs a question and an answer, both non-empty")
        intent, faq_id = "faq", new_id(question)
        entry = session.get(FaqItem, faq_id)
        if entry is None:
            entry = FaqItem(id=faq_id, question=question.strip(), answer=answer.strip(), alternates=[],
                            source="wuye nlu label", created_at=now, updated_at=now)
            session.add(entry)
    elif faq_id is not None:
        entry = session.get(FaqItem, faq_id)
        if entry is None:
            raise LabelError(f"no FAQ entry {faq_id!r}; `wuye faq list` shows the ids")
        intent = "faq"
    if intent == "faq" and entry is None:
        raise LabelError("an faq label needs --faq ID or --new-faq QUESTION ANSWER")
    group = session.execute(
        select(NluReviewItem).where(NluReviewItem.group_key == item.group_key, NluReviewItem.status == "open")
    ).scalars().all() or [item]
    labels: list[NluLabel] = []
    texts = list(dict.fromkeys(it.text for it in group))
    for text in texts:
        lb = NluLabel(text=text, intent=intent, faq_id=faq_id, created_at=now)
        session.add(lb)
        labels.append(lb)
    session.flush()
    by_text = {lb.text: lb for lb in labels}
    for it in group:
        it.status, it.label_id = "labelled", by_text[it.text].id
    if entry is not None:
        alternates = list(entry.alternates or [])
        alternates += [t for t in texts if t not in alternates and t != entry.question]
        entry.alternates, entry.updated_at = alternates, now  # the FAQ revision moves: indexes rebuild
    session.flush()
    return labels


def add_label(session: Session, text: str, intent: str, faq_id: str | None = None) -> NluLabel:
    """A label without a review item (tests, imports of labelled lines)."""
    item = record(session, "", text, "unknown", {})
    return label_item(session, int(item.id or 0), intent, faq_id)[0]


def company_labels(session: Session) -> list[Label]:
    rows = session.execute(select(NluLabel).order_by(NluLabel.id)).scalars()
    return [Label(r.text, r.intent, r.faq_id) for r in rows]


def save_model(session: Session, model: CompanyModel, note: str = "", now: datetime | None = None) -> int:
    row = NluModel(n_labels=model.n_labels, payload=json.dumps(model.to_dict(), ensure_ascii=False),
                   note=note, created_at=now or utcnow())
    session.add(row)
    session.flush()
    return int(row.id or 0)


def model_revision(session: Session) -> int:
    """The newest retrained model's id (0: none): cheap enough to poll."""
    return int(session.execute(select(func.max(NluModel.id))).scalar_one() or 0)


def latest_model(session: Session) -> tuple[int, CompanyModel] | None:
    row = session.execute(select(NluModel).order_by(NluModel.id.desc()).limit(1)).scalars().first()  # type: ignore[union-attr]
    if row is None:
        return None
    return int(row.id or 0), CompanyModel.from_dict(json.loads(row.payload))
