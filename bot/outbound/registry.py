"""What the outbound machinery runs on the domains' behalf: a handler per job kind and a hook per
delivery-result ref kind.

The domains fill it through their `install(registry)` functions, called from the one list in
`bot.domains`; this module imports none of them, so outbound stays below every domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.config import Settings
    from storage.models import Job, Outbox


class JobKind(StrEnum):
    """Every time-driven step that can be scheduled (`jobs.kind`)."""

    ESCALATE_ACCEPT = "escalate_accept"
    ESCALATE_RESOLVE = "escalate_resolve"
    SURVEY_SCHEDULE = "survey_schedule"
    SURVEY_SEND = "survey_send"
    SURVEY_REMIND = "survey_remind"
    SURVEY_EXPIRE = "survey_expire"
    RECOVERY_CHECK = "recovery_check"
    NOTICE_SEND = "notice_send"


class RefKind(StrEnum):
    """What an outbox row may be about (`outbox.ref_kind`), when its result matters to a domain."""

    NOTICE_DELIVERY = "notice_delivery"
    NOTICE_BATCH = "notice_batch"
    WECHAT_TAGS = "wechat_tags"
    WECHAT_TAG = "wechat_tag"
    WECHAT_TAG_MEMBERS = "wechat_tag_members"
    PUSH = "push"  # a planned push: a text refused for the window goes out as its template
    MEDIA_FILE = "media_file"  # a photo downloaded by MediaId before WeChat deletes it


@dataclass
class Outcome:
    """What WeChat's answer to one outbox row means."""

    status: str  # sent | retry | dead
    errcode: int | None = None
    error: str | None = None
    result: dict[str, Any] | None = None
    # The call went out but its answer never came: WeChat may have acted on it.
    timed_out: bool = False


JobHandler = Callable[["Session", "Settings", "Job", datetime], None]
# Sends one row whose answer is not WeChat's JSON (a file download); returns what to record.
Sender = Callable[[Any, "Outbox"], dict[str, Any]]
# Called in the transaction that records a final result (sent or dead), so e.g. a notice's
# per-recipient record can never disagree with it.
ResultHook = Callable[["Session", "Outbox", Outcome], None]


@dataclass
class Registry:
    jobs: dict[str, JobHandler] = field(default_factory=dict)
    results: dict[str, ResultHook] = field(default_factory=dict)
    senders: dict[str, Sender] = field(default_factory=dict)

    def job(self, kind: JobKind, fn: JobHandler) -> None:
        self.jobs[kind] = fn

    def on_result(self, kind: RefKind, fn: ResultHook) -> None:
        self.results[kind] = fn

    def sender(self, row_kind: str, fn: Sender) -> None:
        self.senders[row_kind] = fn

    def missing(self) -> list[str]:
        """Kinds that can be scheduled or enqueued but that nothing handles."""
        return [str(k) for k in JobKind if k not in self.jobs] + [
            str(k) for k in RefKind if k not in self.results
        ]


REGISTRY = Registry()
