"""Warm-start fine-tuning on the team's labeled real texts and own corpus (`tanggap train --init`).

Starts from a trained model folder (normally the shipped `models/tanggap-mini`), keeps its
vocabulary and adds the action head (``action:reply|no_reply|hide``) when the folder has none.
The mix (`finetune_mix`):

- labeled real texts of the ``train`` split (`app.nlp.labeled.split_of`), counted twice;
- the own corpus (`app.nlp.labeled.read_corpus`), all rows but its 15% hash ``dev`` split;
- a sample of the previous training mix (`app.nlp.training.assemble`) so the model keeps what it
  knew (spam across collections, SmSA sentiment); own examples there get an action from their
  intent (spam: hide, lainnya: no_reply, the rest: reply).

Design choices are made on the ``dev`` splits only: after each epoch the mean of intent,
sentiment and action macro-F1 on the real dev split plus the corpus dev split picks the epoch
to keep, and the temperatures are fitted there. The ``eval`` split is never read here.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from app.nlp.data import Example, abusive_weak_label, stable_bucket
from app.nlp.labeled import labeled_examples, read_corpus
from app.nlp.labels import ACTIONS
from app.nlp.normalise import normalise
from app.nlp.training import (
    TASK_WEIGHTS,
    TrainData,
    assemble,
    fit_temperature,
    length_batches,
    masked_task_loss,
    predict_logits,
    save_model,
    target_masks,
    task_slices,
)

# rows of the previous mix kept: about 29% of the mix, its share before corpora C-G
BASE_SAMPLE = 3000
REAL_REPEAT = 1
CORPUS_DEV_PERCENT = 15
_REPLY_INTENTS = ("pertanyaan", "keluhan", "kritik", "saran", "apresiasi")


def corpus_split(ex: Example) -> str:
    """``dev`` (15%, by a hash of the text) or ``train`` for an own corpus row."""
    return "dev" if stable_bucket("corpus:" + ex.text) < CORPUS_DEV_PERCENT else "train"


def action_from_intent(ex: Example) -> str | None:
    """The action an own written example implies (they are all addressed to an institution)."""
    if ex.action:
        return ex.action
    if ex.intent == "spam":
        return "hide"
    if not ex.source.startswith("own") or not isinstance(ex.intent, str):
        return None
    return "no_reply" if ex.intent == "lainnya" else "reply"


def finetune_mix(data_dir: Path, seed: int, base_sample: int = BASE_SAMPLE) -> TrainData:
    """Training rows and development rows (real dev + corpus dev) for fine-tuning."""
    rng = random.Random(seed)
    old: list[Example] = []
    if base_sample > 0:
        base = assemble(data_dir, seed)
        old = rng.sample(base.train, min(base_sample, len(base.train)))
        old = [replace(e, action=action_from_intent(e)) for e in old]
    real = labeled_examples(data_dir, ("train",))
    corpus = read_corpus()
    corpus_train = [e for e in corpus if corpus_split(e) == "train"]
    corpus_dev = [e for e in corpus if corpus_split(e) == "dev"]
    train = old + real * REAL_REPEAT + corpus_train
    valid = labeled_examples(data_dir, ("dev",)) + corpus_dev
    for ex in train + valid:
        if ex.abusive is None:
            ex.abusive = abusive_weak_label(ex.text)
    rng.shuffle(train)
    sources: dict[str, int] = {}
    for ex in train:
        sources[ex.source] = sources.get(ex.source, 0) + 1
    return TrainData(train, valid, sources)


def add_action_head(model: Any) -> Any:
    """The model with ``action:*`` outputs appended to its head (new rows start near zero)."""
    import torch

    names = [model.config.id2label[i] for i in sorted(model.config.id2label, key=int)]
    if any(n.startswith("action:") for n in names):
        return model
    names += [f"action:{a}" for a in ACTIONS]
    old = model.classifier
    head = torch.nn.Linear(old.in_features, len(names))
    with torch.no_grad():
        head.weight.normal_(0.0, 0.02)
        head.bias.zero_()
        head.weight[: old.out_features] = old.weight
        head.bias[: old.out_features] = old.bias
    model.classifier = head
    model.num_labels = len(names)
    model.config.num_labels = len(names)
    model.config.id2label = dict(enumerate(names))
    model.config.label2id = {n: i for i, n in enumerate(names)}
    return model


def dev_score(
    model: Any,
    tokenizer: Any,
    examples: Sequence[Example],
    texts: Sequence[str],
    max_len: int = 128,
) -> dict[str, float]:
    """Macro-F1 per field (and their mean) of the raw head on development rows."""
    from sklearn.metrics import f1_score

    id2label = model.config.id2label
    logits = predict_logits(model, tokenizer, texts, max_len)
    out: dict[str, float] = {}
    for task, members in task_slices(id2label).items():
        if task not in ("intent", "sentiment", "action"):
            continue
        idx = [i for i, _ in members]
        names = [n for _, n in members]
        pred = [names[j] for j in logits[:, idx].argmax(axis=1)]
        pairs = [(getattr(e, task), p) for e, p in zip(examples, pred, strict=True)]
        pairs = [(g, p) for g, p in pairs if isinstance(g, str)]
        gold = [g for g, _ in pairs]
        out[task] = round(
            100 * float(f1_score(gold, [p for _, p in pairs], labels=sorted(set(gold)),
                                 average="macro", zero_division=0)),
            2,
        )  # fmt: skip
    out["mean"] = round(sum(out.values()) / max(1, len(out)), 2)
    return out


def finetune_model(
    *,
    data_dir: Path,
    init: Path,
    output: Path,
    seed: int = 13,
    epochs: int = 2,
    lr: float = 1e-4,
    head_lr: float = 1e-3,
    batch_size: int = 32,
    base_sample: int = BASE_SAMPLE,
    limit: int | None = None,
    freeze_below: int = 1,
    train_max_len: int = 64,
    checks_per_epoch: int = 2,
) -> dict[str, Any]:
    """Fine-tune ``init`` on `finetune_mix`, keep the best checkpoint on dev, calibrate, save.

    To fit a CPU budget the embeddings and the first ``freeze_below`` layers stay frozen and
    training texts are cut at ``train_max_len`` pieces; the dev score is measured
    ``checks_per_epoch`` times an epoch (and before the first step), and the best checkpoint
    is kept (the starting model too, when nothing beats it).
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from app.nlp.transformer import weights_hash

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    started = time.time()
    data = finetune_mix(data_dir, seed, base_sample)
    train = data.train[:limit] if limit else data.train
    print(f"fine-tuning examples: {len(train)} {data.sources}; dev: {len(data.valid)}")
    tokenizer = AutoTokenizer.from_pretrained(init, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        init, local_files_only=True, dtype=torch.float32
    )
    model = add_action_head(model)
    max_len = int(getattr(model.config, "tanggap_max_length", 128))
    id2label = {int(k): v for k, v in model.config.id2label.items()}
    groups = {t: [i for i, _ in v] for t, v in task_slices(id2label).items()}
    texts = [normalise(e.text, mark_styled=True) for e in train]
    valid_texts = [normalise(e.text, mark_styled=True) for e in data.valid]
    ids = tokenizer(texts, truncation=True, max_length=min(max_len, train_max_len))["input_ids"]
    for name, param in model.named_parameters():
        frozen_layer = any(f"encoder.layer.{i}." in name for i in range(freeze_below))
        if "embeddings." in name or frozen_layer:
            param.requires_grad_(False)
    masks = torch.from_numpy(target_masks(train, id2label))
    total_steps = math.ceil(len(train) / batch_size) * epochs
    # The head (with its new action rows) learns faster than the warm body.
    body = [p for n, p in model.named_parameters() if p.requires_grad and "classifier" not in n]
    optim = torch.optim.AdamW(
        [{"params": body, "lr": lr}, {"params": model.classifier.parameters(), "lr": head_lr}],
        weight_decay=0.01,
    )
    warmup = max(1, int(0.06 * total_steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim,
        lambda s: (
            (s + 1) / warmup
            if s < warmup
            else max(0.0, (total_steps - s) / max(1, total_steps - warmup))
        ),
    )
    history = [{"epoch": 0.0, **dev_score(model, tokenizer, data.valid, valid_texts, max_len)}]
    print(f"dev before fine-tuning: {history[-1]}", flush=True)
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    best = history[-1]["mean"]
    best_epoch = 0.0
    for epoch in range(1, epochs + 1):
        model.train()
        batches = length_batches([len(x) for x in ids], batch_size, rng)
        check_at = {
            round(len(batches) * (c + 1) / checks_per_epoch) for c in range(checks_per_epoch)
        }
        for bi, batch in enumerate(tqdm(batches, desc=f"epoch {epoch}/{epochs}", mininterval=30)):
            width = max(len(ids[i]) for i in batch)
            input_ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
            attn = torch.zeros((len(batch), width), dtype=torch.long)
            for r, i in enumerate(batch):
                input_ids[r, : len(ids[i])] = torch.tensor(ids[i])
                attn[r, : len(ids[i])] = 1
            logits = model(input_ids=input_ids, attention_mask=attn).logits
            loss = masked_task_loss(logits, masks[batch], groups, TASK_WEIGHTS)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad(set_to_none=True)
            if bi + 1 not in check_at:
                continue
            at = round(epoch - 1 + (bi + 1) / len(batches), 2)
            history.append(
                {"epoch": at, **dev_score(model, tokenizer, data.valid, valid_texts, max_len)}
            )
            print(f"dev at epoch {at}: {history[-1]}", flush=True)
            if history[-1]["mean"] > best:
                best, best_epoch = history[-1]["mean"], at
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            model.train()
    model.load_state_dict(best_state)
    valid_logits = predict_logits(model, tokenizer, valid_texts, max_len)
    valid_mask = target_masks(data.valid, id2label)
    temperatures = {
        task: round(fit_temperature(valid_logits[:, idx], valid_mask[:, idx]), 4)
        for task, idx in groups.items()
    }
    print(f"kept epoch {best_epoch}; temperatures: {temperatures}")
    config = model.config
    save_model(
        model,
        tokenizer,
        output,
        extra={
            "tanggap_temperatures": temperatures,
            "tanggap_profile": getattr(config, "tanggap_profile", "fast"),
            "tanggap_seed": seed,
            "tanggap_max_length": max_len,
            "tanggap_quantize": False,
            "tanggap_abusive_lexicon": True,
            "tanggap_normaliser": "app.nlp.normalise.normalise",
            "tanggap_mark_styled": True,
            "tanggap_init": f"{init.name}-{weights_hash(init)}",
            "tanggap_finetune": {
                "epochs": epochs,
                "kept_epoch": best_epoch,
                "lr": lr,
                "head_lr": head_lr,
                "batch_size": batch_size,
                "frozen": f"embeddings and layers below {freeze_below}",
                "train_max_len": train_max_len,
                "base_sample": base_sample,
                "dev_history": history,
                "sources": data.sources,
            },
            "tanggap_train_seconds": round(
                float(getattr(config, "tanggap_train_seconds", 0) or 0) + time.time() - started, 1
            ),
        },
    )
    return {"sources": data.sources, "history": history, "kept_epoch": best_epoch}
