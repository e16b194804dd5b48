"""The job registry: every job kind has exactly one handler."""

from app.outbox.jobs import JobKind
from app.tasks import DEAD_HANDLERS, HANDLERS


def test_every_job_kind_has_a_handler() -> None:
    assert set(JobKind) <= set(HANDLERS)
    assert set(DEAD_HANDLERS) <= set(JobKind)
