"""Batch-1 latency of two model folders, interleaved in one process (robust to a shared machine).

Each round classifies the same 100 texts one by one with model A, then with model B (the order
alternates per round); the report gives the median over rounds of each model's p50 and of the
per-round difference, and the batched throughput of each.

    PYTHONPATH=$PWD nice -n 15 .venv/bin/python bench/heads_latency.py MODEL_A MODEL_B [--rounds 9]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np


def main() -> None:
    import torch

    from app.nlp.commands import default_texts
    from app.nlp.transformer import TransformerClassifier

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    torch.set_num_threads(2)
    texts = default_texts(300, seed=11)
    models = {str(p): TransformerClassifier.from_dir(p) for p in (args.a, args.b)}
    for clf in models.values():
        clf.warmup()
    p50: dict[str, list[float]] = {k: [] for k in models}
    batched: dict[str, list[float]] = {k: [] for k in models}
    for r in range(args.rounds):
        names = list(models) if r % 2 == 0 else list(models)[::-1]
        for name in names:
            clf = models[name]
            lat = []
            for t in texts[:100]:
                t0 = time.perf_counter()
                clf.predict([t])
                lat.append((time.perf_counter() - t0) * 1000)
            p50[name].append(float(np.percentile(lat, 50)))
            t0 = time.perf_counter()
            clf.predict(texts)
            batched[name].append(len(texts) / (time.perf_counter() - t0))
    a, b = list(models)
    report = {
        name: {
            "model_version": models[name].model_version,
            "batch1_p50_ms_median": round(statistics.median(p50[name]), 2),
            "batched_per_s_median": round(statistics.median(batched[name]), 1),
        }
        for name in models
    }
    report["p50_diff_ms_median_b_minus_a"] = round(
        statistics.median(y - x for x, y in zip(p50[a], p50[b], strict=True)), 2
    )
    report["rounds"] = args.rounds
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
