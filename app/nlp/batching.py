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
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from app.errors import Overloaded, ServerBusy
from app.metrics import INFERENCE_BATCH, INFERENCE_QUEUE, INFERENCE_REJECTED
from app.microbatch import CallQueue, QueueClosed, QueueFull
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
        self._queue: CallQueue[_Call] = CallQueue(
            max_size=max_batch_texts, max_wait=self.max_wait, max_queued=max_queue_texts
        )
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # lifecycle -----------------------------------------------------------------------------
    def start(self) -> BatchingClassifier:
        """Start the inference thread (idempotent)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._queue.open()
                self._thread = threading.Thread(
                    target=self._run, name="tanggap-inference", daemon=True
                )
                self._thread.start()
        return self

    def stop(self) -> None:
        """Finish the queued calls, then end the inference thread."""
        self._queue.close()
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
            # asyncio.timeout, not wait_for: wait_for wraps the awaitable in one more task
            async with asyncio.timeout(self.result_timeout):
                return await asyncio.wrap_future(future)
        except TimeoutError as exc:
            future.cancel()
            raise ServerBusy("The classifier did not answer in time.") from exc

    def submit(self, texts: Sequence[str]) -> Future[list[Prediction]]:
        """Queue a call; raises `Overloaded` when the queue is full."""
        call = _Call(list(texts))
        try:
            self._queue.put(call, len(call.texts))
        except QueueClosed as exc:
            raise ServerBusy("The classifier is not running.") from exc
        except QueueFull as exc:
            INFERENCE_REJECTED.inc()
            raise Overloaded(
                "The classifier queue is full; retry later.",
                details={"queued_texts": self._queue.queued},
            ) from exc
        INFERENCE_QUEUE.set(self._queue.queued)
        return call.future

    @property
    def queued_texts(self) -> int:
        return self._queue.queued

    # the inference thread ------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            batch = self._queue.take()
            if batch is None:
                return
            INFERENCE_QUEUE.set(self._queue.queued)
            try:
                self._run_batch([c for c in batch if c.future.set_running_or_notify_cancel()])
            finally:
                self._queue.finished()

    def _run_batch(self, live: list[_Call]) -> None:
        if not live:
            return
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
            return
        start = 0
        for call in live:
            end = start + len(call.texts)
            call.future.set_result(list(predictions[start:end]))
            start = end
