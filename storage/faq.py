"""The FAQ in the database: seeded once, then changed by imports and removals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from intents.faq import FaqEntry
from storage import communities
from storage.clock import utcnow
from storage.models import FaqAnswer, FaqItem

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


def import_entries(session: Session, entries: list[FaqEntry], source: str,
                   community_id: int | None = None) -> ImportResult:
    """Upsert by id, else by the same question under another id: importing twice adds nothing.

    With a community: a question the FAQ already has gets that community's own answer (a
    FaqAnswer); a new one becomes an entry only that community's residents are answered from."""
    if community_id is not None:
        return _import_for_community(session, entries, source, community_id)
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


def _import_for_community(session: Session, entries: list[FaqEntry], source: str, community_id: int) -> ImportResult:
    result = ImportResult()
    existing = {i.id: i for i in session.execute(select(FaqItem)).scalars()}
    by_question = {_norm(i.question): i for i in existing.values()}
    answers = {a.faq_id: a for a in session.execute(
        select(FaqAnswer).where(FaqAnswer.community_id == community_id)).scalars()}
    now = utcnow()
    for entry in entries:
        item = existing.get(entry.id) or by_question.get(_norm(entry.question))
        if item is None:
            item = FaqItem(id=entry.id, category=entry.category, question=entry.question, answer=entry.answer,
                           alternates=list(entry.alternates), source=source, community_id=community_id,
                           created_at=now, updated_at=now)
            session.add(item)
            existing[item.id], by_question[_norm(item.question)] = item, item
            result.added.append(item.id)
            continue
        if item.community_id == community_id:  # the community's own question: the entry itself
            if (item.answer, item.category) == (entry.answer, entry.category):
                result.skipped.append(item.id)
                continue
            item.answer, item.category, item.source, item.updated_at = entry.answer, entry.category, source, now
            result.updated.append(item.id)
            continue
        own = answers.get(item.id)
        if own is None:
            answers[item.id] = FaqAnswer(faq_id=item.id, community_id=community_id, answer=entry.answer,
                                         source=source, updated_at=now)
            session.add(answers[item.id])
            result.added.append(item.id)
        elif own.answer == entry.answer:
            result.skipped.append(item.id)
        else:
            own.answer, own.source, own.updated_at = entry.answer, source, now
            result.updated.append(item.id)
        item.updated_at = now  # the bot's FAQ revision moves, so every process sees the answer
    session.flush()
    return result


def answer_for(session: Session, faq_id: str, community_id: int, company_answer: str) -> str | None:
    """The answer a resident of this community gets: its own, else the company's (as the NLU
    holds it); None for another community's own question."""
    snap = communities.snapshot(session)
    if snap.has_answers:
        own = session.execute(
            select(FaqAnswer.answer).where(FaqAnswer.faq_id == faq_id, FaqAnswer.community_id == community_id)
        ).scalar_one_or_none()
        if own is not None:
            return own
    owner = snap.owned_faq.get(faq_id)
    if owner is not None and owner != community_id:
        return None
    return company_answer


def visible(session: Session, faq_ids: list[str], community_id: int) -> list[str]:
    """Those of these entries a resident of the community may be answered from."""
    snap = communities.snapshot(session)
    hidden = {f for f in faq_ids if snap.owned_faq.get(f, community_id) != community_id}
    if not hidden:
        return list(faq_ids)
    mine = set(session.execute(
        select(FaqAnswer.faq_id).where(FaqAnswer.faq_id.in_(hidden), FaqAnswer.community_id == community_id)
    ).scalars()) if snap.has_answers else set()
    return [f for f in faq_ids if f not in hidden or f in mine]


def set_community_answer(session: Session, faq_id: str, community_id: int, answer: str, source: str) -> bool:
    """A community's own answer to an entry; blank removes it (the company's answer again)."""
    own = session.execute(
        select(FaqAnswer).where(FaqAnswer.faq_id == faq_id, FaqAnswer.community_id == community_id)
    ).scalar_one_or_none()
    now = utcnow()
    answer = answer.strip()
    if not answer:
        if own is None:
            return False
        session.delete(own)
    elif own is None:
        session.add(FaqAnswer(faq_id=faq_id, community_id=community_id, answer=answer, source=source, updated_at=now))
    elif own.answer == answer:
        return False
    else:
        own.answer, own.source, own.updated_at = answer, source, now
    item = session.get(FaqItem, faq_id)
    if item is not None:
        item.updated_at = now  # the FAQ's revision moves
    session.flush()
    return True


def community_answers(session: Session, faq_id: str) -> list[FaqAnswer]:
    return list(session.execute(select(FaqAnswer).where(FaqAnswer.faq_id == faq_id)
                                .order_by(FaqAnswer.community_id)).scalars())


def seed_if_empty(session: Session, entries: list[FaqEntry], source: str) -> int:
    if session.execute(select(func.count()).select_from(FaqItem)).scalar_one():
        return 0
    return len(import_entries(session, entries, source).added)


def remove(session: Session, ids: list[str]) -> list[str]:
    gone = []
    for faq_id in ids:
        item = session.get(FaqItem, faq_id)
        if item is not None:
            for own in community_answers(session, faq_id):
                session.delete(own)
            session.flush()
            session.delete(item)
            gone.append(faq_id)
    session.flush()
    return gone
