"""Planner statistics after a burst: the worker re-analyses hot tables on PostgreSQL."""

import time

from sqlalchemy import text
from sqlmodel import Session

from app.db import analyze_stale_tables
from app.outbox import service as outbox


def _last_analyze(engine, table: str):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = :t"), {"t": table}
        ).scalar()


def test_a_table_changed_by_a_burst_is_analysed_and_a_quiet_one_is_not(engine) -> None:
    with Session(engine) as session:
        for i in range(40):
            outbox.enqueue(session=session, kind="test.noop", payload={"i": i})
        session.commit()
    if engine.dialect.name != "postgresql":
        assert analyze_stale_tables(engine, min_changes=1) == []  # nothing to do elsewhere
        return
    before = _last_analyze(engine, "jobs")
    done: list[str] = []
    deadline = time.monotonic() + 10  # table statistics reach the catalogue within about 1 s
    while "jobs" not in done and time.monotonic() < deadline:
        done = analyze_stale_tables(engine, min_changes=20)
        time.sleep(0.2)
    assert "jobs" in done
    after = _last_analyze(engine, "jobs")
    assert after is not None and (before is None or after > before)
    # analysed: its changes are counted from zero again, and 40 rows are below the threshold
    assert "jobs" not in analyze_stale_tables(engine, min_changes=20)
    assert "jobs" not in analyze_stale_tables(engine, min_changes=10_000)
