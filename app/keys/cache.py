"""A short-lived memory of verified API keys, so most requests skip the database lookup.

Entries are keyed by the key's SHA-256 (the plaintext is never kept) and live for
TANGGAP_API_KEY_CACHE_SECONDS. A key revoked through this process (`DELETE /api/v1/keys/{id}`)
is forgotten at once; one revoked elsewhere (another replica, `tanggap apikey revoke`) keeps
working here for at most that many seconds after this process last verified it. Unknown and
revoked keys are never remembered: each such request still goes to the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from app.security import Principal


class KeyCache:
    """Principals of recently verified keys, by key hash, each for `ttl_seconds`.

    `ttl_seconds` 0 turns the cache off (every request looks its key up). At most `max_entries`
    keys are held; when full, expired entries go first, then all of them.
    """

    def __init__(
        self,
        *,
        ttl_seconds: float,
        max_entries: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[Principal, float]] = {}
        self._revoked: set[int] = set()  # a lookup that raced its key's revocation is not kept
        self._lock = threading.Lock()

    def get(self, key_hash: str) -> Principal | None:
        """The principal verified for this hash less than `ttl` seconds ago, else None."""
        entry = self._entries.get(key_hash)
        if entry is None:
            return None
        principal, expires_at = entry
        if self._clock() >= expires_at:
            with self._lock:
                if self._entries.get(key_hash) is entry:
                    del self._entries[key_hash]
            return None
        return principal

    def put(self, key_hash: str, principal: Principal) -> None:
        """Remember a key the database just verified (not revoked)."""
        if self.ttl <= 0:
            return
        now = self._clock()
        with self._lock:
            if principal.id in self._revoked:
                return
            if key_hash not in self._entries and len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items() if v[1] > now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[key_hash] = (principal, now + self.ttl)

    def forget(self, key_id: int) -> None:
        """Drop this key id's entries and never keep it again (called when it is revoked here)."""
        with self._lock:
            self._revoked.add(key_id)
            self._entries = {k: v for k, v in self._entries.items() if v[0].id != key_id}
