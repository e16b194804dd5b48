"""CLI commands: `draft`, `eval drafts`, `kb import`, `seed-demo` (wired in app/cli.py)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.config import Settings, get_settings
from app.drafting import evaluation, service
from app.drafting.drafter import AccountProfile, DraftContext, DraftRequest, load_drafter
from app.drafts import context as draft_context
from app.kb import service as kb_service
from app.nlp.classifier import load_classifier

BATCH = 64


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: invalid JSON: {exc}") from exc
            if not isinstance(row, dict) or not str(row.get("text") or "").strip():
                raise SystemExit(f"{path}:{n}: each line needs a non-empty `text`")
            rows.append(row)
    return rows


@contextlib.contextmanager
def _optional_session() -> Iterator[Session | None]:
    """A database session when the configured database exists and is migrated, else None."""
    settings = get_settings()
    if settings.is_sqlite:
        path = settings.database_url.split("///", 1)[-1]
        if not path or path == ":memory:" or not Path(path).is_file():
            yield None
            return
    from app.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        if not inspect(engine).has_table("kb_entries"):
            yield None
            return
        with Session(engine, expire_on_commit=False) as session:
            yield session
    except SQLAlchemyError:
        yield None
    finally:
        engine.dispose()


def _components(args: argparse.Namespace) -> tuple[Any, Any]:
    settings = get_settings()
    model_dir = getattr(args, "model_dir", None) or settings.model_dir
    classifier = load_classifier(Path(model_dir), settings.classifier_backend)
    return classifier, load_drafter(settings)


def _draft_rows(
    rows: list[dict[str, Any]],
    *,
    classifier: Any,
    drafter: Any,
    session: Session | None,
    tone: str | None,
    account: str | None,
    predictions: list[Any] | None = None,
) -> Iterator[tuple[dict[str, Any], service.StatelessDraft]]:
    settings = get_settings()
    if predictions is None:
        predictions = _classify(classifier, rows)
    for row, prediction in zip(rows, predictions, strict=True):
        out = service.draft_text(
            session=session,
            settings=settings,
            classifier=classifier,
            drafter=drafter,
            text=str(row["text"]),
            tone=tone,
            account=row.get("account") or account,
            platform=row.get("platform"),
            author=row.get("author"),
            prediction=prediction,
        )
        yield row, out


def _classify(classifier: Any, rows: list[dict[str, Any]]) -> list[Any]:
    predictions: list[Any] = []
    for start in range(0, len(rows), BATCH):
        predictions += classifier.predict([str(r["text"]) for r in rows[start : start + BATCH]])
    return predictions


def _line(row: dict[str, Any], out: service.StatelessDraft) -> dict[str, Any]:
    result = out.result
    return {
        **row,
        "intent": out.prediction.intent,
        "sentiment": out.prediction.sentiment,
        "abusive": out.prediction.abusive,
        "scores": out.prediction.scores,
        "model_version": out.model_version,
        "tone": out.tone,
        "draft": result.text,
        "action": result.action,
        "reason": result.reason,
        "acts": list(result.acts),
        "template_id": result.template_id,
        "template_hash": result.template_hash,
        "kb_entry": result.kb_entry,
        "reused_draft_id": result.reused_draft_id,
        "flags": list(result.flags),
        "generator": result.generator,
    }


def draft(args: argparse.Namespace) -> int:
    """`tanggap draft --input IN.jsonl [--output OUT.jsonl] [--tone T] [--account A]`."""
    rows = _read_jsonl(Path(args.input))
    classifier, drafter = _components(args)
    output: IO[str]
    with contextlib.ExitStack() as stack:
        if args.output:
            output = stack.enter_context(Path(args.output).open("w", encoding="utf-8"))
        else:
            output = sys.stdout
        session = stack.enter_context(_optional_session())
        count = 0
        for row, out in _draft_rows(
            rows,
            classifier=classifier,
            drafter=drafter,
            session=session,
            tone=args.tone,
            account=args.account,
        ):
            output.write(json.dumps(_line(row, out), ensure_ascii=False) + "\n")
            count += 1
    print(f"drafted {count} comments", file=sys.stderr)
    return 0


def eval_drafts(args: argparse.Namespace) -> int:
    """`tanggap eval drafts --input SET.yaml [MORE …] [--account A] [--tone T] [--output F]`.

    Each labeled item (`app.drafting.evaluation`) is drafted with its labels as the classifier's
    output (``--use-model`` classifies instead) and checked: one PASS/FAIL line per item with
    the reasons, then the share that pass per file. Every input text (JSONL lines too, which
    carry no expectations) is also drafted with and without the account, and the share of
    exact duplicate drafts is reported for both runs.
    """
    settings = get_settings()
    account = args.account or settings.default_account
    drafter = load_drafter(settings)
    classifier = None
    sets: list[tuple[Path, list[evaluation.EvalItem]]] = []
    plain: list[dict[str, Any]] = []
    for path in args.input:
        if path.suffix in (".yaml", ".yml"):
            try:
                sets.append((path, evaluation.load(path)))
            except ValueError as exc:
                raise SystemExit(str(exc)) from exc
        else:
            plain.extend(_read_jsonl(path))
    if plain or args.use_model:
        classifier, _ = _components(args)
    report: dict[str, Any] = {"account": account, "sets": {}, "duplicates": {}}
    with _optional_session() as session:

        def context_for(name: str, intent: str, tone: str) -> DraftContext:
            return draft_context.build(
                session=session,
                account=name,
                knowledge_dir=settings.knowledge_dir,
                intent=intent,
                tone=tone,
            )

        for path, items in sets:
            if args.use_model and classifier is not None:
                items = _with_model_labels(items, classifier)
            outcomes = evaluation.run(
                drafter,
                items,
                context=lambda item: context_for(
                    account, item.intent, args.tone or item.tone or settings.default_tone
                ),
                tone=args.tone,
                default_tone=settings.default_tone,
            )
            for o in outcomes:
                status = "PASS" if o.passed else "FAIL"
                reasons = "; ".join(o.reasons)
                print(f"{status} {o.item.id} [{o.result.action}] {reasons}".rstrip())
            summary = evaluation.summary(outcomes)
            print(
                f"{path.name}: {summary['passed']}/{summary['items']} pass "
                f"({100 * summary['pass_share']:.1f}%), by group {summary['by_group']}"
            )
            report["sets"][str(path)] = {
                **summary,
                "results": [
                    {
                        "id": o.item.id,
                        "tone": o.tone,
                        "passed": o.passed,
                        "reasons": o.reasons,
                        "action": o.result.action,
                        "acts": o.result.acts,
                        "facts": o.result.facts,
                        "draft": o.result.text,
                    }
                    for o in outcomes
                ],
            }
        comments = [(i.text, i.platform, i.author, i.prediction()) for _, s in sets for i in s]
        if plain and classifier is not None:
            predictions = _classify(classifier, plain)
            comments += [
                (str(r["text"]), str(r.get("platform") or "other"), r.get("author"), p)
                for r, p in zip(plain, predictions, strict=True)
            ]
        unique = list({c[0]: c for c in comments}.values())
        tone = args.tone or settings.default_tone
        # As in the service, each draft sees the drafts before it (the writer avoids repeating
        # them); "no history" drafts every comment alone, the raw variety of the act variants.
        runs = [
            ("with_account", account, True),
            ("without_account", "", True),
            ("with_account_no_history", account, False),
            ("without_account_no_history", "", False),
        ]
        for label, name, history in runs:
            texts: list[str | None] = []
            for text, platform, author, prediction in unique:
                base = (
                    context_for(name, prediction.intent, tone)
                    if name
                    else DraftContext(profile=AccountProfile(name="", institution_name="kami"))
                )
                ctx = DraftContext(
                    profile=base.profile,
                    kb=base.kb,
                    recent_texts=tuple(t for t in texts[-200:] if t) if history else (),
                )
                result = drafter.draft(
                    DraftRequest(
                        text=text,
                        prediction=prediction,
                        tone=tone,
                        platform=platform,
                        author=author,
                    ),
                    ctx,
                )
                texts.append(result.text if result.action == "reply" else None)
            share, dupes, replies = evaluation.duplicate_share(texts)
            report["duplicates"][label] = {
                "comments": len(unique),
                "replies": replies,
                "duplicates": dupes,
                "share": round(share, 4),
            }
            print(
                f"exact duplicates {label.replace('_', ' ')}: {dupes}/{replies} replies "
                f"({100 * share:.1f}%) over {len(unique)} different comments"
            )
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"report written to {args.output}", file=sys.stderr)
    return 0


def _with_model_labels(
    items: list[evaluation.EvalItem], classifier: Any
) -> list[evaluation.EvalItem]:
    """The items with the classifier's labels instead of the set's (expectations unchanged)."""
    from dataclasses import replace

    predictions = _classify(classifier, [{"text": i.text} for i in items])
    return [
        replace(i, intent=p.intent, sentiment=p.sentiment, abusive=p.abusive, pii=i.pii)
        for i, p in zip(items, predictions, strict=True)
    ]


def _session_scope() -> Any:
    from app.db import make_engine, session_scope

    return session_scope(make_engine(get_settings().database_url))


def kb_import(args: argparse.Namespace) -> int:
    """`tanggap kb import PATH --account NAME`: add or update entries from YAML/CSV."""
    path = Path(args.path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with _session_scope() as session:
        result = kb_service.import_kb(
            session=session,
            text=text,
            account=args.account,
            actor="cli:kb-import",
            filename=path.name,
            default_account=get_settings().default_account,
        )
    print(
        f"account {result.account}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
    return 0


def seed_demo(args: argparse.Namespace) -> int:
    """`tanggap seed-demo`: the demo account, its KB and demo comments (safe to run again)."""
    settings = get_settings()
    with _session_scope() as session:
        result = kb_service.seed_demo(session=session, knowledge_dir=settings.knowledge_dir)
        print(
            f"demo account {result.account}: {result.created} KB entries created, "
            f"{result.updated} updated, {result.unchanged} unchanged"
        )
        if getattr(args, "comments", True):
            created = _seed_demo_comments(session, settings, result.account)
            print(f"demo comments: {created} added to the queue")
    return 0


def _seed_demo_comments(session: Session, settings: Settings, account: str) -> int:
    """Ingest the demo comments (prompts/demo/comments.yaml) once, so the queue is not empty."""
    from datetime import UTC, datetime, timedelta

    import yaml

    from app.comments import service as comments_service

    path = settings.prompts_dir / "demo" / "comments.yaml"
    if not path.is_file():
        return 0
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    now = datetime.now(UTC)
    items = [
        comments_service.NewComment(
            platform=row["platform"],
            external_id=row["external_id"],
            text=row["text"],
            author=row.get("author"),
            created_at=now - timedelta(hours=float(row.get("hours_ago", 0))),
            account=account,
        )
        for row in rows
    ]
    results = comments_service.ingest(
        session=session,
        items=items,
        source="demo",
        actor="cli:seed-demo",
        settings=settings,
        classifier=load_classifier(
            settings.model_dir,
            settings.classifier_backend,
            threads=settings.inference_threads,
            quantize=settings.classifier_quantize,
        ),
        drafter=load_drafter(settings),
    )
    return sum(1 for r in results if r.created)
