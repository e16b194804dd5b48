"""Micro-batched processing of API ingests (app/comments/pipeline.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.comments import service
from app.comments.pipeline import ProcessingBatcher
from app.comments.tasks import process, process_key
from app.drafting.drafter import load_drafter
from app.tables import Comment, Draft, Job


def _store(engine, settings, n: int, prefix: str = "p") -> list[int]:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as s:
        results = service.ingest(
            session=s,
            items=[
                service.NewComment(platform="web", external_id=f"{prefix}-{i}", text=text)
                for i, text in enumerate(
                    ["jalan rusak di depan pasar, tolong diperbaiki", "syarat bikin KTP apa ya?"]
                    * n
                )
            ][:n],
            source="api",
            actor="test",
            settings=settings,
            classifier=None,
            drafter=None,
            inline=True,
        )
    return [r.comment.id for r in results]  # type: ignore[misc]


def _batcher(engine, settings, classifier, **kwargs: Any) -> ProcessingBatcher:  # type: ignore[no-untyped-def]
    return ProcessingBatcher(
        engine=engine,
        classifier=classifier,
        drafter=load_drafter(settings),
        settings=settings,
        **kwargs,
    ).start()


def test_concurrent_calls_share_one_transaction(engine, settings, classifier):
    """Calls that arrive while a batch runs are processed together, in one later batch."""
    ids = _store(engine, settings, 9)
    batches: list[list[int]] = []
    first_started, release = threading.Event(), threading.Event()

    def recording(**kwargs: Any) -> None:
        batches.append(sorted(c.id for c in kwargs["comments"]))
        if len(batches) == 1:
            first_started.set()
            release.wait(5)
        process(**kwargs)

    batcher = _batcher(engine, settings, classifier, process_fn=recording, max_wait_ms=50)
    try:
        with ThreadPoolExecutor(9) as pool:
            first = pool.submit(batcher.process, [ids[0]], timeout=10)
            assert first_started.wait(5)
            rest = [pool.submit(batcher.process, [i], timeout=10) for i in ids[1:]]
            release.set()
            assert first.result() is True
            assert all(f.result() is True for f in rest)
    finally:
        batcher.stop()
    assert batches[0] == [ids[0]]
    assert sum(len(b) for b in batches) == 9 and len(batches) < 9
    with Session(engine) as s:
        comments = list(s.exec(select(Comment).where(Comment.id.in_(ids))))  # type: ignore[attr-defined]
        assert {c.status for c in comments} == {"processed"}
        assert len(list(s.exec(select(Draft)))) == 9
        jobs = list(s.exec(select(Job).where(Job.kind == "comment.process")))
        assert {j.status for j in jobs} == {"done"}


def test_a_failing_comment_does_not_fail_its_neighbours(engine, settings, classifier):
    ids = _store(engine, settings, 4, prefix="f")
    bad = ids[2]
    first_started, release = threading.Event(), threading.Event()
    calls = 0

    def failing(**kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            first_started.set()
            release.wait(5)
        if any(c.id == bad for c in kwargs["comments"]):
            raise RuntimeError("drafter broke on this text")
        process(**kwargs)

    batcher = _batcher(engine, settings, classifier, process_fn=failing, max_wait_ms=50)
    try:
        with ThreadPoolExecutor(4) as pool:
            first = pool.submit(batcher.process, [ids[0]], timeout=10)
            assert first_started.wait(5)
            rest = {i: pool.submit(batcher.process, [i], timeout=10) for i in ids[1:]}
            release.set()
            assert first.result() is True
            outcome = {i: f.result() for i, f in rest.items()}
    finally:
        batcher.stop()
    assert outcome == {ids[1]: True, bad: False, ids[3]: True}
    with Session(engine) as s:
        left = s.get(Comment, bad)
        assert left is not None and left.status != "processed"
        # Its safety-net job is still pending: the worker finishes it later.
        job = s.exec(select(Job).where(Job.dedupe_key == process_key(bad))).one()
        assert job.status == "pending"


def test_not_done_in_time_leaves_the_comment_to_its_job(engine, settings, classifier):
    [comment_id] = _store(engine, settings, 1, prefix="t")
    release = threading.Event()

    def slow(**kwargs: Any) -> None:
        release.wait(5)

    batcher = _batcher(engine, settings, classifier, process_fn=slow)
    try:
        assert batcher.process([comment_id], timeout=0.05) is False
    finally:
        release.set()
        batcher.stop()
    with Session(engine) as s:
        job = s.exec(select(Job).where(Job.dedupe_key == process_key(comment_id))).one()
        assert job.status == "pending"


def test_stopped_batcher_refuses_without_blocking(engine, settings, classifier):
    [comment_id] = _store(engine, settings, 1, prefix="s")
    batcher = _batcher(engine, settings, classifier)
    batcher.stop()
    assert batcher.process([comment_id], timeout=5) is False


def test_api_ingest_answers_with_labels_and_draft_from_the_batcher(app, make_key):
    with TestClient(app) as client:
        assert client.app.state.processing is not None  # type: ignore[attr-defined]
        headers = make_key("integration")

        def post(i: int) -> dict[str, Any]:
            r = client.post(
                "/api/v1/comments",
                json={
                    "platform": "web",
                    "external_id": f"api-{i}",
                    "text": "KTP saya belum jadi, kapan ya min?",
                },
                headers=headers,
            )
            assert r.status_code == 201, r.text
            return r.json()

        with ThreadPoolExecutor(6) as pool:
            bodies = list(pool.map(post, range(12)))
    for body in bodies:
        assert body["status"] == "processed" and body["classification"]["intent"]
        assert body["draft"] is not None and body["draft"]["comment_id"] == body["id"], body
