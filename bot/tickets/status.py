"""A ticket's statuses, the moves between them, and their names in words.

The lifecycle (bot/tickets/flow.py), the staff commands (staff_chat), the resident's 取消/没修好
and the open-ticket queries (storage/tickets.py) all read the one table here.
"""

from __future__ import annotations

from enum import StrEnum

from replies import label


class Status(StrEnum):
    OPEN = "open"  # waiting for its assignee to accept
    ACCEPTED = "accepted"
    ON_SITE = "on_site"
    DONE = "done"
    CANCELLED = "cancelled"
    CLOSED = "closed"  # recorded, nothing to do (praise)


class Move(StrEnum):
    ACCEPT = "accept"
    ARRIVE = "arrive"
    DONE = "done"
    TRANSFER = "transfer"
    CANCEL = "cancel"  # by the resident who reported it
    REOPEN = "reopen"  # “没修好”, back to the same assignee


# Still someone's work: listed as 我的报修 / 我的工单, counted for routing, escalated when late.
OPEN_STATUSES: tuple[Status, ...] = (Status.OPEN, Status.ACCEPTED, Status.ON_SITE)

ALLOWED_FROM: dict[Move, tuple[Status, ...]] = {
    Move.ACCEPT: (Status.OPEN,),
    Move.ARRIVE: (Status.OPEN, Status.ACCEPTED),
    Move.DONE: OPEN_STATUSES,
    Move.TRANSFER: OPEN_STATUSES,
    Move.CANCEL: OPEN_STATUSES,
    Move.REOPEN: (Status.DONE,),
}


def allowed(move: Move | str, status: str) -> bool:
    return status in ALLOWED_FROM[Move(move)]


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def status_label(status: str) -> str:
    """待接单, 已完成, ...; a status this code does not know is shown as stored."""
    try:
        return label(f"ticket_status_{Status(status)}")
    except ValueError:
        return status


def kind_label(kind: str) -> str:
    """报修, 投诉, 表扬, 人工服务."""
    return label(f"ticket_kind_{kind}")


def verb_label(action: str) -> str:
    """What a staff command is called in a reply: 接单, 到场, 完成, 转派, 回访."""
    return label(f"staff_verb_{action}")
