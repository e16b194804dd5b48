"""CLI: `tanggap import`, `tanggap export` and `tanggap connection`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlmodel import Session

from app.config import Settings, get_settings
from app.db import make_engine, session_scope
from app.integrations import connections, transfer


def import_file(args: argparse.Namespace) -> int:
    """Import comments from CSV/JSONL; `tanggap serve` or `tanggap worker` classifies them."""
    settings = get_settings()
    fmt = transfer.detect_format(str(args.input), args.format)
    data = args.input.read_bytes()
    with session_scope(make_engine(settings.database_url)) as session:
        report = transfer.import_comments(
            session=session,
            data=data,
            fmt=fmt,
            actor="cli:import",
            settings=settings,
            platform=args.platform,
            account=args.account,
        )
    summary = report.as_dict()
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 1 if summary["failed"] and not (summary["created"] or summary["existing"]) else 0


def export(args: argparse.Namespace) -> int:
    """Write the queue or the audit trail as CSV/JSONL to a file or stdout."""
    settings = get_settings()
    if args.what == "queue":
        filters: dict[str, object] = {
            "status": None if args.status == "all" else args.status,
            "account": args.account,
        }
    else:
        filters = {"action": args.action, "account": args.account}
    chunks = transfer.stream_export(
        engine=make_engine(settings.database_url), kind=args.what, fmt=args.format, **filters
    )
    if args.output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return 0
    with open(args.output, "w", encoding="utf-8", newline="") as fh:
        for chunk in chunks:
            fh.write(chunk)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def set_connection(
    *, session: Session, settings: Settings, account: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """Apply connection changes as the CLI; returns the admin's (masked) view."""
    if not changes:
        return connections.view(session=session, settings=settings, account=account)
    return connections.put(
        session=session, settings=settings, account=account, changes=changes, actor="cli:connection"
    )


def connection(args: argparse.Namespace) -> int:
    """Show an account's connection, or change it; secrets are read from stdin."""
    settings = get_settings()
    changes: dict[str, Any] = {}
    if args.meta_token_stdin and args.chatwoot_token_stdin:
        print("read one secret from stdin at a time", file=sys.stderr)
        return 2
    if args.meta_token_stdin:
        changes["meta_token"] = sys.stdin.readline().strip()
    if args.reconnect:
        changes["reconnect"] = True
    if args.chatwoot_token_stdin:
        changes["chatwoot_token"] = sys.stdin.readline().strip()
    for name, key in (
        ("graph_host", "meta_graph_host"),
        ("graph_version", "meta_graph_version"),
        ("chatwoot_url", "chatwoot_url"),
        ("chatwoot_handoff", "chatwoot_handoff"),
    ):
        if getattr(args, name) is not None:
            changes[key] = getattr(args, name)
    if any(not changes[k] for k in ("meta_token", "chatwoot_token") if k in changes):
        print("empty token on stdin", file=sys.stderr)
        return 2
    with session_scope(make_engine(settings.database_url)) as session:
        view = set_connection(
            session=session, settings=settings, account=args.account, changes=changes
        )
    print(json.dumps(view, ensure_ascii=False, indent=2, default=str))
    return 0
