"""BatchingClassifier with a fake classifier: batches, order, overload, errors, cancellation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.errors import Overloaded, ServerBusy
from app.nlp.batching import BatchingClassifier
from app.nlp.classifier import Prediction


class FakeClassifier:
    """Labels a text by its content; records each batch; can be held on a gate."""

    model_version = "fake-1"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.fail_on: str | None = None

    def warmup(self) -> None:
        self.batches.append(["warmup"])

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        self.entered.set()
        self.gate.wait(10)
        self.batches.append(list(texts))
        if self.fail_on is not None and self.fail_on in texts:
            raise ValueError("boom")
        return [Prediction(intent=t, sentiment="netral", abusive=False) for t in texts]


@pytest.fixture
def fake() -> FakeClassifier:
    return FakeClassifier()


def _held(fake: FakeClassifier, **kwargs: object) -> BatchingClassifier:
    """A started batcher whose first batch blocks until `fake.gate` is set."""
    fake.gate.clear()
    return BatchingClassifier(fake, **kwargs).start()  # type: ignore[arg-type]


def test_each_caller_gets_its_own_predictions_in_order(fake: FakeClassifier) -> None:
    batcher = BatchingClassifier(fake, max_batch_texts=64, max_wait_ms=5).start()
    try:
        with ThreadPoolExecutor(8) as pool:
            calls = [[f"c{i}-t{j}" for j in range(i % 3 + 1)] for i in range(40)]
            results = list(pool.map(batcher.predict, calls))
        for texts, preds in zip(calls, results, strict=True):
            assert [p.intent for p in preds] == texts
    finally:
        batcher.stop()


def test_waiting_calls_share_one_batch(fake: FakeClassifier) -> None:
    batcher = _held(fake, max_batch_texts=64, max_wait_ms=50)
    try:
        first = batcher.submit(["a"])
        assert fake.entered.wait(5)  # "a" is being classified; the rest queue behind it
        later = [batcher.submit([f"b{i}"]) for i in range(10)]
        fake.gate.set()
        assert [p.intent for p in first.result(5)] == ["a"]
        assert [f.result(5)[0].intent for f in later] == [f"b{i}" for i in range(10)]
        assert fake.batches == [["a"], [f"b{i}" for i in range(10)]]
    finally:
        fake.gate.set()
        batcher.stop()


def test_batches_respect_max_batch_texts(fake: FakeClassifier) -> None:
    batcher = _held(fake, max_batch_texts=4, max_wait_ms=50)
    try:
        batcher.submit(["x"])
        assert fake.entered.wait(5)
        futures = [batcher.submit([f"t{i}", f"u{i}"]) for i in range(5)]
        fake.gate.set()
        for f in futures:
            f.result(5)
        assert [len(b) for b in fake.batches[1:]] == [4, 4, 2]
    finally:
        fake.gate.set()
        batcher.stop()


def test_full_queue_is_refused_with_overloaded(fake: FakeClassifier) -> None:
    batcher = _held(fake, max_batch_texts=2, max_queue_texts=3)
    try:
        batcher.submit(["running"])
        assert fake.entered.wait(5)
        batcher.submit(["q1", "q2", "q3"])  # fills the queue
        with pytest.raises(Overloaded) as err:
            batcher.predict(["one more"])
        assert err.value.status_code == 429
        assert err.value.headers()["Retry-After"]
    finally:
        fake.gate.set()
        batcher.stop()


def test_a_call_larger_than_the_queue_runs_when_the_queue_is_empty(fake: FakeClassifier) -> None:
    batcher = BatchingClassifier(fake, max_batch_texts=4, max_queue_texts=3).start()
    try:
        texts = [f"t{i}" for i in range(10)]
        assert [p.intent for p in batcher.predict(texts)] == texts
    finally:
        batcher.stop()


def test_an_error_reaches_only_its_batch_and_the_thread_lives_on(fake: FakeClassifier) -> None:
    batcher = BatchingClassifier(fake).start()
    try:
        fake.fail_on = "bad"
        with pytest.raises(ValueError, match="boom"):
            batcher.predict(["bad"])
        fake.fail_on = None
        assert batcher.predict(["good"])[0].intent == "good"
    finally:
        batcher.stop()


def test_a_cancelled_call_is_skipped(fake: FakeClassifier) -> None:
    batcher = _held(fake, max_wait_ms=0)
    try:
        batcher.submit(["running"])
        assert fake.entered.wait(5)
        gone = batcher.submit(["gone"])
        assert gone.cancel()
        kept = batcher.submit(["kept"])
        fake.gate.set()
        assert kept.result(5)[0].intent == "kept"
        assert all("gone" not in b for b in fake.batches)
    finally:
        fake.gate.set()
        batcher.stop()


def test_async_callers_need_no_thread(fake: FakeClassifier) -> None:
    batcher = BatchingClassifier(fake, max_wait_ms=5).start()

    async def main() -> list[list[Prediction]]:
        return await asyncio.gather(*(batcher.apredict([f"a{i}"]) for i in range(20)))

    try:
        results = asyncio.run(main())
        assert [r[0].intent for r in results] == [f"a{i}" for i in range(20)]
    finally:
        batcher.stop()


def test_stopped_batcher_refuses_and_empty_input_is_empty(fake: FakeClassifier) -> None:
    batcher = BatchingClassifier(fake).start()
    assert batcher.predict([]) == []
    assert batcher.model_version == "fake-1"
    batcher.stop()
    with pytest.raises(ServerBusy):
        batcher.predict(["late"])


def test_a_lone_call_on_an_idle_batcher_does_not_wait_for_company(fake: FakeClassifier) -> None:
    # a 10-minute wait would end in ServerBusy after 5 s if the lone call waited for company
    batcher = BatchingClassifier(fake, max_wait_ms=600_000, result_timeout_s=5).start()
    try:
        assert batcher.predict(["sendiri"])[0].intent == "sendiri"
        assert batcher.predict(["lagi"])[0].intent == "lagi"
    finally:
        batcher.stop()


def test_an_async_caller_that_waits_too_long_gets_server_busy(fake: FakeClassifier) -> None:
    batcher = _held(fake, result_timeout_s=0.2)

    async def main() -> None:
        held = batcher.submit(["held"])  # a plain future: no timeout of its own
        await asyncio.to_thread(fake.entered.wait, 5)
        with pytest.raises(ServerBusy):
            await batcher.apredict(["queued"])  # behind the held batch, past its 0.2 s
        fake.gate.set()
        assert (await asyncio.wrap_future(held))[0].intent == "held"

    try:
        asyncio.run(main())
        assert ["queued"] not in fake.batches  # the timed-out call was cancelled, not run
    finally:
        fake.gate.set()
        batcher.stop()
