"""Training pieces: masked multi-task loss, partial labels, temperature, data helpers."""

from __future__ import annotations

import math
import random

import numpy as np
import torch

from app.nlp.data import NOT_SPAM, Example, abusive_weak_label, augment, read_own_intents
from app.nlp.labels import INTENTS
from app.nlp.training import (
    distillation_loss,
    fit_temperature,
    label_names,
    length_batches,
    masked_task_loss,
    smsa_pieces,
    target_masks,
    task_slices,
    teacher_sentiment,
)

ID2LABEL = dict(enumerate(label_names()))
GROUPS = {t: [i for i, _ in v] for t, v in task_slices(ID2LABEL).items()}


def test_target_masks_hard_partial_and_missing() -> None:
    rows = [
        Example("a", "x", intent="keluhan", sentiment="negatif", abusive=False),
        Example("b", "x", intent=NOT_SPAM),
        Example("c", "x"),
    ]
    mask = target_masks(rows, ID2LABEL)
    assert mask[0].sum() == 3
    assert mask[1, GROUPS["intent"]].sum() == len(INTENTS) - 1
    assert mask[1, label_names().index("intent:spam")] == 0
    assert mask[2].sum() == 0


def test_masked_loss_ignores_unlabeled_tasks() -> None:
    logits = torch.randn(2, len(ID2LABEL), requires_grad=True)
    mask = torch.from_numpy(target_masks([Example("a", "x", sentiment="positif")] * 2, ID2LABEL))
    loss = masked_task_loss(logits, mask, GROUPS)
    loss.backward()
    assert logits.grad is not None
    assert torch.all(logits.grad[:, GROUPS["intent"]] == 0)
    assert torch.any(logits.grad[:, GROUPS["sentiment"]] != 0)


def test_partial_label_loss_is_minus_log_of_allowed_mass() -> None:
    logits = torch.zeros(1, len(ID2LABEL))
    mask = torch.from_numpy(target_masks([Example("a", "x", intent=NOT_SPAM)], ID2LABEL))
    loss = masked_task_loss(logits, mask, GROUPS)
    n = len(INTENTS)
    assert float(loss) == pytest_approx(-math.log((n - 1) / n))


def pytest_approx(x: float) -> object:
    import pytest

    return pytest.approx(x, abs=1e-5)


def test_fit_temperature_recovers_overconfidence() -> None:
    rng = np.random.default_rng(0)
    true = rng.normal(size=(2000, 3))
    probs = np.exp(true) / np.exp(true).sum(1, keepdims=True)
    labels = np.array([rng.choice(3, p=p) for p in probs])
    mask = np.eye(3, dtype=np.float32)[labels]
    t = fit_temperature(true * 3.0, mask)  # logits three times too sharp
    assert 2.4 < t < 3.6


def test_length_batches_cover_everything_once() -> None:
    lengths = [random.Random(i).randint(1, 60) for i in range(101)]
    batches = length_batches(lengths, 16, random.Random(0))
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(101))
    assert all(len(b) <= 16 for b in batches)


def test_own_examples_cover_every_intent_and_augment_keeps_labels() -> None:
    own = read_own_intents()
    assert {e.intent for e in own} == set(INTENTS)
    assert len(own) >= 250
    variants = augment(own[0], random.Random(1), 5)
    assert len(variants) == 5 and all(v.intent == own[0].intent for v in variants)


def test_abusive_weak_label() -> None:
    assert abusive_weak_label("dasar g0bl0k lu")
    assert not abusive_weak_label("terima kasih pak")


def test_distillation_loss_is_zero_at_the_teacher_and_pulls_toward_it() -> None:
    teacher_logits = torch.tensor([[2.0, 0.0, -1.0], [-1.0, 0.5, 1.5]])
    soft = torch.softmax(teacher_logits / 2.0, dim=-1)
    assert float(distillation_loss(teacher_logits, soft, 2.0)) == pytest_approx(0.0)

    student = torch.zeros(2, 3, requires_grad=True)
    loss = distillation_loss(student, soft, 2.0)
    assert loss.item() > 0
    loss.backward()
    # Gradient descent raises the logit of the class the teacher prefers.
    assert float(student.grad[0, 0]) < 0 and float(student.grad[1, 2]) < 0


def test_teacher_sentiment_is_a_distribution_in_our_label_order(tiny_model_dir) -> None:
    texts = ["jalan rusak mohon diperbaiki", "terima kasih pak wali kota", "wkwk"]
    probs = teacher_sentiment(tiny_model_dir, texts, ID2LABEL, 2.0)
    assert probs.shape == (3, 3)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    # Our head lists the sentiments in another order: the columns follow ours, not the teacher's.
    flipped = label_names()
    order = [flipped.index(f"sentiment:{s}") for s in ("negatif", "netral", "positif")]
    for slot, idx in zip(GROUPS["sentiment"], order, strict=True):
        flipped[slot] = label_names()[idx]
    reordered = teacher_sentiment(tiny_model_dir, texts, dict(enumerate(flipped)), 2.0)
    assert np.allclose(reordered, probs[:, ::-1], atol=1e-6)


def test_teacher_without_our_sentiment_labels_is_refused(tiny_model_dir) -> None:
    import pytest

    names = [n.replace("sentiment:netral", "sentiment:campur") for n in label_names()]
    with pytest.raises(ValueError, match="sentiment labels"):
        teacher_sentiment(tiny_model_dir, ["halo"], dict(enumerate(names)), 2.0)


def test_smsa_pieces_are_sentences_of_multi_sentence_reviews_without_sentiment(tmp_path) -> None:
    folder = tmp_path / "sentiment" / "smsa"
    folder.mkdir(parents=True)
    rows = [
        "makanannya enak sekali dan murah. tapi parkirnya sempit dan panas sekali\tpositive",
        "pelayanan buruk\tnegative",
        "tempat ini biasa saja menurut saya. ok\tneutral",
    ]
    (folder / "train.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    pieces = smsa_pieces(tmp_path, random.Random(0), 10)
    assert sorted(p.text for p in pieces) == [
        "makanannya enak sekali dan murah.",
        "tapi parkirnya sempit dan panas sekali",
    ]
    assert all(p.sentiment is None for p in pieces), "only the teacher's soft sentiment"
    assert all(p.intent == NOT_SPAM for p in pieces), "reviews are not gambling promotion"
    assert len(smsa_pieces(tmp_path, random.Random(0), 1)) == 1
