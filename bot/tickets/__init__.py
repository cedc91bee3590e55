"""Tickets: repairs (BX), complaints (TS), praise (BY) and call-backs (RG), from the chat that
opens them to the staff moves that close them, with routing, escalation and reports."""

from __future__ import annotations

from bot.outbound.registry import JobKind, Registry


def install(registry: Registry) -> None:
    from bot.tickets import escalation

    registry.job(JobKind.ESCALATE_ACCEPT, escalation.escalate_accept)
    registry.job(JobKind.ESCALATE_RESOLVE, escalation.escalate_resolve)
