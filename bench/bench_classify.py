"""Classifier speed: ours vs an IndoBERT-base-sized `pipeline("text-classification")`.

    python bench/bench_classify.py [--input IN.jsonl] [-n 1000] [--batch-size 64]

Same as `tanggap bench classify`; prints comments/s batched and at batch 1, p50/p99 ms, peak RSS
and the ratio, as JSON. Without --input it uses own-written texts (no data files needed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import get_settings
from app.nlp.commands import bench_classify


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path)
    parser.add_argument("-n", "--n", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model-dir", type=Path, default=get_settings().model_dir)
    parser.add_argument("--no-reference", dest="reference", action="store_false")
    parser.add_argument("--output", type=Path)
    return bench_classify(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
