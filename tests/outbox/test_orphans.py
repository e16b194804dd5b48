"""Jobs claimed by a worker process that died are freed at the next worker start."""

from __future__ import annotations

import os
import socket

from sqlmodel import Session, select

from app.outbox import service as outbox
from app.tables import Job, utcnow


def test_jobs_of_a_dead_local_worker_are_released(engine) -> None:
    host = socket.gethostname()
    with Session(engine) as s:
        for locked_by in (f"{host}:999999:a", f"{host}:{os.getpid()}:b", "other-host:1:c"):
            s.add(
                Job(
                    kind="comment.process",
                    payload={},
                    status="running",
                    locked_by=locked_by,
                    locked_at=utcnow(),
                    dedupe_key=locked_by,
                )
            )
        s.commit()
        assert outbox.release_orphans(session=s, host=host, is_alive=lambda pid: False) == 1
        jobs = {j.locked_by: j.status for j in s.exec(select(Job))}
    assert jobs == {
        None: "pending",
        f"{host}:{os.getpid()}:b": "running",
        "other-host:1:c": "running",
    }
