"""Tables, grouped by the domain that owns them and re-exported here, so `from storage.models
import Ticket` keeps working.

Times: every `datetime` column is sqlmodel's UTCDateTime (a TypeDecorator): it refuses naive
values, stores UTC, and hands back aware UTC on SQLite (which keeps no offset) and PostgreSQL
alike, so no code has to repair a time it reads. The community time zone is applied only when
talking to people.
"""

from __future__ import annotations

from storage.models.communities import Community, FaqAnswer
from storage.models.console import ConsoleLink
from storage.models.dialogue import Conversation, FaqItem
from storage.models.nlu import NluLabel, NluLastReading, NluModel, NluReviewItem
from storage.models.notices import Notice, NoticeBatch, NoticeDelivery
from storage.models.outbound import Job, Outbox, ServiceWindow, SubscribeConsent
from storage.models.people import ROLES, BindState, House, Person, RosterEntry
from storage.models.surveys import Survey
from storage.models.tickets import Counter, Ticket, TicketEvent, TicketFollower
from storage.models.wechat import InboundMessage, MediaFile, SeenNonce, WeChatTag

__all__ = [
    "ROLES",
    "BindState",
    "Community",
    "ConsoleLink",
    "Conversation",
    "Counter",
    "FaqAnswer",
    "FaqItem",
    "House",
    "InboundMessage",
    "Job",
    "MediaFile",
    "NluLabel",
    "NluLastReading",
    "NluModel",
    "NluReviewItem",
    "Notice",
    "NoticeBatch",
    "NoticeDelivery",
    "Outbox",
    "Person",
    "RosterEntry",
    "SeenNonce",
    "ServiceWindow",
    "SubscribeConsent",
    "Survey",
    "Ticket",
    "TicketEvent",
    "TicketFollower",
    "WeChatTag",
]
