"""The durable job table (transactional outbox).

Jobs are written in the same transaction as the change that causes them, so a committed approval
always has its publish job, and a crash never loses one. Workers claim jobs with a conditional
UPDATE (and `SKIP LOCKED` on PostgreSQL), so any number of API replicas and workers can share one
database without a separate broker.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.tables import Job, utcnow


class PermanentJobError(Exception):
    """A failure that retrying cannot fix (e.g. a 4xx from a platform): the job goes dead now."""


class JobDeferred(Exception):
    """Not now (a rate limit, a paused account): run again at `until`, without using up a try."""

    def __init__(self, reason: str, *, until: datetime) -> None:
        super().__init__(reason)
        self.until = until


class JobParked(Exception):
    """Cannot run until a person acts (e.g. sets a new token): wait, unclaimed, for `unpark`."""


def enqueue(
    *,
    session: Session,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str | None = None,
    run_after: datetime | None = None,
    max_attempts: int = 8,
) -> Job:
    """Add a job to the current transaction. With `dedupe_key`, an existing job is returned.

    Never flushes: the job is written with the next flush or the commit (the dedupe lookup's
    autoflush writes earlier ones first), so a request's jobs are inserted together.
    """
    if dedupe_key is not None:
        existing = session.exec(select(Job).where(Job.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return existing
    now = utcnow()
    job = Job(
        kind=kind,
        payload=payload,
        result={},
        dedupe_key=dedupe_key,
        run_after=run_after or now,
        max_attempts=max_attempts,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    return job


def enqueue_unique(
    *,
    session: Session,
    kind: str,
    jobs: Sequence[tuple[str, dict[str, Any]]],
    run_after: datetime | None = None,
) -> None:
    """`enqueue` for many `(dedupe_key, payload)` jobs of one kind, with one dedupe lookup."""
    if not jobs:
        return
    keys = [key for key, _ in jobs]
    taken = set(session.exec(select(Job.dedupe_key).where(col(Job.dedupe_key).in_(keys))))
    now = utcnow()
    for key, payload in jobs:
        if key in taken:
            continue
        taken.add(key)
        session.add(
            Job(
                kind=kind,
                payload=payload,
                result={},
                dedupe_key=key,
                run_after=run_after or now,
                created_at=now,
                updated_at=now,
            )
        )


def claim(
    *,
    session: Session,
    worker_id: str,
    limit: int,
    lease_seconds: float = 300.0,
    now: datetime | None = None,
) -> list[Job]:
    """Claim up to `limit` due jobs for this worker; expired leases are taken over."""
    now = now or utcnow()
    stale = now - timedelta(seconds=lease_seconds)
    due = ((col(Job.status) == "pending") & (col(Job.run_after) <= now)) | (
        (col(Job.status) == "running") & (col(Job.locked_at) < stale)
    )
    query = select(Job.id).where(due).order_by(col(Job.run_after), col(Job.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = [job_id for job_id in session.exec(query) if job_id is not None]
    claimed: list[int] = []
    for job_id in ids:
        result = session.exec(
            update(Job)
            .where(col(Job.id) == job_id)
            .where(due)
            .values(
                status="running",
                locked_at=now,
                locked_by=worker_id,
                attempts=Job.attempts + 1,
                updated_at=now,
            )
        )
        if result.rowcount == 1:
            claimed.append(job_id)
    session.commit()
    if not claimed:
        return []
    return list(session.exec(select(Job).where(col(Job.id).in_(claimed)).order_by(col(Job.id))))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def release_orphans(
    *, session: Session, host: str, is_alive: Callable[[int], bool] = _pid_alive
) -> int:
    """Free jobs claimed by a worker on this host whose process is gone (kill -9, OOM).

    Worker ids are `host:pid:…`; a job such a worker claimed but never finished would otherwise
    wait for its lease to expire. Jobs of other hosts keep waiting for the lease.
    """
    rows = session.exec(
        select(Job).where(Job.status == "running").where(col(Job.locked_by).like(f"{host}:%"))
    )
    released = 0
    for job in rows:
        try:
            pid = int((job.locked_by or "").split(":")[1])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or is_alive(pid):
            continue
        job.status = "pending"
        job.locked_at = None
        job.locked_by = None
        job.run_after = utcnow()
        session.add(job)
        released += 1
    session.commit()
    return released


def backoff_seconds(attempts: int, *, base: float, cap: float) -> float:
    """Exponential backoff with full jitter."""
    return random.uniform(0, min(cap, base * (2 ** max(0, attempts - 1))))


def complete(*, session: Session, job: Job, result: dict[str, Any] | None = None) -> None:
    job.status = "done"
    job.result = result or {}
    job.locked_at = None
    job.last_error = None
    job.updated_at = utcnow()
    session.add(job)


def fail(
    *,
    session: Session,
    job: Job,
    error: str,
    permanent: bool,
    backoff_base: float,
    backoff_cap: float,
) -> bool:
    """Record a failure; returns True when the job is now dead (no more retries)."""
    now = utcnow()
    job.last_error = error[:2000]
    job.locked_at = None
    job.updated_at = now
    dead = permanent or job.attempts >= job.max_attempts
    if dead:
        job.status = "dead"
    else:
        job.status = "pending"
        job.run_after = now + timedelta(
            seconds=backoff_seconds(job.attempts, base=backoff_base, cap=backoff_cap)
        )
    session.add(job)
    return dead


def defer(*, session: Session, job: Job, until: datetime, reason: str) -> None:
    """Put a claimed job back to wait until `until`; the attempt does not count."""
    job.status = "pending"
    job.run_after = until
    job.max_attempts += 1
    job.locked_at = None
    job.last_error = reason[:2000]
    job.updated_at = utcnow()
    session.add(job)


def park(*, session: Session, job: Job, reason: str) -> None:
    """Set a claimed job aside (status `parked`) until `unpark`; the attempt does not count."""
    job.status = "parked"
    job.max_attempts += 1
    job.locked_at = None
    job.last_error = reason[:2000]
    job.updated_at = utcnow()
    session.add(job)


def unpark(*, session: Session, job_ids: list[int]) -> int:
    """Make parked jobs due now; returns how many were parked."""
    if not job_ids:
        return 0
    now = utcnow()
    result = session.exec(
        update(Job)
        .where(col(Job.id).in_(job_ids))
        .where(col(Job.status) == "parked")
        .values(status="pending", run_after=now, updated_at=now)
    )
    return int(result.rowcount or 0)


def mark_done_if_pending(*, session: Session, dedupe_keys: Sequence[str]) -> None:
    """Close the safety-net jobs whose work was done inline (one statement)."""
    if not dedupe_keys:
        return
    session.exec(
        update(Job)
        .where(col(Job.dedupe_key).in_(list(dedupe_keys)))
        .where(col(Job.status) == "pending")
        .values(status="done", updated_at=utcnow())
    )


def counts(*, session: Session) -> dict[str, int]:
    """Jobs per status, for metrics and health."""
    from sqlalchemy import func

    rows = session.exec(select(Job.status, func.count()).group_by(Job.status))
    return {status: n for status, n in rows}
