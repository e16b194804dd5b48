"""Alembic: the migrations build exactly the schema the tables declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import app.tables  # noqa: F401
from app.db import include_object


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_cli_migrates_an_empty_database_and_creates_a_key(tmp_path, monkeypatch, capsys):
    from app.cli import main
    from app.config import get_settings

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("TANGGAP_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 0
        assert main(["apikey", "create", "--name", "ops", "--role", "admin"]) == 0
        key = capsys.readouterr().out.strip().splitlines()[-1]
        assert key.startswith("tgp_")
        from app.db import make_engine, session_scope
        from app.keys import service

        with session_scope(make_engine(url)) as s:
            principal = service.authenticate(session=s, key=key)
        assert principal is not None and principal.role == "admin"
        assert (
            main(
                [
                    "user",
                    "create",
                    "--username",
                    "sari",
                    "--password",
                    "rahasia-123",
                    "--role",
                    "reviewer",
                ]
            )
            == 0
        )
        assert (
            main(
                [
                    "user",
                    "create",
                    "--username",
                    "sari",
                    "--password",
                    "rahasia-123",
                    "--role",
                    "reviewer",
                ]
            )
            == 1
        )
    finally:
        get_settings.cache_clear()
