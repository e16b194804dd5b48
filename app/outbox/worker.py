"""The job worker: runs in the API process (default) or alone as `tanggap worker`."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from sqlmodel import Session

from app.db import analyze_stale_tables
from app.outbox import service as outbox
from app.outbox.jobs import ATTEMPT_KEY, JobContext
from app.outbox.service import JobDeferred, JobParked, PermanentJobError
from app.tables import Job
from app.tasks import BATCH_HANDLERS, DEAD_HANDLERS, HANDLERS

__all__ = ["ATTEMPT_KEY", "JobContext", "Worker"]

log = logging.getLogger("tanggap.worker")


class Worker:
    """Claims due jobs and runs their handlers, one transaction per job."""

    def __init__(self, context: JobContext, *, worker_id: str | None = None) -> None:
        self.context = context
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """Run every due job once; returns how many were run."""
        settings = self.context.settings
        with Session(self.context.engine, expire_on_commit=False) as session:
            jobs = outbox.claim(
                session=session,
                worker_id=self.worker_id,
                limit=settings.worker_batch_size,
                now=self.context.clock(),
            )
        together: dict[str, list[Job]] = {}
        for job in jobs:
            if job.kind in BATCH_HANDLERS:
                together.setdefault(job.kind, []).append(job)
        done: set[int | None] = set()
        for kind, group in together.items():
            if len(group) > 1 and self._run_together(kind, group):
                done.update(j.id for j in group)
        for job in jobs:
            if job.id not in done:
                self._run(job)
        return len(jobs)

    def _run_together(self, kind: str, group: list[Job]) -> bool:
        """Run jobs of a batchable kind in one transaction; False (nothing kept) on failure."""
        ids = [
            i
            for job in group
            for i in (job.payload.get("comment_ids") or [job.payload.get("comment_id")])
            if i is not None
        ]
        with Session(self.context.engine, expire_on_commit=False) as session:
            try:
                payload = {"comment_ids": ids, ATTEMPT_KEY: max(j.attempts for j in group)}
                result = BATCH_HANDLERS[kind](session, payload, self.context)
                for job in group:
                    fresh = session.get(Job, job.id)
                    assert fresh is not None
                    outbox.complete(session=session, job=fresh, result=result)
                session.commit()
            except Exception as exc:  # each job runs alone next, and fails or retries on its own
                session.rollback()
                error = type(exc).__name__
                log.warning("job.batch_failed kind=%s jobs=%d error=%s", kind, len(group), error)
                return False
        log.info("job.done kind=%s jobs=%d (together)", kind, len(group))
        return True

    def drain(self, *, max_rounds: int = 100) -> int:
        """Run until no job is due (tests, CLI)."""
        total = 0
        for _ in range(max_rounds):
            n = self.run_once()
            total += n
            if n == 0:
                break
        return total

    def _run(self, job: Job) -> None:
        settings = self.context.settings
        handler = HANDLERS.get(job.kind)
        with Session(self.context.engine, expire_on_commit=False) as session:
            try:
                if handler is None:
                    raise PermanentJobError(f"no handler for job kind '{job.kind}'")
                payload = {**job.payload, ATTEMPT_KEY: job.attempts}
                result = handler(session, payload, self.context)
                fresh = session.get(Job, job.id)
                assert fresh is not None
                outbox.complete(session=session, job=fresh, result=result)
                session.commit()
                log.info("job.done kind=%s id=%s", job.kind, job.id)
                return
            except (JobDeferred, JobParked) as exc:
                session.rollback()
                self._set_aside(job, exc)
                return
            except Exception as exc:  # a job failure must never kill the worker
                session.rollback()
                permanent = isinstance(exc, PermanentJobError)
                error = f"{type(exc).__name__}: {exc}"
                log.warning("job.failed kind=%s id=%s error=%s", job.kind, job.id, error)
        with Session(self.context.engine, expire_on_commit=False) as session:
            fresh = session.get(Job, job.id)
            assert fresh is not None
            dead = outbox.fail(
                session=session,
                job=fresh,
                error=error,
                permanent=permanent,
                backoff_base=settings.job_backoff_base_seconds,
                backoff_cap=settings.job_backoff_max_seconds,
            )
            if dead and job.kind in DEAD_HANDLERS:
                DEAD_HANDLERS[job.kind](session, fresh, self.context)
            session.commit()

    def _set_aside(self, job: Job, exc: JobDeferred | JobParked) -> None:
        with Session(self.context.engine, expire_on_commit=False) as session:
            fresh = session.get(Job, job.id)
            assert fresh is not None
            if isinstance(exc, JobDeferred):
                outbox.defer(session=session, job=fresh, until=exc.until, reason=str(exc))
                log.info("job.deferred kind=%s id=%s until=%s", job.kind, job.id, exc.until)
            else:
                outbox.park(session=session, job=fresh, reason=str(exc))
                log.warning("job.parked kind=%s id=%s reason=%s", job.kind, job.id, exc)
            session.commit()

    def start(self) -> None:
        """Run in a background thread until `stop()`."""
        self._thread = threading.Thread(target=self.run_forever, name="tanggap-worker", daemon=True)
        self._thread.start()

    def run_forever(self) -> None:
        log.info("worker.start id=%s", self.worker_id)
        try:
            with Session(self.context.engine, expire_on_commit=False) as session:
                released = outbox.release_orphans(session=session, host=socket.gethostname())
            if released:
                log.warning("worker.orphans_released count=%d", released)
        except Exception:  # the database may still be starting; leases expire anyway
            log.exception("worker.orphans.error")
        next_analyze = 0.0
        while not self._stop.is_set():
            try:
                n = self.run_once()
            except Exception:  # database down: keep the worker alive and retry
                log.exception("worker.loop.error")
                n = 0
            every = self.context.settings.db_analyze_check_seconds
            if every > 0 and time.monotonic() >= next_analyze:
                next_analyze = time.monotonic() + every
                self._analyze()
            if n == 0:
                self._stop.wait(self.context.settings.worker_poll_seconds)

    def _analyze(self) -> None:
        """Refresh planner statistics of tables a burst has changed (PostgreSQL only)."""
        try:
            done = analyze_stale_tables(
                self.context.engine, min_changes=self.context.settings.db_analyze_min_changes
            )
        except Exception:  # statistics are an optimisation: never stop the worker for them
            log.exception("worker.analyze.error")
            return
        if done:
            log.info("worker.analyze tables=%s", ",".join(done))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
