"""The classifier component: a protocol, its prediction type and the loader.

The HTTP layer never imports torch: it talks to `Classifier` only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.metrics import CLASSIFY_SECONDS


@dataclass(frozen=True)
class Prediction:
    """What the classifier says about one text.

    Attributes:
        intent: one of `labels.INTENTS`.
        sentiment: one of `labels.SENTIMENTS`.
        abusive: whether the text is abusive (insults, profanity, threats).
        scores: calibrated probabilities, ``{"intent": {label: p}, "sentiment": {label: p},
            "abusive": p}``.
        action: what the admin should do: ``reply``, ``no_reply`` or ``hide`` (`labels.ACTIONS`).
        action_reason: why, as a short code (``spam``, ``abuse``, ``pii_other``, ``chatter``,
            ``addressed`` …).
        pii: personal data found in the text: ``[{"type", "start", "end"}]`` (character offsets
            into the text as given; types in `labels.PII_TYPES`).
    """

    intent: str
    sentiment: str
    abusive: bool
    scores: dict[str, Any] = field(default_factory=dict)
    action: str = "reply"
    action_reason: str = ""
    pii: list[dict[str, Any]] = field(default_factory=list)


class Classifier(Protocol):
    """Anything that labels comments. Implementations must be thread-safe for `predict`."""

    model_version: str

    def warmup(self) -> None:
        """Run one prediction so the first request is not slow."""

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Label each text; returns one prediction per input, in order."""
        ...


def load_classifier(
    model_dir: Path,
    backend: str = "auto",
    *,
    threads: int | None = None,
    quantize: bool | None = None,
) -> Classifier:
    """Load the configured classifier.

    Args:
        model_dir: a Hugging Face checkpoint folder (``config.json`` with ``id2label``).
        backend: ``transformer`` requires the folder; ``keyword`` uses the rule baseline;
            ``auto`` uses the folder when it holds a model, else the baseline.
        threads: torch's intra-op threads for inference (process-wide). None leaves torch's
            default; 0 picks: one thread for an int8 model (its one-text passes are fastest
            on one thread, and the other core stays free for web and database work), one per
            core for a float32 model.
        quantize: int8 or float32; None uses the folder's ``tanggap_quantize``.
    """
    has_model = (model_dir / "config.json").is_file()
    if backend == "transformer" or (backend == "auto" and has_model):
        import torch

        from app.nlp.transformer import TransformerClassifier

        clf = TransformerClassifier.from_dir(model_dir, quantize=quantize)
        threads = inference_threads(threads, int8=clf.per_text)
        if threads is not None:
            torch.set_num_threads(threads)
        return clf
    from app.nlp.keyword import KeywordClassifier

    return KeywordClassifier()


def inference_threads(requested: int | None, *, int8: bool) -> int | None:
    """Torch threads for a model: `requested`, or for 0 one thread for an int8 model (its
    one-text passes are fastest on one) and one per core for a float32 model."""
    if requested != 0:
        return requested
    return 1 if int8 else (os.cpu_count() or 1)


def classify(classifier: Classifier, texts: Sequence[str]) -> list[Prediction]:
    """Predict a batch of texts, timed in the classify-seconds metric."""
    with CLASSIFY_SECONDS.time():
        return classifier.predict(list(texts))
