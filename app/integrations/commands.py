"""CLI: `tanggap import` and `tanggap export`."""

from __future__ import annotations

import argparse
import json
import sys

from app.config import get_settings
from app.db import make_engine, session_scope
from app.integrations import transfer


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
