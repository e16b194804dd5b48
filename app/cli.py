"""The `tanggap` command."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import importlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import ROOT, get_settings

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlmodel import Session

DATA_DIR = ROOT.parent / "shared" / "data"


def _lazy(target: str) -> Callable[[argparse.Namespace], int]:
    """Import `module:function` only when the command runs (keeps `tanggap --help` fast)."""

    def run(args: argparse.Namespace) -> int:
        module, func = target.split(":")
        return int(getattr(importlib.import_module(module), func)(args) or 0)

    return run


# --- service commands --------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    logging.basicConfig(level=settings.log_level)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        # Each process has its own model, batchers and job worker (jobs are claimed from the
        # database, so any number of processes share them safely).
        workers=getattr(args, "workers", None) or settings.serve_workers,
        log_level=settings.log_level.lower(),
        # X-Forwarded-For/-Proto only from the proxies named in TANGGAP_TRUSTED_PROXIES
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
    )
    return 0


def alembic_config() -> Config:
    from alembic.config import Config

    return Config(toml_file=str(ROOT / "pyproject.toml"))


def cmd_migrate(args: argparse.Namespace) -> int:
    from alembic import command

    command.upgrade(alembic_config(), args.revision)
    print(f"database migrated to {args.revision}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import httpx

    from app.db import make_engine
    from app.drafting.drafter import load_drafter
    from app.nlp.classifier import load_classifier
    from app.outbox.worker import JobContext, Worker

    settings = get_settings()
    logging.basicConfig(level=settings.log_level)
    classifier = load_classifier(
        settings.model_dir,
        settings.classifier_backend,
        threads=settings.inference_threads,
        quantize=settings.classifier_quantize,
    )
    context = JobContext(
        settings=settings,
        engine=make_engine(settings.database_url),
        classifier=classifier,
        drafter=load_drafter(settings),
        http=httpx.Client(timeout=settings.http_timeout_seconds),
    )
    worker = Worker(context)
    if args.once:
        print(f"ran {worker.drain()} jobs")
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        worker.run_forever()
    return 0


def _session() -> contextlib.AbstractContextManager[Session]:
    from app.db import make_engine, session_scope

    return session_scope(make_engine(get_settings().database_url))


def cmd_apikey_create(args: argparse.Namespace) -> int:
    from app.keys import service

    with _session() as session:
        row, key = service.create(session=session, name=args.name, role=args.role)
    print(key)
    print(
        f"created key #{row.id} '{row.name}' role={row.role}; store it now, it is not shown again",
        file=sys.stderr,
    )
    return 0


def cmd_apikey_list(args: argparse.Namespace) -> int:
    from app.keys import service

    with _session() as session:
        for row in service.list_keys(session=session):
            state = "revoked" if row.revoked_at else "active"
            print(f"{row.id}\t{row.name}\t{row.role}\t{row.prefix}…\t{state}")
    return 0


def cmd_apikey_revoke(args: argparse.Namespace) -> int:
    from app.keys import service

    with _session() as session:
        service.revoke(session=session, key_id=args.id)
    print(f"revoked key #{args.id}")
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    from app.users import service

    password = args.password
    if password is None:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            print("passwords do not match", file=sys.stderr)
            return 2
    with _session() as session:
        user = service.create(
            session=session, username=args.username, password=password, role=args.role
        )
    print(f"created user '{user.username}' role={user.role}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from app.users import service

    with _session() as session:
        users = service.list_users(session=session)
    print(f"{'username':<24} {'role':<9} {'active':<7} last login")
    for u in users:
        last = u.last_login_at.isoformat(timespec="minutes") if u.last_login_at else "-"
        print(f"{u.username:<24} {u.role:<9} {'yes' if u.is_active else 'no':<7} {last}")
    return 0


def cmd_user_deactivate(args: argparse.Namespace) -> int:
    from app.users import service

    with _session() as session:
        user = service.set_active(
            session=session, username=args.username, active=False, actor="cli"
        )
    print(f"deactivated '{user.username}'; their sessions have ended")
    return 0


def cmd_user_activate(args: argparse.Namespace) -> int:
    from app.users import service

    with _session() as session:
        user = service.set_active(session=session, username=args.username, active=True, actor="cli")
    print(f"activated '{user.username}'")
    return 0


def cmd_user_set_role(args: argparse.Namespace) -> int:
    from app.users import service

    with _session() as session:
        user = service.set_role(
            session=session, username=args.username, role=args.role, actor="cli"
        )
    print(f"'{user.username}' is now {user.role}; their sessions have ended")
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    from app.users import service

    password = args.password
    if password is None and not args.generate:
        password = getpass.getpass("New password: ")
        if getpass.getpass("Repeat password: ") != password:
            print("passwords do not match", file=sys.stderr)
            return 2
    with _session() as session:
        user, new = service.reset_password(
            session=session, username=args.username, actor="cli", password=password
        )
    if args.generate:
        print(new)  # printed once; only its hash is stored
    print(f"password of '{user.username}' reset; their sessions have ended", file=sys.stderr)
    return 0


# --- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tanggap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the HTTP service (and an in-process worker)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="server processes (default TANGGAP_SERVE_WORKERS, 1); one per core escapes the GIL",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="apply database migrations (alembic upgrade)")
    p.add_argument("revision", nargs="?", default="head")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("worker", help="run a standalone job worker (scale-out)")
    p.add_argument("--once", action="store_true", help="run due jobs, then exit")
    p.set_defaults(func=cmd_worker)

    apikey = sub.add_parser("apikey", help="manage API keys").add_subparsers(
        dest="apikey_command", required=True
    )
    p = apikey.add_parser("create", help="create a key and print it once")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=["admin", "reviewer", "integration"])
    p.set_defaults(func=cmd_apikey_create)
    p = apikey.add_parser("list", help="list keys")
    p.set_defaults(func=cmd_apikey_list)
    p = apikey.add_parser("revoke", help="revoke a key")
    p.add_argument("--id", type=int, required=True)
    p.set_defaults(func=cmd_apikey_revoke)

    user = sub.add_parser("user", help="manage web UI users").add_subparsers(
        dest="user_command", required=True
    )
    p = user.add_parser("create", help="create a user (prompts for the password if omitted)")
    p.add_argument("--username", required=True)
    p.add_argument("--password")
    p.add_argument("--role", required=True, choices=["admin", "reviewer"])
    p.set_defaults(func=cmd_user_create)
    p = user.add_parser("list", help="list users, their role and whether they are active")
    p.set_defaults(func=cmd_user_list)
    p = user.add_parser("deactivate", help="deactivate a user and end their sessions")
    p.add_argument("--username", required=True)
    p.set_defaults(func=cmd_user_deactivate)
    p = user.add_parser("activate", help="let a deactivated user log in again")
    p.add_argument("--username", required=True)
    p.set_defaults(func=cmd_user_activate)
    p = user.add_parser("set-role", help="change a user's role (ends their sessions)")
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=["admin", "reviewer"])
    p.set_defaults(func=cmd_user_set_role)
    p = user.add_parser(
        "reset-password", help="set a new password (prompted, or --generate) and end sessions"
    )
    p.add_argument("--username", required=True)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--password")
    group.add_argument("--generate", action="store_true", help="print a random password once")
    p.set_defaults(func=cmd_user_reset_password)

    p = sub.add_parser("import", help="import comments from a CSV or JSONL file")
    p.add_argument("--input", type=Path, required=True)
    p.add_argument("--format", choices=["csv", "jsonl"], help="default: from the file name")
    p.add_argument("--platform", help="for rows without a platform column")
    p.add_argument("--account", help="for rows without an account column")
    p.set_defaults(func=_lazy("app.integrations.commands:import_file"))

    p = sub.add_parser(
        "connection",
        help="show or change how an account reaches Meta and Chatwoot (a new token resumes jobs)",
    )
    p.add_argument("account")
    p.add_argument(
        "--meta-token-stdin",
        action="store_true",
        help="read the new Meta token from stdin (never from the command line)",
    )
    p.add_argument(
        "--reconnect",
        action="store_true",
        help="mark the account connected again after replacing its token in the settings",
    )
    p.add_argument(
        "--graph-host", choices=["https://graph.facebook.com", "https://graph.instagram.com"]
    )
    p.add_argument("--graph-version", help="e.g. v26.0")
    p.add_argument("--chatwoot-url")
    p.add_argument("--chatwoot-token-stdin", action="store_true")
    p.add_argument("--chatwoot-handoff", choices=["none", "open"])
    p.set_defaults(func=_lazy("app.integrations.commands:connection"))

    p = sub.add_parser("export", help="export the review queue or the audit trail")
    p.add_argument("what", choices=["queue", "audit"])
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    p.add_argument("--output", type=Path, help="default: stdout")
    p.add_argument("--status", default="pending", help="queue: draft status or `all`")
    p.add_argument("--account")
    p.add_argument("--action", help="audit: only this action")
    p.set_defaults(func=_lazy("app.integrations.commands:export"))

    settings = get_settings()
    model_dir = settings.model_dir

    p = sub.add_parser("train", help="train the classifier from ../shared/data")
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p.add_argument("--output", type=Path, default=model_dir)
    p.add_argument(
        "--with-feedback",
        action="store_true",
        help="add reviewer label corrections from the database",
    )
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--profile", default="fast", choices=["fast", "accurate", "teacher", "tiny"])
    p.add_argument(
        "--teacher",
        type=Path,
        default=None,
        help="model folder whose sentiment is distilled into this one (see `--profile teacher`)",
    )
    p.add_argument(
        "--init",
        type=Path,
        default=None,
        help="fine-tune this model folder on the labeled real texts and own corpus "
        "(app/nlp/finetune.py) instead of training from e5",
    )
    p.add_argument(
        "--heads",
        action="store_true",
        help="only fit the linear heads of the --output folder on its mean-pooled last layer "
        "(app/nlp/heads.py, writes heads.json)",
    )
    p.set_defaults(func=_lazy("app.nlp.commands:train"))

    p = sub.add_parser("eval", help="evaluate the classifier, or drafts with `eval drafts`")
    p.add_argument(
        "target", nargs="?", default="classifier", choices=["classifier", "drafts", "agreement"]
    )
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p.add_argument("--model-dir", type=Path, default=model_dir)
    p.add_argument(
        "--input", type=Path, nargs="+", help="drafts: labeled sets (YAML) and/or JSONL comments"
    )
    p.add_argument("--output", type=Path, help="where to write the JSON report")
    p.add_argument("--tone", default=None, choices=["santai", "netral", "formal"])
    p.add_argument("--account", default=None)
    p.add_argument(
        "--use-model", action="store_true", help="drafts: classify instead of the set's labels"
    )
    p.add_argument("--first", type=Path, help="agreement: label file (default: all L*.jsonl)")
    p.add_argument("--second", type=Path, help="agreement: label file (default: agree.jsonl)")
    p.set_defaults(func=_eval)

    p = sub.add_parser("classify", help="classify a JSONL file of {id, text}")
    p.add_argument("--input", type=Path, required=True)
    p.add_argument("--output", type=Path)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--model-dir", type=Path, default=model_dir)
    p.set_defaults(func=_lazy("app.nlp.commands:classify"))

    p = sub.add_parser("draft", help="draft replies for a JSONL file of {id, text}")
    p.add_argument("--input", type=Path, required=True)
    p.add_argument("--output", type=Path)
    p.add_argument("--tone", default=None, choices=["santai", "netral", "formal"])
    p.add_argument("--account", default=None)
    p.add_argument("--model-dir", type=Path, default=model_dir)
    p.set_defaults(func=_lazy("app.drafting.commands:draft"))

    bench = sub.add_parser("bench", help="benchmarks").add_subparsers(
        dest="bench_command", required=True
    )
    p = bench.add_parser("classify", help="classifier speed vs an IndoBERT-base-sized pipeline")
    p.add_argument("--input", type=Path)
    p.add_argument("-n", "--n", type=int, default=1000)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--model-dir", type=Path, default=model_dir)
    p.add_argument("--no-reference", dest="reference", action="store_false")
    p.add_argument("--output", type=Path)
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads for our model (default: TANGGAP_INFERENCE_THREADS; 0 = auto)",
    )
    p.set_defaults(func=_lazy("app.nlp.commands:bench_classify"))

    p = sub.add_parser(
        "seed-demo", help="create the demo account, its knowledge base and a few demo comments"
    )
    p.add_argument(
        "--no-comments",
        dest="comments",
        action="store_false",
        help="only the account and its knowledge base, no demo comments in the queue",
    )
    p.set_defaults(func=_lazy("app.drafting.commands:seed_demo"))

    kb = sub.add_parser("kb", help="knowledge base").add_subparsers(
        dest="kb_command", required=True
    )
    p = kb.add_parser("import", help="import FAQ entries from YAML or CSV")
    p.add_argument("path", type=Path)
    p.add_argument("--account", required=True)
    p.set_defaults(func=_lazy("app.drafting.commands:kb_import"))

    return parser


def _eval(args: argparse.Namespace) -> int:
    if args.target == "drafts":
        if args.input is None:
            print("eval drafts needs --input", file=sys.stderr)
            return 2
        return _lazy("app.drafting.commands:eval_drafts")(args)
    if args.target == "agreement":
        return _lazy("app.nlp.commands:agreement")(args)
    return _lazy("app.nlp.commands:evaluate")(args)


def main(argv: list[str] | None = None) -> int:
    from app.errors import AppError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
