"""A bounded schemathesis run over the whole OpenAPI schema: no 5xx, answers conform.

Every documented operation gets generated valid and invalid requests (hypothesis, fixed seed)
from an admin key against the real app served by uvicorn on 127.0.0.1, on each engine. The
budget is TANGGAP_FUZZ_EXAMPLES per operation and mode (default 10: about 800 requests per
engine); set it higher for a longer hunt, e.g. 400 for ~30,000 cases.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.drafting.drafter import load_drafter
from app.keys import service as keys_service
from app.nlp.keyword import KeywordClassifier

EXAMPLES = int(os.environ.get("TANGGAP_FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def live_app(settings: Settings, engine: Engine) -> Iterator[tuple[str, object]]:
    import uvicorn

    from app.main import create_app

    app = create_app(
        settings.model_copy(update={"api_rate_limit": "1000000/minute"}),
        engine=engine,
        classifier=KeywordClassifier(),
        drafter=load_drafter(settings),
        start_worker=False,
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _runner(strategy, label: str, call, failures: list[str], counter: list[int]):  # type: ignore[no-untyped-def]
    @seed(16)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case) -> None:  # type: ignore[no-untyped-def]
        counter[0] += 1
        try:
            call(case)
        except (Exception, BaseExceptionGroup) as exc:  # collect: one run reports every operation
            failures.append(f"{label}: {exc}"[:2000])

    return run


@pytest.mark.slow
def test_schema_fuzz_has_no_server_errors(live_app, engine: Engine) -> None:
    base_url, app = live_app
    with Session(engine) as s:
        _, key = keys_service.create(session=s, name="fuzz", role="admin")
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_dict(app.openapi())  # type: ignore[attr-defined]

    def call(case) -> None:  # type: ignore[no-untyped-def]
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)

    failures: list[str] = []
    counter = [0]
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            try:
                _runner(strategy, label, call, failures, counter)()
            except Unsatisfiable:  # nothing to make invalid (an operation without inputs)
                continue
    assert counter[0] > EXAMPLES * 20
    print(f"fuzz: {counter[0]} cases, {len(failures)} failures")  # shown with `pytest -s`
    kinds = sorted({f.split("\n\n")[0] + " " + _kind(f) for f in failures})
    assert not failures, "\n".join(kinds) + "\n\n" + "\n\n".join(failures[:3])


def _kind(failure: str) -> str:
    for line in failure.splitlines():
        if line.strip().startswith("- ST"):
            return line.strip()
    return ""
