"""Per-person message limits, so that one openid's flood costs everyone else nothing.

At most `[limits] messages_per_minute` messages from one openid in any minute are handled; the
rest get a friendly "slow down" answer without reaching the NLU or touching a ticket. The count
lives in Redis when `[redis] url` is set (all processes share it), else in this process.
The `limits` library does the counting (a moving window: a burst up to the limit, then one
message each time an old one leaves the window).
"""

from __future__ import annotations

import logging

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.config import Settings

log = logging.getLogger("wuye.flood")


class FloodGate:
    def __init__(self, settings: Settings) -> None:
        uri = settings.redis.url or "memory://"
        self.item = RateLimitItemPerMinute(settings.limits.messages_per_minute)
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri))

    def allow(self, openid: str) -> bool:
        try:
            return bool(self.limiter.hit(self.item, "wuye-msg", openid))
        except Exception:
            # A limiter that cannot count (Redis down) must not stop residents being answered.
            log.exception("message limiter unavailable; letting the message through")
            return True
