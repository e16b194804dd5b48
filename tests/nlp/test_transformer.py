"""TransformerClassifier plumbing on a tiny random checkpoint (no real weights needed)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.nlp.classifier import Prediction, load_classifier
from app.nlp.labels import INTENTS, SENTIMENTS
from app.nlp.normalise import STYLED_MARK
from app.nlp.training import label_names, task_slices
from app.nlp.transformer import TransformerClassifier

TEXTS = ["jalan rusak mohon diperbaiki", "terima kasih pak", "", "s10t g4c0r 𝑲𝑰𝑵𝑮𝟑𝟐𝟖" * 30]


def test_label_config_round_trip(tiny_model_dir: Path) -> None:
    config = json.loads((tiny_model_dir / "config.json").read_text())
    id2label = {int(k): v for k, v in config["id2label"].items()}
    assert [id2label[i] for i in sorted(id2label)] == label_names()
    groups = task_slices(id2label)
    assert [n for _, n in groups["intent"]] == list(INTENTS)
    assert [n for _, n in groups["sentiment"]] == list(SENTIMENTS)
    assert [n for _, n in groups["abusive"]] == ["no", "yes"]


def test_predict_shape_and_scores(tiny_classifier: TransformerClassifier) -> None:
    preds = tiny_classifier.predict(TEXTS)
    assert len(preds) == len(TEXTS)
    for p in preds:
        assert isinstance(p, Prediction)
        assert p.intent in INTENTS and p.sentiment in SENTIMENTS
        assert set(p.scores["intent"]) == set(INTENTS)
        assert set(p.scores["sentiment"]) == set(SENTIMENTS)
        assert sum(p.scores["intent"].values()) == pytest.approx(1, abs=1e-3)
        assert sum(p.scores["sentiment"].values()) == pytest.approx(1, abs=1e-3)
        assert 0 <= p.scores["abusive"] <= 1
        assert p.abusive == (p.scores["abusive"] >= 0.5)
        assert p.intent == max(p.scores["intent"], key=p.scores["intent"].get)
    assert tiny_classifier.predict([]) == []


def test_order_is_kept_across_internal_batches(tiny_classifier: TransformerClassifier) -> None:
    texts = [f"komentar nomor {i} " + "panjang " * (i % 7) for i in range(50)]
    single = [tiny_classifier.predict([t])[0] for t in texts]
    old = tiny_classifier.batch_size
    tiny_classifier.batch_size = 8
    try:
        batched = tiny_classifier.predict(texts)
    finally:
        tiny_classifier.batch_size = old
    for a, b in zip(single, batched, strict=True):
        assert a.intent == b.intent
        assert a.scores["intent"] == pytest.approx(b.scores["intent"], abs=2e-3)


def test_temperature_is_applied(tiny_model_dir: Path) -> None:
    hot = TransformerClassifier.from_dir(tiny_model_dir)
    cold = TransformerClassifier.from_dir(tiny_model_dir)
    hot.temperatures["sentiment"] = 100.0
    cold.temperatures["sentiment"] = 1e-7  # random tiny weights: logits 1e-5 apart
    p_hot = max(hot.predict(["halo"])[0].scores["sentiment"].values())
    p_cold = max(cold.predict(["halo"])[0].scores["sentiment"].values())
    assert p_hot < 0.34
    assert p_cold > 0.95


def test_model_version_tracks_weights(tiny_model_dir: Path) -> None:
    clf = TransformerClassifier.from_dir(tiny_model_dir)
    assert clf.model_version.startswith(tiny_model_dir.name + "-")
    assert len(clf.model_version.rsplit("-", 1)[1]) == 8


def test_thread_safe_predict(tiny_classifier: TransformerClassifier) -> None:
    texts = [f"teks {i} jalan rusak" for i in range(40)]
    expected = [p.scores["abusive"] for p in tiny_classifier.predict(texts)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: tiny_classifier.predict([t])[0], texts))
    assert [p.scores["abusive"] for p in results] == pytest.approx(expected, abs=2e-3)


def test_load_classifier_picks_transformer(tiny_model_dir: Path, tmp_path: Path) -> None:
    clf = load_classifier(tiny_model_dir)
    assert isinstance(clf, TransformerClassifier)
    clf.warmup()
    assert load_classifier(tmp_path).model_version.startswith("keyword")


def test_rejects_folder_without_task_labels(tiny_model_dir: Path, tmp_path: Path) -> None:
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(tiny_model_dir, bad)
    config = json.loads((bad / "config.json").read_text())
    config["id2label"] = {str(i): f"LABEL_{i}" for i in range(len(config["id2label"]))}
    config["label2id"] = {v: int(k) for k, v in config["id2label"].items()}
    (bad / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="intent"):
        TransformerClassifier.from_dir(bad)


def test_int8_quantised_load_gives_close_scores(tiny_model_dir: Path) -> None:
    plain = TransformerClassifier.from_dir(tiny_model_dir, quantize=False)
    quant = TransformerClassifier.from_dir(tiny_model_dir, quantize=True)
    assert "quantized" in type(quant.model.classifier).__module__
    assert "quantized" not in type(plain.model.classifier).__module__
    a = plain.predict(["jalan rusak parah"])[0].scores["intent"]
    b = quant.predict(["jalan rusak parah"])[0].scores["intent"]
    assert a == pytest.approx(b, abs=0.05)


def test_traced_graph_matches_eager_model(tiny_model_dir: Path) -> None:
    traced = TransformerClassifier.from_dir(tiny_model_dir)
    eager = TransformerClassifier.from_dir(tiny_model_dir, trace=False)
    assert traced.traced and not eager.traced
    texts = [f"laporan {i} " + "jalan rusak " * (i % 9) for i in range(30)] + TEXTS
    for a, b in zip(traced.predict(texts), eager.predict(texts), strict=True):
        assert (a.intent, a.sentiment) == (b.intent, b.sentiment)
        for task in ("intent", "sentiment"):
            assert a.scores[task] == pytest.approx(b.scores[task], abs=2e-4)
        assert a.scores["abusive"] == pytest.approx(b.scores["abusive"], abs=2e-4)


def test_failed_trace_falls_back_to_eager(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("cannot trace")

    monkeypatch.setattr(torch.jit, "trace", broken)
    clf = TransformerClassifier.from_dir(tiny_model_dir)
    assert not clf.traced
    assert len(clf.predict(["jalan rusak", "halo"])) == 2


def test_trace_that_disagrees_is_not_used(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    def zeros(module: torch.nn.Module, example: tuple[torch.Tensor, ...], **kw: object):
        return lambda *tensors: torch.zeros(tensors[0].shape[0], len(label_names()))

    monkeypatch.setattr(torch.jit, "trace", zeros)
    clf = TransformerClassifier.from_dir(tiny_model_dir)
    assert not clf.traced
    eager = TransformerClassifier.from_dir(tiny_model_dir, trace=False)
    assert clf.predict(["halo"])[0].scores == eager.predict(["halo"])[0].scores


def test_model_trained_with_the_styled_mark_gets_it_at_inference(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    import shutil

    marked = tmp_path / "marked"
    shutil.copytree(tiny_model_dir, marked)
    config = json.loads((marked / "config.json").read_text())
    config["tanggap_mark_styled"] = True
    (marked / "config.json").write_text(json.dumps(config))
    styled = "𝐃 𝘌 𝑊 𝐴 d 𝑂 𝐑 𝘼 gacor"
    with_mark = TransformerClassifier.from_dir(marked)
    without = TransformerClassifier.from_dir(tiny_model_dir)
    assert with_mark.mark_styled and not without.mark_styled

    def model_inputs(clf: TransformerClassifier, texts: list[str]) -> list[str]:
        seen: list[str] = []
        encode = clf._encode
        clf._encode = lambda batch: seen.extend(batch) or encode(batch)  # type: ignore[method-assign]
        clf.predict(texts)
        return seen

    # The mark goes in front of a styled text, and only of one.
    assert model_inputs(with_mark, [styled, "halo"]) == ["halo", f"{STYLED_MARK} DEWAdORA gacor"]
    assert model_inputs(without, [styled, "halo"]) == ["halo", "DEWAdORA gacor"]


def _same(a: list, b: list, tol: float = 1e-3) -> None:
    for x, y in zip(a, b, strict=True):
        assert (x.intent, x.sentiment, x.abusive) == (y.intent, y.sentiment, y.abusive)
        for task in ("intent", "sentiment"):
            for label, p in x.scores[task].items():
                assert abs(p - y.scores[task][label]) <= tol
        assert abs(x.scores["abusive"] - y.scores["abusive"]) <= tol


@pytest.mark.parametrize("quantize", [False, True])
def test_labels_do_not_depend_on_the_batch(tiny_model_dir: Path, quantize: bool) -> None:
    clf = TransformerClassifier.from_dir(tiny_model_dir, quantize=quantize)
    texts = ["halo", "jalan rusak mohon diperbaiki pak " * 6, "kapan bansos cair?", "wkwk"]
    alone = [clf.predict([t])[0] for t in texts]
    clf.batch_size = 64
    _same(alone, clf.predict(texts * 5)[:4])
    clf.batch_size = 3
    _same(alone, clf.predict(list(reversed(texts)))[::-1])


def test_action_head_is_read_from_id2label(tiny_classifier: TransformerClassifier) -> None:
    [p] = tiny_classifier.predict(["kapan bansos cair min?"])
    assert set(p.scores["action"]) == {"reply", "no_reply", "hide"}
    assert p.action in ("reply", "no_reply", "hide") and p.action_reason
    assert p.pii == []


def test_a_folder_without_action_labels_gets_action_from_rules(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    import shutil

    import torch
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(tiny_model_dir)
    names = [n for n in label_names() if not n.startswith("action:")]
    keep = [label_names().index(n) for n in names]
    head = torch.nn.Linear(model.classifier.in_features, len(names))
    head.weight.data = model.classifier.weight.data[keep].clone()
    head.bias.data = model.classifier.bias.data[keep].clone()
    model.classifier = head
    model.config.num_labels = len(names)
    model.config.id2label = dict(enumerate(names))
    model.config.label2id = {n: i for i, n in enumerate(names)}
    out = tmp_path / "no-action"
    model.save_pretrained(out)
    for f in tiny_model_dir.glob("tokenizer*"):
        shutil.copy(f, out / f.name)
    clf = TransformerClassifier.from_dir(out)
    [p] = clf.predict(["hubungi saya di 081234567890"])
    assert "action" not in p.scores
    assert p.action_reason in ("spam", "abuse", "chatter", "addressed")
    assert p.pii[0]["type"] == "phone"
