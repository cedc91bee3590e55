from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Aware UTC; sqlmodel's datetime columns refuse naive values, which catches zone mix-ups."""
    return datetime.now(UTC)
