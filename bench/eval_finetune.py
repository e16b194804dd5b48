"""The ship decision of `tanggap train --init`: one model folder on the held-out sets.

Own real eval split (intent, sentiment, action macro-F1), our Surabaya intent labels, the ``eval``
half of the ISP customer-service questions (intent mapped from the set's own labels, see
`app.nlp.data.ISP_CS_INTENT`; all of them should get ``reply``), SmSA valid
(sentiment; it was used for model selection before, so it is not a blind measure), and seeded
samples of the spam sets (1,500 of the judol_gbennnn hold-out, 2,500 of judol_nafhanugm: the
full sets take too long on 2 shared cores). Prints a summary and writes the full JSON report.

    PYTHONPATH=$PWD .venv/bin/python bench/eval_finetune.py MODEL_DIR OUT.json \
        [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

from app.nlp.data import (
    read_isp_cs,
    read_judol_gbennnn,
    read_judol_nafhanugm,
    read_smsa,
    surabaya_intent_eval,
)
from app.nlp.evaluation import _binary, _f1_report, _predict, evaluate_labeled
from app.nlp.labeled import labeled_examples
from app.nlp.labels import INTENTS, SENTIMENTS
from app.nlp.transformer import TransformerClassifier

GBENNNN_SAMPLE = 1500
NAFHANUGM_SAMPLE = 2500
SEED = 5


def _reply_share(preds: list[Any]) -> float:
    """The share of predictions whose action is ``reply``."""
    return round(sum(p.action == "reply" for p in preds) / max(1, len(preds)), 4)


def evaluate(model_dir: Path, root: Path) -> dict[str, Any]:
    clf = TransformerClassifier.from_dir(model_dir)
    rep: dict[str, Any] = {"model_version": clf.model_version}
    started = time.time()
    rep["own_real_eval"] = evaluate_labeled(clf, labeled_examples(root, ("eval",)))
    sby = surabaya_intent_eval(root)
    preds = _predict(clf, sby)
    rep["intent_surabaya_own_labels"] = _f1_report(
        [str(e.intent) for e in sby], [p.intent for p in preds], INTENTS
    )
    rep["action_surabaya"] = {
        "n": len(preds),
        "share_reply": _reply_share(preds),
    }
    isp = read_isp_cs(root, "eval")
    preds = _predict(clf, isp)
    rep["intent_isp_cs_eval"] = _f1_report(
        [str(e.intent) for e in isp], [p.intent for p in preds], INTENTS
    )
    rep["action_isp_cs_eval"] = {
        "n": len(preds),
        "share_reply": _reply_share(preds),
    }
    smsa = read_smsa(root, "valid")
    preds = _predict(clf, smsa)
    rep["sentiment_smsa_valid"] = _f1_report(
        [str(e.sentiment) for e in smsa], [p.sentiment for p in preds], SENTIMENTS
    )
    _, held = read_judol_gbennnn(root)
    held = random.Random(SEED).sample(held, min(GBENNNN_SAMPLE, len(held)))
    preds = _predict(clf, held)
    rep["spam_judol_gbennnn_heldout"] = _binary(
        [e.intent == "spam" for e in held], [p.intent == "spam" for p in preds]
    )
    naf = read_judol_nafhanugm(root)
    naf = random.Random(SEED).sample(naf, min(NAFHANUGM_SAMPLE, len(naf)))
    preds = _predict(clf, naf)
    rep["spam_judol_nafhanugm"] = _binary(
        [e.intent == "spam" for e in naf], [p.intent == "spam" for p in preds]
    )
    rep["seconds"] = round(time.time() - started)
    return rep


def summary(rep: dict[str, Any]) -> dict[str, Any]:
    real = rep["own_real_eval"]
    return {
        "model_version": rep["model_version"],
        "own_real_eval": {k: real[k]["macro_f1"] for k in ("intent", "sentiment", "action")},
        "intent_surabaya": rep["intent_surabaya_own_labels"]["macro_f1"],
        "reply_share_surabaya": rep["action_surabaya"]["share_reply"],
        "intent_isp_cs_eval": rep["intent_isp_cs_eval"]["macro_f1"],
        "reply_share_isp_cs_eval": rep["action_isp_cs_eval"]["share_reply"],
        "sentiment_smsa_valid": rep["sentiment_smsa_valid"]["macro_f1"],
        "spam_f1_gbennnn_sample": rep["spam_judol_gbennnn_heldout"]["f1"],
        "spam_f1_nafhanugm_sample": rep["spam_judol_nafhanugm"]["f1"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    rep = evaluate(args.model_dir, args.data_dir)
    args.output.write_text(json.dumps(rep, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(summary(rep)))


if __name__ == "__main__":
    main()
