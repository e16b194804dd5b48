"""Micro-batching of inference across concurrent callers (as text-embeddings-inference does).

`BatchingClassifier` wraps any `Classifier`. Callers from any thread (request threads, the job
worker) put their texts on one bounded queue; a single inference thread takes the first waiting
call, gathers whatever else arrives within `max_wait_ms` (up to `max_batch_texts` texts), runs
the wrapped classifier once on all of them and hands each caller its own predictions. The
wait only happens under contention (calls arrived while the previous batch ran); a lone call on
an idle server runs at once. One thread
owns the model, so the CPU cores serve one batched forward pass instead of many small ones
fighting over them. When more than `max_queue_texts` texts already wait, a call fails at once
with `Overloaded` (429 with Retry-After) instead of queueing without bound.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from app.errors import Overloaded, ServerBusy
from app.metrics import INFERENCE_BATCH, INFERENCE_QUEUE, INFERENCE_REJECTED
from app.nlp.classifier import Classifier, Prediction

log = logging.getLogger("tanggap.nlp.batching")


@dataclass
class _Call:
    texts: list[str]
    future: Future[list[Prediction]] = field(default_factory=Future)


class BatchingClassifier:
    """A `Classifier` that batches concurrent `predict` calls on one inference thread.

    Args:
        inner: the classifier that does the work; only the inference thread calls it.
        max_batch_texts: most texts in one forward pass (a larger single call runs alone).
        max_wait_ms: how long the first call of a batch waits for company.
        max_queue_texts: texts that may wait; beyond, `predict` raises `Overloaded`.
        result_timeout_s: how long a caller waits for its result before giving up (`ServerBusy`).
    """

    def __init__(
        self,
        inner: Classifier,
        *,
        max_batch_texts: int = 32,
        max_wait_ms: float = 2.0,
        max_queue_texts: int = 512,
        result_timeout_s: float = 30.0,
    ) -> None:
        self.inner = inner
        self.model_version = inner.model_version
        self.max_batch_texts = max_batch_texts
        self.max_wait = max_wait_ms / 1000
        self.max_queue_texts = max_queue_texts
        self.result_timeout = result_timeout_s
        self._calls: deque[_Call] = deque()
        self._queued_texts = 0
        self._cond = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None
        # Set when a call arrives while a batch runs: only then is waiting for company worth it;
        # an idle server answers a lone call at once (the /classify batch-1 fast path).
        self._running = False
        self._contended = False

    # lifecycle -----------------------------------------------------------------------------
    def start(self) -> BatchingClassifier:
        """Start the inference thread (idempotent)."""
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._stopped = False
                self._thread = threading.Thread(
                    target=self._run, name="tanggap-inference", daemon=True
                )
                self._thread.start()
        return self

    def stop(self) -> None:
        """Finish the queued calls, then end the inference thread."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def warmup(self) -> None:
        """Warm the wrapped model (on this thread, before traffic)."""
        self.inner.warmup()

    # the Classifier protocol ---------------------------------------------------------------
    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Label `texts` in the next batch; blocks the calling thread until it is done."""
        if not texts:
            return []
        future = self.submit(texts)
        try:
            return future.result(timeout=self.result_timeout)
        except TimeoutError as exc:
            future.cancel()
            raise ServerBusy("The classifier did not answer in time.") from exc

    async def apredict(self, texts: Sequence[str]) -> list[Prediction]:
        """Like `predict`, awaited on the event loop without taking a thread."""
        if not texts:
            return []
        future = self.submit(texts)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.result_timeout)
        except TimeoutError as exc:
            future.cancel()
            raise ServerBusy("The classifier did not answer in time.") from exc

    def submit(self, texts: Sequence[str]) -> Future[list[Prediction]]:
        """Queue a call; raises `Overloaded` when the queue is full."""
        call = _Call(list(texts))
        with self._cond:
            if self._stopped or self._thread is None:
                raise ServerBusy("The classifier is not running.")
            if self._queued_texts and self._queued_texts + len(call.texts) > self.max_queue_texts:
                INFERENCE_REJECTED.inc()
                raise Overloaded(
                    "The classifier queue is full; retry later.",
                    details={"queued_texts": self._queued_texts},
                )
            self._calls.append(call)
            self._contended = self._contended or self._running or len(self._calls) > 1
            self._queued_texts += len(call.texts)
            INFERENCE_QUEUE.set(self._queued_texts)
            self._cond.notify()
        return call.future

    @property
    def queued_texts(self) -> int:
        return self._queued_texts

    # the inference thread ------------------------------------------------------------------
    def _take_batch(self) -> list[_Call] | None:
        with self._cond:
            while not self._calls:
                if self._stopped:
                    return None
                self._cond.wait()
            batch = [self._calls.popleft()]
            size = len(batch[0].texts)
            wait = self.max_wait if self._contended else 0.0
            self._contended = False
            deadline = time.monotonic() + wait
            while size < self.max_batch_texts:
                if self._calls:
                    if size + len(self._calls[0].texts) > self.max_batch_texts:
                        break
                    call = self._calls.popleft()
                    batch.append(call)
                    size += len(call.texts)
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stopped:
                    break
                self._cond.wait(remaining)
            self._queued_texts -= size
            INFERENCE_QUEUE.set(self._queued_texts)
            self._running = True
            return batch

    def _run(self) -> None:
        while True:
            batch = self._take_batch()
            if batch is None:
                return
            live = [c for c in batch if c.future.set_running_or_notify_cancel()]
            if not live:
                with self._cond:
                    self._running = False
                continue
            texts = [t for c in live for t in c.texts]
            INFERENCE_BATCH.observe(len(texts))
            try:
                predictions = self.inner.predict(texts)
                if len(predictions) != len(texts):
                    raise RuntimeError("classifier returned a different number of predictions")
            except Exception as exc:  # each caller gets the error; the thread lives on
                log.exception("nlp.batch.failed texts=%d", len(texts))
                for call in live:
                    call.future.set_exception(exc)
                continue
            finally:
                with self._cond:
                    self._running = False
            start = 0
            for call in live:
                end = start + len(call.texts)
                call.future.set_result(list(predictions[start:end]))
                start = end
