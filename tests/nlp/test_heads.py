"""Linear heads on the mean-pooled last layer (`app.nlp.heads`)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.nlp.heads import HEADS_FILE, LinearHead, read_heads, to_head


def _head(**kw) -> LinearHead:
    coef = np.asarray([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], dtype=np.float32)
    return LinearHead(("a", "b", "spam"), coef, np.zeros(3, dtype=np.float32), **kw)


def test_blend_mixes_the_model_head_and_the_linear_head() -> None:
    x = np.asarray([[2.0, 0.0]], dtype=np.float32)
    head_p = np.asarray([[0.1, 0.8, 0.1]])
    lin = _head().proba(x)
    got = _head(blend=0.5).mix(head_p, ["a", "b", "spam"], x)
    assert got == pytest.approx(0.5 * head_p + 0.5 * lin)
    assert got.sum() == pytest.approx(1.0)


def test_kept_labels_keep_the_model_heads_probability() -> None:
    x = np.asarray([[2.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    head_p = np.asarray([[0.05, 0.05, 0.9], [0.5, 0.5, 0.0]])
    # the model head orders its labels differently: names decide
    got = _head(keep=("spam",)).mix(head_p[:, [2, 0, 1]], ["spam", "a", "b"], x)
    assert got[:, 0] == pytest.approx([0.9, 0.0])
    assert got.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert got[0, 1] > got[0, 2]  # the linear head prefers "a" for the first text


def test_folded_scaler_gives_the_pipelines_probabilities() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(60, 4))
    y = np.asarray(["p", "q", "r"] * 20)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=500)).fit(x, y)
    labels, coef, intercept = to_head(model)
    head = LinearHead(labels, coef, intercept)
    assert head.proba(x) == pytest.approx(model.predict_proba(x), abs=1e-4)


def test_heads_of_other_weights_are_ignored(tmp_path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    data = {"heads": {"intent": _head().to_json()}, "meta": {"model_weights": "00000000"}}
    (tmp_path / HEADS_FILE).write_text(json.dumps(data))
    assert read_heads(tmp_path) == {}
    from app.nlp.heads import _body_hash

    data["meta"]["model_weights"] = _body_hash(tmp_path)
    (tmp_path / HEADS_FILE).write_text(json.dumps(data))
    assert set(read_heads(tmp_path)) == {"intent"}
    # the quantised model has other features: it reads only the file's int8 entry
    assert read_heads(tmp_path, int8=True) == {}
    data["int8"] = {"heads": {"action": _head().to_json()}, "meta": dict(data["meta"])}
    (tmp_path / HEADS_FILE).write_text(json.dumps(data))
    assert set(read_heads(tmp_path, int8=True)) == {"action"}
    assert set(read_heads(tmp_path)) == {"intent"}


def test_classifier_uses_the_heads_and_stays_batch_independent(tiny_model_dir, tmp_path) -> None:
    import shutil

    from app.nlp.heads import _body_hash
    from app.nlp.labels import ACTIONS, INTENTS, SENTIMENTS
    from app.nlp.transformer import TransformerClassifier

    folder = tmp_path / "with-heads"
    shutil.copytree(tiny_model_dir, folder)
    hidden = json.loads((folder / "config.json").read_text())["hidden_size"]
    rng = np.random.default_rng(1)
    heads = {}
    for task, labels in (("intent", INTENTS), ("sentiment", SENTIMENTS), ("action", ACTIONS)):
        coef = rng.normal(0, 3.0, size=(len(labels), hidden)).astype(np.float32)
        head = LinearHead(tuple(labels), coef, np.zeros(len(labels), dtype=np.float32),
                          keep=("spam",) if task == "intent" else ())  # fmt: skip
        heads[task] = head.to_json()
    meta = {"model_weights": _body_hash(folder)}
    (folder / HEADS_FILE).write_text(json.dumps({"heads": heads, "meta": meta}))
    plain = TransformerClassifier.from_dir(tiny_model_dir)
    clf = TransformerClassifier.from_dir(folder)
    assert set(clf.heads) == {"intent", "sentiment", "action"}
    assert clf.model_version != plain.model_version
    texts = ["halo min", "jalan rusak parah di depan sekolah mohon segera diperbaiki", "makasih"]
    mixed = clf.predict(texts + ["kapan pendaftaran dibuka?"] * 5)
    base = plain.predict(texts)
    for text, got, other in zip(texts, mixed, base, strict=False):
        [one] = clf.predict([text])
        assert got.scores["intent"] == pytest.approx(one.scores["intent"], abs=1e-3)
        assert got.scores["action"] == pytest.approx(one.scores["action"], abs=1e-3)
        # intent keeps the model head's spam probability; the rest comes from the heads
        assert one.scores["intent"]["spam"] == pytest.approx(
            other.scores["intent"]["spam"], abs=1e-3
        )
    assert any(a.scores["intent"] != b.scores["intent"] for a, b in zip(mixed, base, strict=False))


def test_selection_scores_the_dev_parts_beside_the_cv() -> None:
    """A corpus weight that helps only on the messages of a dev part is chosen by the dev part."""
    from app.nlp.heads import select

    rng = np.random.default_rng(3)
    # real train rows: label follows feature 0; corpus and dev rows: label follows feature 1
    xr = rng.normal(size=(80, 2))
    yr = np.where(xr[:, 0] > 0, "a", "b")
    xc = rng.normal(size=(80, 2))
    yc = np.where(xc[:, 1] > 0, "a", "b")
    xd = rng.normal(size=(40, 2))
    yd = np.where(xd[:, 1] > 0, "a", "b")
    x = np.concatenate([xr, xc, xd])
    y = np.concatenate([yr, yc, yd])
    parts = np.asarray(["real_train"] * 80 + ["corpus_train"] * 80 + ["isp_dev"] * 40)
    grid = {"c": (1.0,), "balanced": (False,), "corpus_w": (0.01, 10.0)}
    best, table = select(x, y, parts, grid)
    assert {r["corpus_w"] for r in table} == {0.01, 10.0}
    assert all("isp_dev_macro_f1" in r and "cv_macro_f1" in r for r in table)
    by_w = {r["corpus_w"]: r for r in table}
    assert by_w[10.0]["isp_dev_macro_f1"] > by_w[0.01]["isp_dev_macro_f1"] + 20
    assert best["score"] == max(r["score"] for r in table)
    assert best["score"] == pytest.approx(
        (best["cv_macro_f1"] + best["isp_dev_macro_f1"]) / 2, abs=0.01
    )
