"""Micro-batching of comment processing across concurrent ingest requests.

An API ingest stores its comments in its own transaction first (what is acknowledged is stored,
with its `comment.process` safety-net job). It then hands their ids to `ProcessingBatcher`: one
processing thread takes them in batches (`app.microbatch.CallQueue`, the rule the inference
batcher uses: company is awaited up to `max_wait_ms` only under contention), classifies all
their texts in one forward pass, drafts them with one set of drafting inputs per account
(`drafts.context.BatchContext`) and commits once. The request waits, bounded, and answers with
the labels and the draft.

Under concurrency this turns N requests' N transactions, N model calls and N reads of the
account's drafting inputs into one of each. A call that cannot be taken (queue full, thread
stopped) or is not done in time is not an error: the comment is stored, and its safety-net job
finishes the work after `TANGGAP_INLINE_GRACE_SECONDS`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.comments.tasks import process
from app.config import Settings
from app.drafting.drafter import Drafter
from app.metrics import PROCESSING_BATCH
from app.microbatch import CallQueue, QueueClosed, QueueFull
from app.nlp.classifier import Classifier
from app.tables import Comment

log = logging.getLogger("tanggap.comments.pipeline")


@dataclass
class _Call:
    comment_ids: list[int]
    future: Future[None] = field(default_factory=Future)


class ProcessingBatcher:
    """Classify and draft the comments of concurrent requests in shared transactions.

    Args:
        engine: the database; the processing thread opens its own sessions.
        classifier, drafter, settings: as for `comments.tasks.process`.
        max_batch: most comments in one transaction (a larger single call runs alone).
        max_wait_ms: how long the first call of a contended batch waits for company.
        max_queue: comments that may wait; beyond, `process` returns False at once.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        classifier: Classifier,
        drafter: Drafter,
        settings: Settings,
        max_batch: int = 32,
        max_wait_ms: float = 3.0,
        max_queue: int = 256,
        process_fn: Callable[..., None] = process,
    ) -> None:
        self.engine = engine
        self.classifier = classifier
        self.drafter = drafter
        self.settings = settings
        self.max_batch = max_batch
        self.max_wait = max_wait_ms / 1000
        self.max_queue = max_queue
        self._process = process_fn
        self._queue: CallQueue[_Call] = CallQueue(
            max_size=max_batch, max_wait=self.max_wait, max_queued=max_queue
        )
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> ProcessingBatcher:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._queue.open()
                self._thread = threading.Thread(
                    target=self._run, name="tanggap-processing", daemon=True
                )
                self._thread.start()
        return self

    def stop(self) -> None:
        """Finish the queued calls, then end the processing thread."""
        self._queue.close()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def process(self, comment_ids: Sequence[int], *, timeout: float) -> bool:
        """Process stored comments in the next batch; True when they were done in time."""
        if not comment_ids:
            return True
        call = _Call(list(comment_ids))
        try:
            self._queue.put(call, len(call.comment_ids))
        except QueueClosed:
            return False
        except QueueFull:
            log.warning("comments.pipeline.full queued=%d", self._queue.queued)
            return False
        try:
            call.future.result(timeout=timeout)
        except FutureTimeout:
            call.future.cancel()  # still queued: the safety-net job takes over
            log.warning("comments.pipeline.timeout comments=%d", len(call.comment_ids))
            return False
        except Exception:  # logged by the thread; the safety-net job retries
            return False
        return True

    def _run(self) -> None:
        while True:
            batch = self._queue.take()
            if batch is None:
                return
            live = [c for c in batch if c.future.set_running_or_notify_cancel()]
            try:
                if live:
                    self._run_batch(live)
            finally:
                self._queue.finished()

    def _run_batch(self, calls: list[_Call]) -> None:
        ids = sorted({i for c in calls for i in c.comment_ids})
        PROCESSING_BATCH.observe(len(ids))
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                comments = list(session.exec(select(Comment).where(col(Comment.id).in_(ids))))
                self._process(
                    session=session,
                    comments=comments,
                    classifier=self.classifier,
                    drafter=self.drafter,
                    settings=self.settings,
                )
        except Exception as exc:
            if len(calls) > 1:  # one bad comment must not fail its neighbours: each alone
                log.warning("comments.pipeline.batch_failed comments=%d, one by one", len(ids))
                for call in calls:
                    self._run_batch([call])
                return
            # stored already; the comment's safety-net job retries it
            log.exception("comments.pipeline.failed comments=%d", len(ids))
            calls[0].future.set_exception(exc)
            return
        for call in calls:
            call.future.set_result(None)
