"""Per-person message limits, so that one openid's flood costs everyone else nothing.

At most `[limits] messages_per_minute` messages from one openid in any minute are handled; the
rest get a friendly "slow down" answer without reaching the NLU or touching a ticket. Both
counters are a moving window: a burst up to the limit, then one message each time an old one
leaves the window.

With `[redis] url` set, all processes share the count through the `limits` library's Redis
storage. Without it the count is this process's own, kept here: `limits`' memory storage
starts a timer thread on every hit to expire old entries, and each run of that thread walks
every key, which under a storm of many openids cost more CPU than the rest of the check.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from bot.config import Settings

log = logging.getLogger("wuye.flood")
WINDOW_SECONDS = 60.0


class _Counter(Protocol):
    def hit(self, openid: str) -> bool: ...


class LocalWindow:
    """A moving window per key in this process: the times of the allowed hits, newest last."""

    def __init__(
        self, limit: int, seconds: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.seconds, self.clock = limit, seconds, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._swept = clock()

    def __len__(self) -> int:
        return len(self._hits)

    def hit(self, key: str) -> bool:
        now = self.clock()
        start = now - self.seconds
        with self._lock:
            if now - self._swept > self.seconds:
                self._sweep(start)
                self._swept = now
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
            while hits and hits[0] <= start:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def _sweep(self, start: float) -> None:
        """Forget the keys with no hit left in the window (once a window, not on every hit)."""
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= start]:
            del self._hits[key]


class _RedisWindow:
    def __init__(self, settings: Settings) -> None:
        from limits import RateLimitItemPerMinute
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        self.item = RateLimitItemPerMinute(settings.limits.messages_per_minute)
        self.limiter = MovingWindowRateLimiter(storage_from_string(settings.redis.url))

    def hit(self, openid: str) -> bool:
        return bool(self.limiter.hit(self.item, "wuye-msg", openid))


class FloodGate:
    def __init__(self, settings: Settings) -> None:
        self.counter: _Counter = (
            _RedisWindow(settings) if settings.redis.url else LocalWindow(settings.limits.messages_per_minute)
        )

    def allow(self, openid: str) -> bool:
        try:
            return self.counter.hit(openid)
        except Exception:
            # A limiter that cannot count (Redis down) must not stop residents being answered.
            log.exception("message limiter unavailable; letting the message through")
            return True
