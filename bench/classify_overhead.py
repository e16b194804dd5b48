"""Per-request cost of `POST /api/v1/classify` outside the model, in one process.

Builds the real app (every middleware, the key lookup, the rate limiter, the inference batcher)
on a fresh, migrated SQLite database with an instant fake classifier, and sends sequential
requests through `httpx.AsyncClient` + `ASGITransport` (no sockets, no uvicorn). What it reports
is therefore the HTTP path's own cost per request: wall p50/p99 and process CPU per request.
`--model` uses the shipped classifier instead (the whole request, model included);
`--bare` answers from a one-line ASGI app instead: the cost of the client side alone, to subtract.
`--profile` prints the top of a cProfile of the timed requests (event-loop thread only).

    PYTHONPATH=$PWD .venv/bin/python bench/classify_overhead.py -n 2000
    PYTHONPATH=$PWD .venv/bin/python bench/classify_overhead.py -n 2000 --profile 25
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import tempfile
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.nlp.classifier import Classifier, Prediction

TEXTS = [
    "min, syarat bikin KTP-el apa aja ya?",
    "jalan di depan pasar rusak parah, tolong segera diperbaiki",
    "terima kasih pak, pelayanannya cepat dan ramah",
]


class InstantClassifier:
    """Answers at once with a fixed prediction: what is left is the HTTP path."""

    model_version = "instant-1"

    def warmup(self) -> None:
        return None

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        return [
            Prediction(
                intent="pertanyaan",
                sentiment="netral",
                abusive=False,
                scores={"intent": {"pertanyaan": 0.9}, "sentiment": {"netral": 0.8}, "abusive": 0},
            )
            for _ in texts
        ]


async def _bare_app(scope: Scope, receive: Receive, send: Send) -> None:
    """A fixed answer of about the same size: what httpx and the transport cost by themselves."""
    if scope["type"] == "lifespan":
        return
    while (await receive()).get("more_body"):
        pass
    body = json.dumps(BARE_BODY).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


BARE_BODY = {
    "intent": "pertanyaan",
    "sentiment": "netral",
    "abusive": False,
    "action": "reply",
    "action_reason": "",
    "pii": [],
    "scores": {"intent": {"pertanyaan": 0.9}, "sentiment": {"netral": 0.8}, "abusive": 0},
    "model_version": "instant-1",
}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _run(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    from alembic import command
    from sqlmodel import Session

    from app.cli import alembic_config
    from app.db import make_engine
    from app.drafting.drafter import load_drafter
    from app.keys import service as keys_service
    from app.main import create_app

    url = f"sqlite:///{workdir / 'overhead.db'}"
    cfg = alembic_config()
    cfg.attributes["database_url"] = url
    command.upgrade(cfg, "head")
    settings = Settings(
        environment="test",
        database_url=url,
        worker_in_process=False,
        secret_key=SecretStr("overhead-secret-key-0123456789abcdef"),
        api_rate_limit="1000000/minute",
    )
    engine = make_engine(url)
    with Session(engine) as session:
        _, key = keys_service.create(session=session, name="overhead", role="integration")
    classifier: Classifier | None = None if args.model else InstantClassifier()
    app = create_app(
        settings,
        engine=engine,
        classifier=classifier,
        drafter=load_drafter(settings),
        start_worker=False,
    )
    target: ASGIApp = _bare_app if args.bare else app
    headers = {"Authorization": f"Bearer {key}"}
    walls: list[float] = []
    profiler = cProfile.Profile() if args.profile else None
    async with AsyncExitStack() as stack:
        if not args.bare:
            await stack.enter_async_context(app.router.lifespan_context(app))
        transport = httpx.ASGITransport(app=target)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1", headers=headers
        ) as client:
            for i in range(args.warmup):
                r = await client.post("/api/v1/classify", json={"text": TEXTS[i % len(TEXTS)]})
                r.raise_for_status()
            cpu0 = time.process_time()
            if profiler is not None:
                profiler.enable()
            for i in range(args.n):
                t0 = time.perf_counter()
                r = await client.post("/api/v1/classify", json={"text": TEXTS[i % len(TEXTS)]})
                walls.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    raise SystemExit(f"unexpected {r.status_code}: {r.text}")
            if profiler is not None:
                profiler.disable()
            cpu = time.process_time() - cpu0
    engine.dispose()
    if profiler is not None:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)
    return {
        "requests": args.n,
        "server": "bare ASGI app"
        if args.bare
        else ("app, shipped model" if args.model else "app, instant fake classifier"),
        "wall_p50_ms": round(1000 * _percentile(walls, 0.5), 3),
        "wall_p99_ms": round(1000 * _percentile(walls, 0.99), 3),
        "cpu_ms_per_request": round(1000 * cpu / args.n, 3),
        "note": "client + server in one process: CPU includes httpx's side of each request",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="timed requests")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--model", action="store_true", help="the shipped classifier, not a fake")
    parser.add_argument("--bare", action="store_true", help="a one-line ASGI app (client cost)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print N cProfile rows")
    parser.add_argument("--sort", default="cumulative", help="cProfile order (e.g. tottime)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(asyncio.run(_run(args, Path(tmp))), indent=2))


if __name__ == "__main__":
    main()
