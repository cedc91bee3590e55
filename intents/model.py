"""The types `intents/` speaks: what a message means, and what the dialogue already knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTENT_NAMES: tuple[str, ...] = (
    "repair",
    "complaint",
    "praise",
    "faq",
    "ticket_status",
    "cancel_ticket",
    "notice_query",
    "human",
    "bind",
    "chitchat",
    "unknown",
)


@dataclass(frozen=True)
class Context:
    """What the dialogue knows before this message arrives.

    `pending` names an open conversation ("survey", "repair_form", "faq_choice", ...)
    so that a bare "5" or "算了" can be read in its light.
    """

    pending: str | None = None
    faq_choices: tuple[str, ...] = ()  # faq ids offered as a numbered list
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Intent:
    name: str
    confidence: float
    faq_id: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    # FAQ candidates best first (ids), for "您是想问: 1… 2… 3…"
    candidates: list[str] = field(default_factory=list)
    rating: int | None = None
    has_comment: bool = False
