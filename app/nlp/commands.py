"""`tanggap train | eval | classify | bench classify` (wired in `app.cli`)."""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from app.nlp.evaluation import (
    evaluate_model,
    plot_confusions,
    quick_speed,
    write_model_card,
    write_report,
)

METRICS_FILE = "metrics.json"
BENCH_FILE = "bench.json"


def train(args: argparse.Namespace) -> int:
    """Train the model folder, then evaluate it and write the model card."""
    from app.nlp.training import train_model

    feedback = []
    if getattr(args, "with_feedback", False):
        from app.comments import service as comments_service
        from app.config import get_settings
        from app.db import make_engine, session_scope

        with session_scope(make_engine(get_settings().database_url)) as session:
            feedback = comments_service.feedback_examples(session=session)
        print(f"reviewer feedback examples: {len(feedback)}", file=sys.stderr)
    output = Path(args.output)
    if getattr(args, "heads", False):
        from app.nlp.heads import fit_heads

        print(json.dumps(fit_heads(output, Path(args.data_dir))))  # int8: from the config
        return 0
    if getattr(args, "init", None):
        from app.nlp.finetune import finetune_model

        finetune_model(
            data_dir=Path(args.data_dir),
            init=Path(args.init),
            output=output,
            seed=int(getattr(args, "seed", 13)),
            epochs=getattr(args, "epochs", None) or 2,
        )
        return _evaluate_folder(output, Path(args.data_dir), output / METRICS_FILE)
    train_model(
        data_dir=Path(args.data_dir),
        output=output,
        seed=int(getattr(args, "seed", 13)),
        profile=getattr(args, "profile", None) or "fast",
        epochs=getattr(args, "epochs", None),
        feedback=feedback,
        teacher=getattr(args, "teacher", None),
    )
    return _evaluate_folder(output, Path(args.data_dir), output / METRICS_FILE)


def evaluate(args: argparse.Namespace) -> int:
    """Regenerate the metrics report (and the model card's numbers and images)."""
    model_dir = Path(args.model_dir)
    out = Path(args.output) if getattr(args, "output", None) else model_dir / METRICS_FILE
    return _evaluate_folder(model_dir, Path(args.data_dir), out)


def agreement(args: argparse.Namespace) -> int:
    """`tanggap eval agreement`: Cohen's kappa per field between two label files."""
    from app.nlp.labeled import LABELED_DIR, agreement, read_label_file, read_labels

    first = (
        {r["id"]: r for r in read_label_file(Path(args.first))}
        if getattr(args, "first", None)
        else read_labels()
    )
    second_path = Path(getattr(args, "second", None) or LABELED_DIR / "agree.jsonl")
    second = {r["id"]: r for r in read_label_file(second_path)}
    report = {
        "first": str(args.first) if getattr(args, "first", None) else "first-pass labels (L*)",
        "second": str(second_path),
        **agreement(first, second),
    }
    print(json.dumps(report, indent=2))
    if getattr(args, "output", None):
        Path(args.output).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if report["n"] else 1


def _evaluate_folder(model_dir: Path, data_dir: Path, out: Path) -> int:
    from app.nlp.transformer import TransformerClassifier

    clf = TransformerClassifier.from_dir(model_dir)
    report = evaluate_model(clf, data_dir)
    report["speed"] = quick_speed(clf, default_texts(400))
    write_report(report, out)
    images = plot_confusions(report, model_dir)
    bench_path = model_dir / BENCH_FILE
    bench = json.loads(bench_path.read_text()) if bench_path.is_file() else None
    write_model_card(model_dir, report, bench=bench, images=images)
    summary = {
        k: v.get("macro_f1", v.get("f1"))
        for k, v in report.items()
        if isinstance(v, dict) and ("macro_f1" in v or "f1" in v)
    }
    print(json.dumps({"report": str(out), **summary, "speed": report["speed"]}, indent=2))
    return 0


# ---------------------------------------------------------------------------------------------
# classify
# ---------------------------------------------------------------------------------------------


def _parse(line: str) -> tuple[Any, str]:
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError("line is not a JSON object")
    if "id" not in obj:
        raise ValueError("missing 'id'")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    return obj["id"], text


def classify_stream(
    classifier: Any, lines: Iterator[str], out: IO[str], *, batch_size: int = 64
) -> tuple[int, int]:
    """Classify JSONL lines into ``out`` in input order; bad lines become error lines.

    Lines are read in windows of 16 batches, so the classifier can batch texts of similar
    length together (less padding) while the output still streams.

    Returns (classified, bad) counts.
    """
    window = batch_size * 16
    pending: list[tuple[int, Any, str | None, str | None]] = []  # (line, id, text, error)
    done = bad = 0

    def flush() -> None:
        nonlocal done
        texts = [t for _, _, t, err in pending if err is None and t is not None]
        preds = iter(classifier.predict(texts)) if texts else iter(())
        for line_no, item_id, _text, err in pending:
            if err is not None:
                out.write(json.dumps({"id": item_id, "line": line_no, "error": err}) + "\n")
                continue
            p = next(preds)
            record = {
                "id": item_id,
                "intent": p.intent,
                "sentiment": p.sentiment,
                "abusive": p.abusive,
                "action": p.action,
                "action_reason": p.action_reason,
                "pii": p.pii,
                "scores": p.scores,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            done += 1
        pending.clear()

    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item_id, text = _parse(line)
        except (ValueError, json.JSONDecodeError) as exc:
            bad += 1
            msg = str(exc).splitlines()[0][:200]
            print(f"line {line_no}: {msg}", file=sys.stderr)
            raw_id = None
            pending.append((line_no, raw_id, None, msg))
            continue
        pending.append((line_no, item_id, text, None))
        if len(pending) >= window:
            flush()
    flush()
    return done, bad


def classify(args: argparse.Namespace) -> int:
    """Stream a JSONL file of {id, text} to JSONL with labels and scores."""
    from app.nlp.classifier import load_classifier

    clf = load_classifier(Path(args.model_dir))
    batch = int(getattr(args, "batch_size", 64) or 64)
    if hasattr(clf, "batch_size"):
        clf.batch_size = batch
    with Path(args.input).open(encoding="utf-8", errors="replace") as src:
        if getattr(args, "output", None):
            with Path(args.output).open("w", encoding="utf-8") as dst:
                done, bad = classify_stream(clf, iter(src), dst, batch_size=batch)
        else:
            done, bad = classify_stream(clf, iter(src), sys.stdout, batch_size=batch)
    print(f"classified {done} lines, {bad} bad lines", file=sys.stderr)
    return 0 if done or not bad else 1


# ---------------------------------------------------------------------------------------------
# bench classify
# ---------------------------------------------------------------------------------------------


def default_texts(n: int, seed: int = 7) -> list[str]:
    """Own-written benchmark texts: the project's examples in informal variants."""
    from app.nlp.data import augment, read_own_intents

    rng = random.Random(seed)
    base = read_own_intents()
    out: list[str] = []
    while len(out) < n:
        ex = rng.choice(base)
        out.append(augment(ex, rng, 1)[0].text)
    return out


def _peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _percentiles(lat_ms: Sequence[float]) -> dict[str, float]:
    import numpy as np

    return {
        "p50_ms": round(float(np.percentile(lat_ms, 50)), 2),
        "p99_ms": round(float(np.percentile(lat_ms, 99)), 2),
    }


def run_benchmark(
    model_dir: Path,
    texts: Sequence[str],
    *,
    batch_size: int = 64,
    reference: bool = True,
    n_single: int = 300,
    n_reference_single: int = 60,
    threads: int = 0,
    quantize: bool | None = None,
) -> dict[str, Any]:
    """Our classifier vs a 12-layer/768 BERT `pipeline("text-classification")`, same texts.

    Ours runs with `threads` torch threads (the serving setting, TANGGAP_INFERENCE_THREADS);
    the reference with torch's default of one per core, its fastest for batches.
    """
    import os

    import torch

    from app.nlp.classifier import inference_threads
    from app.nlp.transformer import TransformerClassifier

    default_threads = torch.get_num_threads()
    clf = TransformerClassifier.from_dir(model_dir, quantize=quantize)
    threads = inference_threads(threads, int8=clf.per_text) or default_threads  # as the server
    torch.set_num_threads(threads)
    result: dict[str, Any] = {
        "n_texts": len(texts),
        "batch_size": batch_size,
        "torch_threads": threads,
        "reference_torch_threads": default_threads,
        "cpus": os.cpu_count(),
        "int8": clf.per_text,
    }
    clf.batch_size = batch_size
    clf.warmup()
    lat = []
    for t in texts[:n_single]:
        t0 = time.perf_counter()
        clf.predict([t])
        lat.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    clf.predict(list(texts))
    ours_batched = len(texts) / (time.perf_counter() - t0)
    result["ours"] = {
        "model_version": clf.model_version,
        "batched_per_s": round(ours_batched, 1),
        "batch1_per_s": round(1000 / (sum(lat) / len(lat)), 1),
        **_percentiles(lat),
        "peak_rss_mb_after": _peak_rss_mb(),
    }
    if reference:
        from transformers import BertConfig, BertForSequenceClassification, pipeline

        torch.set_num_threads(default_threads)

        torch.manual_seed(0)
        tok = clf.tokenizer
        cfg = BertConfig(  # type: ignore[call-arg]  # num_labels goes to PretrainedConfig kwargs
            vocab_size=len(tok),
            hidden_size=768,
            num_hidden_layers=12,
            num_attention_heads=12,
            intermediate_size=3072,
            num_labels=clf.model.config.num_labels,
            pad_token_id=tok.pad_token_id,
        )
        ref_model = BertForSequenceClassification(cfg).eval()
        pipe = pipeline("text-classification", model=ref_model, tokenizer=tok, device=-1)
        kwargs = {"truncation": True, "max_length": clf.max_length}
        pipe(list(texts[:8]), batch_size=8, **kwargs)
        rlat = []
        for t in texts[:n_reference_single]:
            t0 = time.perf_counter()
            pipe(t, **kwargs)
            rlat.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        pipe(list(texts), batch_size=batch_size, **kwargs)
        ref_batched = len(texts) / (time.perf_counter() - t0)
        result["reference_bert_12x768"] = {
            "batched_per_s": round(ref_batched, 1),
            "batch1_per_s": round(1000 / (sum(rlat) / len(rlat)), 1),
            **_percentiles(rlat),
            "peak_rss_mb_after": _peak_rss_mb(),
        }
        result["ratio_batched"] = round(ours_batched / ref_batched, 1)
        result["ratio_batch1_p50"] = round(
            result["reference_bert_12x768"]["p50_ms"] / result["ours"]["p50_ms"], 1
        )
    return result


def bench_classify(args: argparse.Namespace) -> int:
    """Print (and optionally save) the speed benchmark as JSON."""
    from app.config import get_settings

    n = int(getattr(args, "n", 1000) or 1000)
    if getattr(args, "input", None):
        texts = []
        with Path(args.input).open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    _, text = _parse(line)
                except (ValueError, json.JSONDecodeError):
                    continue
                texts.append(text)
                if len(texts) >= n:
                    break
    else:
        texts = default_texts(n)
    result = run_benchmark(
        Path(args.model_dir),
        texts,
        batch_size=int(getattr(args, "batch_size", 64) or 64),
        reference=bool(getattr(args, "reference", True)),
        threads=int(getattr(args, "threads", None) or get_settings().inference_threads),
        quantize=get_settings().classifier_quantize,
    )
    text = json.dumps(result, indent=2)
    print(text)
    if getattr(args, "output", None):
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0
