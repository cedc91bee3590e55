"""The FAQ in the database: seeded once, then changed by imports and removals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from intents.faq import FaqEntry
from storage.clock import utcnow
from storage.models import FaqItem

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def _norm(question: str) -> str:
    return _PUNCT.sub("", question).lower()


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def to_entry(item: FaqItem) -> FaqEntry:
    return FaqEntry(
        id=item.id, category=item.category, question=item.question, answer=item.answer,
        alternates=tuple(item.alternates or ()),
    )


def load_entries(session: Session) -> list[FaqEntry]:
    return [to_entry(i) for i in session.execute(select(FaqItem).order_by(FaqItem.id)).scalars()]


def revision(session: Session) -> tuple[int, datetime | None]:
    """Changes whenever an entry is added, edited or removed; cheap enough to poll."""
    count, newest = session.execute(select(func.count(), func.max(FaqItem.updated_at))).one()
    return int(count), newest


def import_entries(session: Session, entries: list[FaqEntry], source: str) -> ImportResult:
    """Upsert by id, else by the same question under another id: importing twice adds nothing."""
    result = ImportResult()
    existing = {i.id: i for i in session.execute(select(FaqItem)).scalars()}
    by_question = {_norm(i.question): i for i in existing.values()}
    now = utcnow()
    for entry in entries:
        item = existing.get(entry.id) or by_question.get(_norm(entry.question))
        if item is None:
            item = FaqItem(
                id=entry.id, category=entry.category, question=entry.question, answer=entry.answer,
                alternates=list(entry.alternates), source=source, created_at=now, updated_at=now,
            )
            session.add(item)
            existing[item.id] = item
            by_question[_norm(item.question)] = item
            result.added.append(entry.id)
            continue
        incoming = (entry.category, entry.question, entry.answer, list(entry.alternates))
        if (item.category, item.question, item.answer, list(item.alternates or [])) == incoming:
            result.skipped.append(item.id)
            continue
        item.category, item.question, item.answer, item.alternates = incoming
        item.source, item.updated_at = source, now
        result.updated.append(item.id)
    session.flush()
    return result


def seed_if_empty(session: Session, entries: list[FaqEntry], source: str) -> int:
    if session.execute(select(func.count()).select_from(FaqItem)).scalar_one():
        return 0
    return len(import_entries(session, entries, source).added)


def remove(session: Session, ids: list[str]) -> list[str]:
    gone = []
    for faq_id in ids:
        item = session.get(FaqItem, faq_id)
        if item is not None:
            session.delete(item)
            gone.append(faq_id)
    session.flush()
    return gone
