"""TransformerClassifier: any Hugging Face sequence-classification folder with Tanggap labels.

The folder's ``config.json`` ``id2label`` is the flat list of task-prefixed labels
(``intent:pertanyaan`` ... ``sentiment:positif`` ... ``abusive:no``, ``abusive:yes``). One head,
softmax per task group, optional per-task temperatures (``tanggap_temperatures``). So a user's own
IndoBERT fine-tune with the same label config is a drop-in replacement via ``TANGGAP_MODEL_DIR``.
An optional ``action:reply``, ``action:no_reply``, ``action:hide`` group is the action head; the
rules of `app.nlp.action` back it up (and stand in for it when a folder has none). An optional
``heads.json`` holds linear heads on the mean-pooled last layer that are mixed into the head's
probabilities (`app.nlp.heads`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.nlp.action import decide
from app.nlp.classifier import Prediction
from app.nlp.heads import HEADS_FILE, LinearHead, read_heads
from app.nlp.labels import ACTIONS, INTENTS, SENTIMENTS
from app.nlp.normalise import lexicon_hit, normalise

# Texts of different lengths and batch sizes: the traced graph must match the eager model on all.
TRACE_CHECK = (
    ["halo min"],
    ["jalan di depan sekolah rusak parah, mohon segera diperbaiki ya pak", "makasih"],
    ["kapan pendaftaran dibuka?"] * 3 + ["lampu jalan mati sejak minggu lalu di gang tiga"],
)

logger = logging.getLogger(__name__)


def weights_hash(path: Path, *, heads: bool = False) -> str:
    """Short SHA-256 of the weight file(s) in a model folder (``heads``: and its linear heads)."""
    digest = hashlib.sha256()
    files = sorted(path.glob("*.safetensors")) or [p for p in path.glob("*.bin")]
    files += [path / HEADS_FILE] if heads and (path / HEADS_FILE).is_file() else []
    for file in files:
        with file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:8]


class TransformerClassifier:
    """Multi-task comment classifier on a local transformers checkpoint.

    Thread-safe: `predict` serialises access to the tokenizer and model with a lock (batch-1
    latency is a few milliseconds, so the lock costs little; CPU threads are the real limit).

    Attributes:
        model_version: ``<folder name>-<weights hash>``.
        groups: head indices and label names per task.
        temperatures: per-task softmax temperature from calibration.
        heads: linear heads on the mean-pooled last layer by task (`app.nlp.heads`).
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        model_version: str,
        max_length: int = 128,
        batch_size: int = 64,
        temperatures: dict[str, float] | None = None,
        abusive_lexicon: bool = False,
        mark_styled: bool = False,
        trace: bool = False,
        per_text: bool = False,
        heads: dict[str, LinearHead] | None = None,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.model_version = model_version
        self.max_length = max_length
        self.batch_size = batch_size
        self.temperatures = dict(temperatures or {})
        self.abusive_lexicon = abusive_lexicon
        self.mark_styled = mark_styled
        # A dynamically quantised model takes one activation scale from its whole input tensor
        # (padding included), so its numbers for a text would depend on the other texts of the
        # batch: such a model runs each text on its own.
        self.per_text = per_text
        self.heads = dict(heads or {})
        self.groups = _groups(model.config.id2label)
        if "intent" not in self.groups or "sentiment" not in self.groups:
            raise ValueError("id2label must hold intent:* and sentiment:* labels")
        self._lock = threading.Lock()
        self._token_types = "token_type_ids" in _accepts(model)
        # A TorchScript trace of the forward pass skips transformers' per-call Python work
        # (about half of a 20-token batch-1 call on 2 cores); None runs the model eagerly.
        # The forward pass: head logits, and the mean-pooled last layer when there are heads.
        self._names = tuple(
            k for k in ("input_ids", "attention_mask", "token_type_ids") if k in self._encode(["x"])
        )
        self._wrapper = _LogitsAndMean(model, self._names, bool(self.heads))
        self._graph: Any
        self._graph_inputs: tuple[str, ...]
        self._graph, self._graph_inputs = self._trace() if trace else (None, ())

    @classmethod
    def from_dir(
        cls, path: Path | str, *, quantize: bool | None = None, trace: bool = True
    ) -> TransformerClassifier:
        """Load a model folder with local files only.

        Args:
            path: folder with ``config.json``, tokenizer files and weights.
            quantize: apply dynamic int8 quantisation to Linear layers; defaults to the folder's
                ``tanggap_quantize`` config value (off when absent). Dynamic quantisation takes
                its activation scale from the whole padded batch, so a quantised model runs each
                text on its own (batch-1 latency is lower, batched throughput too); a float
                model's labels do not depend on the batch either way.
            trace: run a TorchScript trace of the forward pass when it gives the same logits
                as the eager model on `TRACE_CHECK` (it falls back to eager when not).
        """
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        path = Path(path)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(
            path, local_files_only=True, dtype=torch.float32
        )
        model.eval()
        config = model.config
        if quantize is None:
            quantize = bool(getattr(config, "tanggap_quantize", False))
        if quantize:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch marks the int8 API as deprecated
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8
                )
        heads = read_heads(path, int8=bool(quantize))
        version = f"{path.name}-{weights_hash(path, heads=bool(heads))}"
        return cls(
            model,
            tokenizer,
            # The int8 path gives other numbers than the float weights: its own version.
            model_version=version + ("-int8" if quantize else ""),
            max_length=int(getattr(config, "tanggap_max_length", 128)),
            temperatures=getattr(config, "tanggap_temperatures", None),
            abusive_lexicon=bool(getattr(config, "tanggap_abusive_lexicon", False)),
            mark_styled=bool(getattr(config, "tanggap_mark_styled", False)),
            trace=trace,
            per_text=quantize,
            heads=heads,
        )

    @property
    def traced(self) -> bool:
        """Whether predictions run through the TorchScript trace."""
        return self._graph is not None

    def _encode(self, texts: list[str]) -> dict[str, Any]:
        enc = dict(
            self.tokenizer(
                texts,
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
        )
        if not self._token_types:
            enc.pop("token_type_ids", None)
        return enc

    def _forward(self, enc: dict[str, Any]) -> tuple[Any, Any]:
        """Head logits and, when the folder has linear heads, the mean-pooled last layer."""
        if self._graph is not None:
            out = self._graph(*[enc[k] for k in self._graph_inputs]).float()
        else:
            out = self._wrapper(*[enc[k] for k in self._names]).float()
        n = self.model.config.num_labels
        return out[:, :n], (out[:, n:] if self.heads else None)

    def _trace(self) -> tuple[Any, tuple[str, ...]]:
        """Trace the forward pass on a padded batch; returns the graph (None when tracing fails
        or disagrees with the eager model) and the names of its input tensors, in order."""
        import torch

        # Padding in the example keeps the attention mask in the graph (a trace of an unpadded
        # batch could drop it and be wrong for padded ones).
        example = self._encode(["halo", "jalan rusak mohon segera diperbaiki ya pak"])
        names = self._names
        # Tracing reads every attribute of the model, among them a loss property that logs a
        # misleading warning about a causal-LM loss; inference computes no loss.
        hf_logger = logging.getLogger("transformers.modeling_utils")
        level = hf_logger.level
        hf_logger.setLevel(logging.ERROR)
        try:
            with warnings.catch_warnings(), torch.inference_mode():
                warnings.simplefilter("ignore")  # TracerWarnings about Python values
                wrapper = self._wrapper
                graph = torch.jit.trace(
                    wrapper,
                    tuple(example[k] for k in names),
                    check_trace=False,
                    strict=False,
                )
                for texts in TRACE_CHECK:
                    enc = self._encode(list(texts))
                    eager = wrapper(*[enc[k] for k in names]).float()
                    traced = graph(*[enc[k] for k in names]).float()
                    if eager.shape != traced.shape or (eager - traced).abs().max() > 1e-4:
                        raise ValueError("traced logits differ from the eager model")
        except Exception as exc:  # any tracing failure means: run eagerly
            logger.warning("model runs eagerly, tracing failed: %s", type(exc).__name__)
            return None, ()
        finally:
            hf_logger.setLevel(level)
        return graph, names

    def warmup(self) -> None:
        """Run one short and one batched prediction so the first request is not slow."""
        self.predict(["halo min"])
        self.predict(["jalan rusak mohon diperbaiki", "terima kasih pak"] * 4)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Label each text; one prediction per input, in order."""
        import torch

        if not texts:
            return []
        clean = [normalise(t or "", mark_styled=self.mark_styled) for t in texts]
        order = sorted(range(len(clean)), key=lambda i: len(clean[i]))
        probs: list[dict[str, list[float]]] = [{} for _ in clean]
        step = 1 if self.per_text else max(1, self.batch_size)
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), step):
                idx = order[start : start + step]
                logits, feats = self._forward(self._encode([clean[i] for i in idx]))
                for task, members in self.groups.items():
                    cols = [i for i, _ in members]
                    temp = float(self.temperatures.get(task, 1.0)) or 1.0
                    p = torch.softmax(logits[:, cols] / temp, dim=-1).numpy()
                    if task in self.heads and feats is not None:
                        names = [name for _, name in members]
                        p = self.heads[task].mix(p, names, feats.numpy())
                    for row, i in enumerate(idx):
                        probs[i][task] = [float(v) for v in p[row]]
        preds = [self._prediction(p) for p in probs]
        if self.abusive_lexicon:
            # The project's own lexicon backs up the abusive head (whose labels came from it).
            preds = [
                replace(
                    p, abusive=True, scores={**p.scores, "abusive": max(p.scores["abusive"], 0.9)}
                )
                if lexicon_hit(text)
                else p
                for p, text in zip(preds, clean, strict=True)
            ]
        return [decide(p, t or "") for p, t in zip(preds, texts, strict=True)]

    def _prediction(self, p: dict[str, list[float]]) -> Prediction:
        intent = {
            name: round(v, 4)
            for (_, name), v in zip(self.groups["intent"], p["intent"], strict=True)
        }
        sentiment = {
            name: round(v, 4)
            for (_, name), v in zip(self.groups["sentiment"], p["sentiment"], strict=True)
        }
        p_abusive = 0.0
        if "abusive" in self.groups:
            names = [name for _, name in self.groups["abusive"]]
            p_abusive = p["abusive"][names.index("yes")] if "yes" in names else 0.0
        best_intent = max((k for k in intent if k in INTENTS), key=intent.__getitem__)
        best_sentiment = max((k for k in sentiment if k in SENTIMENTS), key=sentiment.__getitem__)
        scores: dict[str, Any] = {
            "intent": intent,
            "sentiment": sentiment,
            "abusive": round(p_abusive, 4),
        }
        if "action" in self.groups:
            scores["action"] = {
                name: round(v, 4)
                for (_, name), v in zip(self.groups["action"], p["action"], strict=True)
                if name in ACTIONS
            }
        return Prediction(
            intent=best_intent,
            sentiment=best_sentiment,
            abusive=p_abusive >= 0.5,
            scores=scores,
        )


@functools.cache
def _logits_and_mean_module() -> Any:
    import torch

    from app.nlp.e5 import masked_mean

    class LogitsAndMean(torch.nn.Module):
        """Head logits, followed (``with_mean``) by the mean-pooled last layer, in one tensor."""

        def __init__(self, model: Any, names: tuple[str, ...], with_mean: bool) -> None:
            super().__init__()
            self.model = model
            self.names = names
            self.with_mean = with_mean

        def forward(self, *tensors: Any) -> Any:
            enc = dict(zip(self.names, tensors, strict=True))
            if not self.with_mean:
                return self.model(**enc).logits
            out = self.model(**enc, output_hidden_states=True)
            mean = masked_mean(out.hidden_states[-1], enc["attention_mask"])
            return torch.cat([out.logits, mean], dim=1)

    return LogitsAndMean


def _LogitsAndMean(model: Any, names: tuple[str, ...], with_mean: bool) -> Any:
    return _logits_and_mean_module()(model, names, with_mean)


def _groups(id2label: dict[Any, str]) -> dict[str, list[tuple[int, str]]]:
    groups: dict[str, list[tuple[int, str]]] = {}
    for key in sorted(id2label, key=int):
        task, sep, name = str(id2label[key]).partition(":")
        if sep:
            groups.setdefault(task, []).append((int(key), name))
    return groups


def _accepts(model: Any) -> set[str]:
    import inspect

    try:
        return set(inspect.signature(model.forward).parameters)
    except (TypeError, ValueError):
        return set()
