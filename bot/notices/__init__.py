"""通知公告: notices a manager broadcasts, their delivery per person or by tag, and the answers
residents get about outages in force."""

from __future__ import annotations

from bot.outbound.registry import JobKind, RefKind, Registry


def install(registry: Registry) -> None:
    from bot.notices import delivery

    registry.job(JobKind.NOTICE_SEND, delivery.send)
    registry.on_result(RefKind.NOTICE_DELIVERY, delivery.delivered)
    registry.on_result(RefKind.NOTICE_BATCH, delivery.mass_submitted)
