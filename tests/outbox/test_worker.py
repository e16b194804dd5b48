"""Store first, process later: the comment.process job, retries and dead jobs."""

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.comments import service as comments_service
from app.drafting.drafter import load_drafter
from app.outbox import service as outbox
from app.outbox.worker import Worker
from app.tables import Comment, Draft, Job, utcnow
from app.tasks import BATCH_HANDLERS, HANDLERS


class BrokenClassifier:
    model_version = "broken"

    def warmup(self) -> None:
        pass

    def predict(self, texts):
        raise RuntimeError("model crashed")


def _ingest(engine, settings, classifier, inline=True, external_id="w1", text="jalan rusak tolong"):
    with Session(engine, expire_on_commit=False) as s:
        [res] = comments_service.ingest(
            session=s,
            items=[comments_service.NewComment(platform="web", external_id=external_id, text=text)],
            source="test",
            actor="test",
            settings=settings,
            classifier=classifier,
            drafter=load_drafter(settings),
            inline=inline,
        )
        return res.comment.id


def _make_due(engine):
    with Session(engine) as s:
        s.exec(update(Job).values(run_after=utcnow() - timedelta(seconds=1)))
        s.commit()


def test_deferred_comment_is_processed_by_the_worker(engine, settings, classifier, worker):
    cid = _ingest(engine, settings, classifier, inline=False)
    with Session(engine) as s:
        assert s.get(Comment, cid).status == "new"
        assert s.exec(select(Draft)).first() is None
    assert worker.drain() >= 1
    with Session(engine) as s:
        comment = s.get(Comment, cid)
        assert comment.status == "processed" and comment.intent == "keluhan"
        assert len(s.exec(select(Draft).where(Draft.comment_id == cid)).all()) == 1
        job = s.exec(select(Job).where(Job.kind == "comment.process")).one()
        assert job.status == "done"


def test_model_failure_loses_nothing(engine, settings, worker):
    cid = _ingest(engine, settings, BrokenClassifier(), inline=True)
    with Session(engine) as s:
        comment = s.get(Comment, cid)
        assert comment.status == "new" and comment.text == "jalan rusak tolong"
    # the safety-net job waits for the grace period, then the worker (with a working model) runs it
    assert worker.drain() == 0
    _make_due(engine)
    worker.drain()
    with Session(engine) as s:
        assert s.get(Comment, cid).status == "processed"
        assert len(s.exec(select(Draft).where(Draft.comment_id == cid)).all()) == 1


def test_inline_success_closes_the_safety_job(engine, settings, classifier, worker):
    _ingest(engine, settings, classifier, inline=True)
    _make_due(engine)
    worker.drain()
    with Session(engine) as s:
        assert len(s.exec(select(Draft)).all()) == 1  # not drafted twice


def test_failing_job_retries_then_goes_dead(engine, settings, classifier):
    calls = []

    def flaky(session, payload, ctx):
        calls.append(payload)
        raise ConnectionError("upstream down")

    HANDLERS["test.flaky"] = flaky

    try:
        with Session(engine) as s:
            outbox.enqueue(session=s, kind="test.flaky", payload={"n": 1}, max_attempts=3)
            s.commit()
        import httpx

        from app.outbox.worker import JobContext

        w = Worker(
            JobContext(
                settings=settings,
                engine=engine,
                classifier=classifier,
                drafter=None,
                http=httpx.Client(),
            )
        )
        w.drain()
        with Session(engine) as s:
            job = s.exec(select(Job).where(Job.kind == "test.flaky")).one()
            assert job.status == "dead" and job.attempts == 3
            assert "upstream down" in job.last_error
        assert len(calls) == 3
    finally:
        HANDLERS.pop("test.flaky", None)


def test_two_workers_never_run_a_job_twice(engine, settings, classifier):
    import httpx

    from app.outbox.worker import JobContext

    ran = []

    def count(session, payload, ctx):
        ran.append(payload["i"])

    HANDLERS["test.count"] = count

    try:
        with Session(engine) as s:
            for i in range(20):
                outbox.enqueue(session=s, kind="test.count", payload={"i": i})
            s.commit()
        ctx = JobContext(
            settings=settings,
            engine=engine,
            classifier=classifier,
            drafter=None,
            http=httpx.Client(),
        )
        workers = [Worker(ctx, worker_id=f"w{i}") for i in range(2)]
        import threading

        threads = [threading.Thread(target=w.drain) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(ran) == list(range(20))
        with Session(engine) as s:
            jobs = s.exec(select(Job).where(Job.kind == "test.count")).all()
            assert {j.status for j in jobs} == {"done"}
            assert {j.attempts for j in jobs} == {1}
    finally:
        HANDLERS.pop("test.count", None)


def test_expired_lease_is_taken_over(engine, settings, classifier, worker):
    cid = _ingest(engine, settings, classifier, inline=False)
    with Session(engine) as s:  # a worker claimed it and died
        s.exec(
            update(Job).values(
                status="running", locked_by="dead-worker", locked_at=utcnow() - timedelta(hours=1)
            )
        )
        s.commit()
    worker.drain()
    with Session(engine) as s:
        assert s.get(Comment, cid).status == "processed"
        job = s.exec(select(Job).where(col(Job.kind) == "comment.process")).one()
        assert job.status == "done" and job.locked_by == worker.worker_id


def test_due_comment_jobs_are_processed_together(engine, settings, classifier, worker):
    ids = [
        _ingest(engine, settings, classifier, inline=False, external_id=f"t{i}", text=text)
        for i, text in enumerate(["jalan rusak tolong", "syarat KTP apa ya?", "lampu mati"] * 2)
    ]
    calls: list[list[int]] = []
    original = BATCH_HANDLERS["comment.process"]

    def recording(session, payload, ctx):
        calls.append(sorted(payload["comment_ids"]))
        return original(session, payload, ctx)

    BATCH_HANDLERS["comment.process"] = recording
    try:
        assert worker.run_once() == 6
    finally:
        BATCH_HANDLERS["comment.process"] = original
    assert calls == [sorted(ids)]  # one transaction for the six
    with Session(engine) as s:
        assert {c.status for c in s.exec(select(Comment))} == {"processed"}
        assert len(s.exec(select(Draft)).all()) == 6
        assert {j.status for j in s.exec(select(Job).where(Job.kind == "comment.process"))} == {
            "done"
        }


def test_a_failing_batch_runs_its_jobs_one_by_one(engine, settings, classifier, worker):
    good = _ingest(engine, settings, classifier, inline=False, external_id="g", text="jalan rusak")
    bad = _ingest(engine, settings, classifier, inline=False, external_id="b", text="lampu mati")
    with Session(engine) as s:  # the bad job points at a comment that no longer exists
        job = s.exec(select(Job).where(Job.payload["comment_id"].as_integer() == bad)).one()
        job.payload = {"comment_id": 10**9}
        s.add(job)
        s.commit()
    original = HANDLERS["comment.process"]

    def strict(session, payload, ctx):
        if 10**9 in (payload.get("comment_ids") or [payload.get("comment_id")]):
            raise RuntimeError("no such comment")
        return original(session, payload, ctx)

    BATCH_HANDLERS["comment.process"], HANDLERS["comment.process"] = strict, strict
    try:
        assert worker.run_once() == 2
    finally:
        BATCH_HANDLERS["comment.process"], HANDLERS["comment.process"] = original, original
    with Session(engine) as s:
        assert s.get(Comment, good).status == "processed"
        statuses = {j.payload.get("comment_id"): j.status for j in s.exec(select(Job))}
        assert statuses[good] == "done" and statuses[10**9] == "pending"  # retried later
