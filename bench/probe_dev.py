"""Model folders on the dev splits only, through the product path (rules included).

Real dev split (intent, sentiment, action macro-F1), the own corpus's dev split, the ``dev`` half
of the ISP customer-service questions (intent macro-F1 and the share that gets ``reply``; all of
them should), and a few probe texts written by us. No eval split is read: this is the table that
chooses designs (`bench/REPORT-retrain.md`).

    PYTHONPATH=$PWD .venv/bin/python bench/probe_dev.py MODEL_DIR [MODEL_DIR ...] \
        [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.nlp.data import read_isp_cs
from app.nlp.evaluation import _f1_report, evaluate_labeled
from app.nlp.finetune import corpus_split
from app.nlp.labeled import labeled_examples, read_corpus
from app.nlp.labels import INTENTS
from app.nlp.transformer import TransformerClassifier

PROBES = (
    "Internet mati nih",
    "internet saya mati dari pagi",
    "listrik padam",
    "air pdam ga ngalir",
    "token listrik ga masuk",
    "mau pasang baru",
    "cara bayar tagihan",
    "wkwk iya bener",
    "hujan deres bgt di sini",
    "@dina iya kak sama",
)


def probe(model_dir: Path, data_dir: Path) -> dict[str, object]:
    clf = TransformerClassifier.from_dir(model_dir)
    out: dict[str, object] = {"model": clf.model_version, "heads": sorted(clf.heads)}
    tasks = ("intent", "sentiment", "action")
    rep = evaluate_labeled(clf, labeled_examples(data_dir, ("dev",)))
    out["real_dev"] = {k: rep[k]["macro_f1"] for k in tasks}
    rep = evaluate_labeled(clf, [e for e in read_corpus() if corpus_split(e) == "dev"])
    out["corpus_dev"] = {k: rep[k]["macro_f1"] for k in tasks}
    isp = read_isp_cs(data_dir, "dev")
    preds = clf.predict([e.text for e in isp])
    gold = [str(e.intent) for e in isp]
    out["isp_dev_intent"] = _f1_report(gold, [p.intent for p in preds], INTENTS)["macro_f1"]
    out["isp_dev_reply_share"] = round(sum(p.action == "reply" for p in preds) / len(preds), 3)
    out["probes"] = [f"{p.intent}/{p.action}" for p in clf.predict(list(PROBES))]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dirs", type=Path, nargs="+")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    for model_dir in args.model_dirs:
        print(json.dumps(probe(model_dir, args.data_dir), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
