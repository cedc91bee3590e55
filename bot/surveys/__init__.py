"""回访: the satisfaction survey after a ticket is done, and service recovery after a poor score."""

from __future__ import annotations

from bot.outbound.registry import JobKind, Registry


def install(registry: Registry) -> None:
    from bot.surveys import flow

    registry.job(JobKind.SURVEY_SCHEDULE, flow.schedule_after_done)
    registry.job(JobKind.SURVEY_SEND, flow.send)
    registry.job(JobKind.SURVEY_REMIND, flow.remind)
    registry.job(JobKind.SURVEY_EXPIRE, flow.expire)
    registry.job(JobKind.RECOVERY_CHECK, flow.recovery_check)
