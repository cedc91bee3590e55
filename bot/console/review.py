"""The contract between the console's 待学习 page and the learning-loop store (the messages the
bot was unsure about, their labels, retraining). The store lives with the NLU; it plugs in with
`install(queue)` from its package, the way domains register job kinds with the outbound registry.
The console installs bot/console/review_store.py's queue when the app is built; until one is
installed the page says the loop is not set up.

What the page needs, and nothing more:
- `groups(session, offset, limit)`: unsure messages grouped (same or near-same words), biggest
  first, each with the bot's best guess; `count(session)` for paging.
- `label(session, item_ids, label, actor)`: one click applies one label to a whole group
  (returns how many messages it covered; `LabelRefused` says why it cannot).
- `retrain(session)`: rebuild from the labels; before/after figures the page shows side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlmodel import Session

from storage.models import Person

LabelKind = Literal["faq", "intent", "new_faq", "ignore"]


@dataclass(frozen=True)
class ReviewGroup:
    key: str
    texts: tuple[str, ...]  # a few examples, most frequent first
    count: int  # messages in the group
    item_ids: tuple[int, ...]
    guess_intent: str = ""
    guess_faq_id: str = ""
    guess_faq_question: str = ""
    confidence: float = 0.0


@dataclass(frozen=True)
class Label:
    kind: LabelKind
    target: str = ""  # the FAQ id or the intent name
    question: str = ""  # new_faq: the entry to add
    answer: str = ""
    category: str = ""


class LabelRefused(ValueError):
    """A label the store cannot take; the message (Chinese) says why."""


@dataclass
class RetrainResult:
    before: dict[str, float] = field(default_factory=dict)  # e.g. {"intent accuracy": 0.91}
    after: dict[str, float] = field(default_factory=dict)
    note: str = ""


class ReviewQueue(Protocol):
    def count(self, session: Session) -> int: ...

    def groups(self, session: Session, offset: int, limit: int) -> list[ReviewGroup]: ...

    def label(self, session: Session, item_ids: tuple[int, ...], label: Label, actor: Person) -> int: ...

    def retrain(self, session: Session) -> RetrainResult: ...


_QUEUE: dict[str, Any] = {}


def install(queue: ReviewQueue) -> None:
    _QUEUE["queue"] = queue


def installed() -> ReviewQueue | None:
    return _QUEUE.get("queue")


def uninstall() -> None:
    _QUEUE.pop("queue", None)
