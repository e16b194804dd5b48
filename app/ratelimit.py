"""Per-key API rate limits with the `limits` library (in-process memory, sliding window)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from app.errors import RateLimited


class ApiRateLimiter:
    """One limit (e.g. ``"3000/minute"``) per caller: an API key id or a web user id.

    Counts live in this process, like the login throttle: with N replicas a caller gets up to N
    times the limit. Over it, `check` raises `RateLimited` (429) with the seconds to wait.
    """

    def __init__(self, spec: str) -> None:
        self.item: RateLimitItem = parse(spec)
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    def check(self, identity: str) -> None:
        """Count one request of `identity`; raise `RateLimited` when it is over the limit."""
        if self._limiter.hit(self.item, identity):
            return
        stats = self._limiter.get_window_stats(self.item, identity)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            details={"limit": str(self.item), "retry_after_seconds": wait}, retry_after=wait
        )
