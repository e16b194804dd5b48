"""Publishing to Meta for one account: pacing, retries and what each Graph failure means.

- Throttling and transient faults are retried in the worker with jittered backoff (tenacity),
  honouring the wait Meta advertises (`estimated_time_to_regain_access`); a wait longer than
  `meta_retry_inline_max_seconds` puts the job back in the queue until then, and pauses the
  account so its other jobs wait too.
- Usage headers above `meta_usage_slowdown_percent` pause the account's queue.
- Token errors (code 190) mark the account disconnected and park its jobs until a new token.
- Permission and request errors stop: the draft fails with Meta's message.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlmodel import Session
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from app.config import Settings
from app.integrations import connections
from app.integrations.connections import MetaAccess
from app.integrations.meta import THROTTLED, TOKEN, GraphClient, GraphError
from app.outbox.service import JobDeferred, JobParked, PermanentJobError
from app.tables import Comment

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait between tries in the worker, and when to give the job back instead."""

    attempts: int
    base: float
    cap: float
    inline_max: float
    throttle_min: float

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            attempts=max(1, settings.meta_retry_attempts),
            base=settings.job_backoff_base_seconds,
            cap=settings.meta_retry_inline_max_seconds,
            inline_max=settings.meta_retry_inline_max_seconds,
            throttle_min=settings.meta_throttle_min_seconds,
        )

    def nominal_wait(self, exc: GraphError) -> float:
        """The wait before a retry, before jitter: Meta's advertised time when throttled."""
        if exc.kind == THROTTLED:
            return exc.retry_after or self.throttle_min
        return 0.0

    def wait(self, exc: GraphError, attempt: int) -> float:
        """Jittered: up to 10% on top of a throttling wait, full jitter on exponential backoff."""
        if exc.kind == THROTTLED:
            nominal = self.nominal_wait(exc)
            return nominal + random.uniform(0, nominal * 0.1)
        return random.uniform(0, min(self.cap, self.base * 2 ** max(0, attempt - 1)))

    def retry_inline(self, exc: BaseException) -> bool:
        return (
            isinstance(exc, GraphError)
            and exc.transient
            and self.nominal_wait(exc) <= self.inline_max
        )


def with_retries(
    fn: Callable[[int], T], *, policy: RetryPolicy, sleep: Callable[[float], None]
) -> T:
    """Call `fn(try_number)` until it succeeds, a failure is not worth retrying here, or the
    tries run out; the last failure is raised."""

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        return policy.wait(exc, state.attempt_number) if isinstance(exc, GraphError) else 0.0

    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts),
        wait=wait,
        retry=retry_if_exception(policy.retry_inline),
        sleep=sleep,
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            return fn(attempt.retry_state.attempt_number)
    raise AssertionError("unreachable")  # pragma: no cover - reraise=True raises the last error


def check_ready(
    *,
    session: Session,
    access: MetaAccess,
    now: datetime,
    counts_reply: bool,
) -> None:
    """Raise when the account cannot call Meta now: disconnected, paused or at its hourly limit."""
    if not access.target.token:
        raise PermanentJobError(f"no Meta page token configured for account '{access.account}'")
    if not access.connected:
        raise JobParked(
            f"account '{access.account}' is disconnected from Meta ({access.error}); "
            "waiting for a new token"
        )
    if access.paused_until is not None and access.paused_until > now:
        raise JobDeferred(f"account '{access.account}' is paused", until=access.paused_until)
    if counts_reply:
        count, oldest = connections.replies_last_hour(
            session=session, account=access.account, now=now
        )
        if count >= access.replies_per_hour and oldest is not None:
            raise JobDeferred(
                f"account '{access.account}' posted {count} replies in the last hour "
                f"(limit {access.replies_per_hour})",
                until=oldest + timedelta(hours=1),
            )


def record_usage(
    *, session: Session, settings: Settings, account: str, client: GraphClient, now: datetime
) -> None:
    if client.last_usage is not None:
        connections.note_usage(
            session=session, settings=settings, account=account, usage=client.last_usage, now=now
        )


def call_graph(
    fn: Callable[[int], T],
    *,
    session: Session,
    settings: Settings,
    access: MetaAccess,
    client: GraphClient,
    now: datetime,
    sleep: Callable[[float], None],
) -> T:
    """Run Graph calls with retries; turn what is left of a failure into the job's fate."""
    policy = RetryPolicy.from_settings(settings)
    account = access.account
    try:
        result = with_retries(fn, policy=policy, sleep=sleep)
    except GraphError as exc:
        record_usage(
            session=session, settings=settings, account=access.account, client=client, now=now
        )
        if exc.kind == TOKEN:
            connections.mark_disconnected(session=session, account=access.account, error=str(exc))
            session.commit()
            raise JobParked(f"account '{access.account}' disconnected: {exc}") from exc
        if exc.kind == THROTTLED:
            until = now + timedelta(seconds=policy.wait(exc, 1))
            connections.pause(session=session, account=access.account, until=until, reason=str(exc))
            session.commit()
            raise JobDeferred(str(exc), until=until) from exc
        session.commit()  # keep the usage seen; the job's own changes were not made yet
        if exc.transient:
            raise
        raise PermanentJobError(str(exc)) from exc
    record_usage(session=session, settings=settings, account=account, client=client, now=now)
    return result


def is_mention(comment: Comment) -> bool:
    return bool((comment.extra or {}).get("mention"))
