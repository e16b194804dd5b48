"""Database engine, constraint naming convention and session factory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from app.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

# Search indexes made by raw SQL in the migrations, not declared as tables (SQLite's FTS5 table and
# its shadow tables, PostgreSQL's expression index): autogenerate leaves them alone.
RAW_SQL_OBJECTS = ("comments_fts", "ix_comments_search")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic autogenerate filter: skip the raw-SQL search objects."""
    return not (reflected and name is not None and name.startswith(RAW_SQL_OBJECTS))


def make_engine(
    url: str,
    *,
    echo: bool = False,
    pool_size: int = 20,
    pool_timeout: float = 2.0,
    busy_timeout: float = 5.0,
) -> Engine:
    """Create an engine with a fixed pool and short waits.

    `pool_size` connections and no overflow: the API admits fewer concurrent requests than that
    (see `app.middleware.AdmissionMiddleware`), so a wait for a connection is rare and ends after
    `pool_timeout` seconds in `sqlalchemy.exc.TimeoutError` (a 503 with Retry-After), never in a
    hang. SQLite gets WAL, foreign keys and a `busy_timeout` for concurrent writers.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pool_args: dict[str, object] = {}
        if path and path != ":memory:":
            pool_args = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": pool_timeout}
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": busy_timeout},
            **pool_args,
        )
        busy_ms = int(busy_timeout * 1000)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: a commit survives a crash of the process (kill -9), only a power loss
            # can take the last commits back; one fsync per checkpoint instead of per commit.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={busy_ms}")
            cur.close()

        return engine
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=pool_timeout,
    )


def engine_from_settings(settings: Settings) -> Engine:
    """The service's engine: pool sized from the admission limit (docs/operations.md)."""
    return make_engine(
        settings.database_url,
        echo=settings.database_echo,
        pool_size=settings.db_pool_size,
        pool_timeout=settings.db_pool_timeout_seconds,
        busy_timeout=settings.sqlite_busy_timeout_seconds,
    )


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for code outside a request (CLI, worker)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


# Tables that grow in bursts and whose queries need planner statistics (the queue, the jobs).
HOT_TABLES = ("comments", "drafts", "jobs")


def analyze_stale_tables(
    engine: Engine, *, min_changes: int, tables: tuple[str, ...] = HOT_TABLES
) -> list[str]:
    """PostgreSQL: ``ANALYZE`` each of ``tables`` with at least ``min_changes`` rows, and 10% of
    its live rows, changed since its last analysis; returns the tables analysed. A no-op on other
    engines (SQLite plans these queries from the indexes alone)."""
    if engine.dialect.name != "postgresql":
        return []
    query = text(
        "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(:tables) "
        "AND n_mod_since_analyze >= GREATEST(:min_changes, 0.1 * n_live_tup)"
    )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        params = {"tables": list(tables), "min_changes": min_changes}
        stale = [str(r[0]) for r in conn.execute(query, params) if r[0] in tables]
        for table in stale:  # names from the catalogue, kept only when they are on our list
            conn.execute(text(f'ANALYZE "{table}"'))
    return stale
