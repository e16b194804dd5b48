"""A bounded queue of calls that one consumer thread takes in batches.

The gathering rule shared by the inference batcher (`app/nlp/batching.py`) and the processing
batcher of API ingests (`app/comments/pipeline.py`): the consumer takes the first waiting call;
only when calls arrived while the previous batch ran (contention) does it wait up to `max_wait`
seconds for company; a batch never grows past `max_size` units (a larger single call runs
alone). More than `max_queued` waiting units refuse a new call (`QueueFull`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Generic, TypeVar

C = TypeVar("C")


class QueueClosed(Exception):
    """The consumer is not running."""


class QueueFull(Exception):
    """Too many units wait already."""


class CallQueue(Generic[C]):
    def __init__(self, *, max_size: int, max_wait: float, max_queued: int) -> None:
        self.max_size = max_size
        self.max_wait = max_wait
        self.max_queued = max_queued
        self._calls: deque[tuple[C, int]] = deque()
        self._queued = 0
        self._cond = threading.Condition()
        self._closed = True
        self._running = False
        self._contended = False

    @property
    def queued(self) -> int:
        """Units waiting (not yet taken)."""
        return self._queued

    def open(self) -> None:
        with self._cond:
            self._closed = False

    def close(self) -> None:
        """Refuse new calls; `take` returns the waiting ones, then None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def put(self, call: C, size: int) -> None:
        """Queue a call of `size` units; raises `QueueClosed` or `QueueFull`."""
        with self._cond:
            if self._closed:
                raise QueueClosed
            if self._queued and self._queued + size > self.max_queued:
                raise QueueFull
            self._calls.append((call, size))
            self._contended = self._contended or self._running or len(self._calls) > 1
            self._queued += size
            self._cond.notify()

    def take(self) -> list[C] | None:
        """The next batch (blocks until there is one); None once closed and empty. The caller
        runs it and then calls `finished`."""
        with self._cond:
            while not self._calls:
                if self._closed:
                    return None
                self._cond.wait()
            first, size = self._calls.popleft()
            batch = [first]
            wait = self.max_wait if self._contended else 0.0
            self._contended = False
            deadline = time.monotonic() + wait
            while size < self.max_size:
                if self._calls:
                    if size + self._calls[0][1] > self.max_size:
                        break
                    call, n = self._calls.popleft()
                    batch.append(call)
                    size += n
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    break
                self._cond.wait(remaining)
            self._queued -= size
            self._running = True
            return batch

    def finished(self) -> None:
        """The batch `take` returned has run."""
        with self._cond:
            self._running = False
