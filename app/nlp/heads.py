"""Linear heads on a model's mean-pooled last layer (`heads.json` in a model folder).

A model folder may carry ``heads.json``: one multinomial logistic-regression head per task
(intent, sentiment, action) over the mean of the model's last hidden layer (padding masked),
fitted on the team's labeled real ``train`` split and the own corpus with the transformer frozen
(`fit_heads`). `TransformerClassifier` then takes a task's probabilities from

    p = (1 - blend) * softmax(model head / T) + blend * softmax(linear head / T_linear)

and, for intent, keeps the model head's own probability of the ``keep`` labels (``spam``: the
linear heads saw a few dozen spam texts, the model head tens of thousands) and shares the rest
among the other labels in proportion to ``p``.

Selection is honest: C, class weights and the weight of the own corpus are chosen per task by
the mean of three scores that never see the ``eval`` split: 5-fold cross-validation on the real
``train`` rows (corpus rows always train, never score), and, for a model fitted on all training
rows, macro-F1 on the own corpus's ``dev`` split and on the ``dev`` half of the ISP
customer-service questions (research data, real messages addressed to a provider: the real
``train`` rows are mostly tweets, so CV alone under-weights the messages admins get). The
temperatures are fitted on the real ``dev`` split; ``blend`` and ``keep`` were chosen on the
``dev`` split (`bench/probe_heads.py`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

HEADS_FILE = "heads.json"
# The region the full grid (C 0.05/0.3/1, class weights none/balanced, corpus weight 0.3/1/3)
# chose for every task on the previous candidate (C 0.05, unweighted, corpus weight 1 or 3); the
# full grid takes about 17 min on 2 shared cores, this one about 5.
GRID = {"c": (0.05, 0.3), "balanced": (False,), "corpus_w": (1.0, 3.0)}
# Parts scored by a model fitted on all training rows, beside the CV on the real train rows.
DEV_PARTS = ("corpus_dev", "isp_dev")
# Chosen on the real dev split (bench/probe_heads.py, see the model card).
BLEND = {"intent": 1.0, "sentiment": 0.5, "action": 1.0}
KEEP = {"intent": ("spam",)}


@dataclass(frozen=True)
class LinearHead:
    """``softmax((x @ coef.T + intercept) / temperature)`` over ``labels``."""

    labels: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float = 1.0
    blend: float = 1.0
    keep: tuple[str, ...] = ()

    def proba(self, x: np.ndarray) -> np.ndarray:
        z = (x @ self.coef.T + self.intercept) / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def mix(self, head_proba: np.ndarray, head_labels: Sequence[str], x: np.ndarray) -> np.ndarray:
        """The task's probabilities over ``head_labels`` (the model head's order)."""
        lin = self.proba(x)
        order = [self.labels.index(n) if n in self.labels else -1 for n in head_labels]
        mine = np.stack([lin[:, j] if j >= 0 else np.zeros(len(x)) for j in order], axis=1)
        p = (1.0 - self.blend) * head_proba + self.blend * mine
        kept = np.asarray([n in self.keep for n in head_labels])
        if kept.any():
            fixed = head_proba[:, kept].sum(axis=1, keepdims=True)
            rest = p * ~kept
            rest = rest / np.clip(rest.sum(axis=1, keepdims=True), 1e-12, None) * (1.0 - fixed)
            p = np.where(kept, head_proba, rest)
        return p

    def to_json(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "coef": [[round(float(v), 6) for v in row] for row in self.coef],
            "intercept": [round(float(v), 6) for v in self.intercept],
            "temperature": self.temperature,
            "blend": self.blend,
            "keep": list(self.keep),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearHead:
        return cls(
            labels=tuple(data["labels"]),
            coef=np.asarray(data["coef"], dtype=np.float32),
            intercept=np.asarray(data["intercept"], dtype=np.float32),
            temperature=float(data.get("temperature", 1.0)),
            blend=float(data.get("blend", 1.0)),
            keep=tuple(data.get("keep", ())),
        )


def read_heads(model_dir: Path, *, int8: bool = False) -> dict[str, LinearHead]:
    """The linear heads of a model folder by task (empty when it has no ``heads.json``).

    ``int8``: the heads fitted on the features of the dynamically quantised model (the
    ``int8`` entry of the file), which differ from the float32 model's.
    """
    path = Path(model_dir) / HEADS_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if int8:
        data = data.get("int8") or {}
    if not data:
        return {}
    if data.get("meta", {}).get("model_weights") != _body_hash(Path(model_dir)):
        # Heads fitted on another model's features would be silently wrong.
        logger.warning("%s ignored: it was fitted on other model weights", path)
        return {}
    return {task: LinearHead.from_json(h) for task, h in data["heads"].items()}


def _body_hash(model_dir: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(model_dir.glob("*.safetensors")):
        with file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:8]


# ---------------------------------------------------------------------------------------------
# Fitting (scikit-learn; only needed to train)
# ---------------------------------------------------------------------------------------------


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    labels = sorted(set(gold))
    return round(100 * float(f1_score(gold, pred, labels=labels, average="macro",
                                      zero_division=0)), 2)  # fmt: skip


def fit_lr(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float, balanced: bool) -> Any:
    """Standardised multinomial logistic regression (class weights from weighted counts)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if balanced:
        classes, inv = np.unique(y, return_inverse=True)
        tot = np.bincount(inv, weights=w)
        w = w * (tot.sum() / (len(classes) * tot))[inv]
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000))
    model.fit(x, y, logisticregression__sample_weight=w)
    return model


def select(
    x: np.ndarray, y: np.ndarray, parts: np.ndarray, grid: dict[str, tuple[Any, ...]] = GRID
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The grid point with the best selection score: the mean of the 5-fold CV macro-F1 on the
    real train rows (``parts == "real_train"``; ``corpus_train`` rows join every training fold)
    and the macro-F1 on each labeled part of `DEV_PARTS` of the model refitted on all rows."""
    from sklearn.model_selection import StratifiedKFold

    real = np.flatnonzero((parts == "real_train") & (y != ""))
    corp = np.flatnonzero((parts == "corpus_train") & (y != ""))
    devs = {p: np.flatnonzero((parts == p) & (y != "")) for p in DEV_PARTS}
    devs = {p: idx for p, idx in devs.items() if len(idx)}
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(real, y[real]))
    table = []
    for c, balanced, cw in itertools.product(*grid.values()):
        pred = np.empty(len(real), dtype=object)
        for tr, te in folds:
            idx = np.concatenate([real[tr], corp]) if cw > 0 else real[tr]
            w = np.where(parts[idx] == "corpus_train", cw, 1.0)
            pred[te] = fit_lr(x[idx], y[idx], w, c, balanced).predict(x[real[te]])
        row: dict[str, Any] = {"c": c, "balanced": balanced, "corpus_w": cw}
        row["cv_macro_f1"] = macro_f1(list(y[real]), list(pred.astype(str)))
        if devs:
            full = refit(x, y, parts, row)
            for p, idx in devs.items():
                row[f"{p}_macro_f1"] = macro_f1(list(y[idx]), list(full.predict(x[idx])))
        scores = [v for k, v in row.items() if k.endswith("_macro_f1")]
        row["score"] = round(sum(scores) / len(scores), 2)
        table.append(row)
    return max(table, key=lambda r: r["score"]), table


def refit(x: np.ndarray, y: np.ndarray, parts: np.ndarray, best: dict[str, Any]) -> Any:
    """The chosen grid point fitted on all real train rows and corpus train rows."""
    use = (parts == "real_train") | ((parts == "corpus_train") & (best["corpus_w"] > 0))
    idx = np.flatnonzero(use & (y != ""))
    w = np.where(parts[idx] == "corpus_train", best["corpus_w"], 1.0)
    return fit_lr(x[idx], y[idx], w, best["c"], best["balanced"])


def to_head(model: Any) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Labels, coefficients and intercepts with the scaler folded in."""
    scaler, lr = model[0], model[-1]
    coef = lr.coef_ / scaler.scale_
    intercept = lr.intercept_ - coef @ scaler.mean_
    return tuple(str(c) for c in lr.classes_), coef.astype(np.float32), intercept


def fit_temperature(proba_logits: np.ndarray, gold_idx: np.ndarray) -> float:
    """The temperature in 0.5..3 with the lowest NLL of ``gold_idx`` (grid of 0.05)."""
    best, best_t = float("inf"), 1.0
    for t in np.arange(0.5, 3.001, 0.05):
        z = proba_logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -logp[np.arange(len(gold_idx)), gold_idx].mean()
        if nll < best:
            best, best_t = nll, round(float(t), 2)
    return best_t


def training_rows(data_dir: Path) -> tuple[list[Any], np.ndarray]:
    """Real train and dev rows, the own corpus and the ISP dev half, with a part code per row
    (``real_train``, ``real_dev``, ``corpus_train``, ``corpus_dev``, ``isp_dev``); never an
    eval split. ISP rows carry an intent and ``action="reply"`` (all are addressed to the
    provider), no sentiment; they only score, never train."""
    from dataclasses import replace

    from app.nlp.data import read_isp_cs
    from app.nlp.finetune import corpus_split
    from app.nlp.labeled import labeled_examples, read_corpus

    real_train = labeled_examples(data_dir, ("train",))
    real_dev = labeled_examples(data_dir, ("dev",))
    corpus = read_corpus()
    isp = [replace(e, action="reply") for e in read_isp_cs(data_dir, "dev")]
    parts = (
        ["real_train"] * len(real_train)
        + ["real_dev"] * len(real_dev)
        + [f"corpus_{corpus_split(e)}" for e in corpus]
        + ["isp_dev"] * len(isp)
    )
    return real_train + real_dev + corpus + isp, np.asarray(parts)


def fit_heads(model_dir: Path, data_dir: Path, *, int8: bool | None = None) -> dict[str, Any]:
    """Fit, select and calibrate the heads of ``model_dir`` and write its ``heads.json``.

    ``int8`` (default: the folder's ``tanggap_quantize``) fits on the quantised model's
    features and writes the file's ``int8`` entry; the other entry is kept when it was
    fitted on the same weights.
    """
    from app.nlp.e5 import mini_features
    from app.nlp.normalise import normalise

    started = time.time()
    examples, parts = training_rows(data_dir)
    texts = [normalise(e.text, mark_styled=True) for e in examples]
    if int8 is None:
        config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
        int8 = bool(config.get("tanggap_quantize", False))
    _, feats, _ = mini_features(model_dir, texts, int8=int8)
    dev = np.flatnonzero(parts == "real_dev")
    heads: dict[str, Any] = {}
    report: dict[str, Any] = {}
    for task in ("intent", "sentiment", "action"):
        y = np.asarray([str(getattr(e, task) or "") for e in examples])
        best, _ = select(feats, y, parts)
        labels, coef, intercept = to_head(refit(feats, y, parts, best))
        keep = y[dev] != ""
        z = feats[dev][keep] @ coef.T + intercept
        gold = np.asarray([labels.index(g) if g in labels else 0 for g in y[dev][keep]])
        temp = fit_temperature(z, gold)
        head = LinearHead(labels, coef, intercept, temp, BLEND[task], KEEP.get(task, ()))
        heads[task] = head.to_json()
        report[task] = {**best, "temperature": temp, "n_labeled_all_parts": int((y != "").sum())}
        print(f"{task}: {report[task]}", flush=True)
    meta = {
        "features": "mean of the last hidden layer (padding masked), "
        + ("dynamic int8, one text at a time" if int8 else "float32"),
        "model_weights": _body_hash(Path(model_dir)),
        "selection": report,
        "grid": {k: list(v) for k, v in GRID.items()},
        "rows": {str(p): int((parts == p).sum()) for p in np.unique(parts)},
        "seconds": round(time.time() - started, 1),
    }
    path = Path(model_dir) / HEADS_FILE
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    mine = {"heads": heads, "meta": meta}
    if int8:
        out = {k: v for k, v in old.items() if k in ("heads", "meta")}
        if out.get("meta", {}).get("model_weights") != meta["model_weights"]:
            out = {}
        out["int8"] = mine
    else:
        out = dict(mine)
        if (old.get("int8") or {}).get("meta", {}).get("model_weights") == meta["model_weights"]:
            out["int8"] = old["int8"]
    path.write_text(json.dumps(out) + "\n", encoding="utf-8")
    return meta
