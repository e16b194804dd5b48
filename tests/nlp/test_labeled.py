"""Labeled real texts by id, the fixed split, the corpus, agreement and the fine-tuning parts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from app.nlp.data import Example
from app.nlp.finetune import action_from_intent, add_action_head, corpus_split, finetune_model
from app.nlp.labeled import (
    agreement,
    label_files,
    labeled_examples,
    read_corpus,
    read_label_file,
    read_labels,
    split_of,
    texts_by_id,
)
from app.nlp.labels import ACTIONS, INTENTS, SENTIMENTS


def _fake_data(root: Path) -> None:
    (root / "emotion" / "emot").mkdir(parents=True)
    (root / "emotion" / "emot" / "train.csv").write_text(
        "label,tweet\nhappy,makasih pak\nanger,jalan  rusak\n", encoding="utf-8"
    )
    (root / "sentiment" / "nusax").mkdir(parents=True)
    (root / "sentiment" / "nusax" / "train.csv").write_text(
        'id,text,label\n219,"enak, murah",positive\n', encoding="utf-8"
    )
    (root / "sentiment" / "smsa").mkdir(parents=True)
    (root / "sentiment" / "smsa" / "train.tsv").write_text(
        "bagus sekali\tpositive\nburuk\tnegative\n", encoding="utf-8"
    )
    (root / "spam" / "judol_gbennnn").mkdir(parents=True)
    (root / "spam" / "judol_gbennnn" / "comments.csv").write_text(
        "text,label\nhalo,0\nwkwk,0\n", encoding="utf-8"
    )


def test_texts_are_read_by_set_split_and_row(tmp_path: Path) -> None:
    _fake_data(tmp_path)
    ids = [
        "emot/train/1",
        "nusax/train/219",
        "smsa/train/0",
        "judol_gbennnn/comments/1",
        "emot/train/9",  # no such row
        "other/x/1",  # no such set
    ]
    assert texts_by_id(tmp_path, ids) == {
        "emot/train/1": "jalan rusak",
        "nusax/train/219": "enak, murah",
        "smsa/train/0": "bagus sekali",
        "judol_gbennnn/comments/1": "wkwk",
    }


def test_split_is_fixed_by_the_id() -> None:
    ids = [f"emot/train/{i}" for i in range(2000)]
    counts = Counter(split_of(i) for i in ids)
    assert 0.17 < counts["eval"] / 2000 < 0.23 and 0.12 < counts["dev"] / 2000 < 0.18
    assert [split_of(i) for i in ids[:50]] == [split_of(i) for i in ids[:50]]
    # Decided once: a change of salt or cut-offs would move rows between train and eval.
    assert [split_of(f"emot/train/{i}") for i in range(4)] == ["train", "train", "dev", "eval"]


def test_committed_labels_are_ids_and_labels_only() -> None:
    rows = read_labels()
    assert len(rows) >= 3000
    for path in [*label_files(), label_files()[0].parent / "agree.jsonl"]:
        for row in read_label_file(path):
            assert set(row) <= {"id", "intent", "sentiment", "action", "note"}
            assert row["intent"] in INTENTS and row["sentiment"] in SENTIMENTS
            assert row["action"] in ACTIONS


def test_labeled_examples_of_a_split(tmp_path: Path) -> None:
    _fake_data(tmp_path)
    files = tmp_path / "labels"
    files.mkdir()
    rows = [
        {"id": "emot/train/0", "intent": "apresiasi", "sentiment": "positif", "action": "reply"},
        {"id": "smsa/train/1", "intent": "kritik", "sentiment": "negatif", "action": "reply"},
    ]
    (files / "L1.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    every = labeled_examples(tmp_path, ("train", "dev", "eval"), files=label_files(files))
    assert {e.meta["id"]: (e.text, e.intent, e.action) for e in every} == {
        "emot/train/0": ("makasih pak", "apresiasi", "reply"),
        "smsa/train/1": ("buruk", "kritik", "reply"),
    }
    assert all(e.meta["split"] == split_of(e.meta["id"]) for e in every)
    only_eval = labeled_examples(tmp_path, ("eval",), files=label_files(files))
    assert all(split_of(e.meta["id"]) == "eval" for e in only_eval)


def test_a_bad_label_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "L9.jsonl"
    path.write_text(json.dumps({"id": "emot/train/0", "intent": "marah"}) + "\n")
    with pytest.raises(ValueError, match="intent"):
        read_label_file(path)


def test_agreement_kappa_per_field() -> None:
    a = {
        str(i): {"id": str(i), "intent": x, "sentiment": "netral", "action": y}
        for i, (x, y) in enumerate([("keluhan", "reply"), ("lainnya", "no_reply")] * 10)
    }
    b = {k: dict(v) for k, v in a.items()}
    b["0"]["intent"] = "lainnya"
    report = agreement(a, b)
    assert report["n"] == 20
    assert report["action"]["kappa"] == 1.0 and report["sentiment"]["kappa"] == 1.0
    assert 0.85 < report["intent"]["kappa"] < 0.95 and report["intent"]["agreement"] == 0.95


def test_eval_agreement_command(capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    assert main(["eval", "agreement"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 300 and report["intent"]["kappa"] > 0.8


def test_corpus_rows_and_split() -> None:
    corpus = read_corpus()
    assert len(corpus) >= 3000
    assert {e.intent for e in corpus} == set(INTENTS)
    assert {e.action for e in corpus} == set(ACTIONS)
    share = sum(corpus_split(e) == "dev" for e in corpus) / len(corpus)
    assert 0.1 < share < 0.2


def test_action_from_intent() -> None:
    assert action_from_intent(Example("x", "own", intent="spam")) == "hide"
    assert action_from_intent(Example("x", "judol_gbennnn", intent="spam")) == "hide"
    assert action_from_intent(Example("x", "own-formal", intent="keluhan")) == "reply"
    assert action_from_intent(Example("x", "own", intent="lainnya")) == "no_reply"
    assert action_from_intent(Example("x", "smsa-train", intent=("keluhan", "kritik"))) is None
    assert action_from_intent(Example("x", "real-emot", intent="lainnya", action="hide")) == "hide"


def test_action_head_is_added_and_keeps_the_old_outputs(tiny_model_dir: Path) -> None:
    import torch
    from transformers import AutoModelForSequenceClassification

    from app.nlp.training import label_names

    model = AutoModelForSequenceClassification.from_pretrained(tiny_model_dir).eval()
    assert add_action_head(model) is model  # the tiny model already has one
    names = [n for n in label_names() if not n.startswith("action:")]
    small = torch.nn.Linear(model.classifier.in_features, len(names))
    model.classifier = small
    model.config.id2label = dict(enumerate(names))
    ids = torch.tensor([[2, 5, 6, 3]])
    before = model(input_ids=ids).logits
    model = add_action_head(model)
    after = model(input_ids=ids).logits
    assert after.shape[1] == len(names) + 3
    assert torch.allclose(before, after[:, : len(names)])
    assert model.config.id2label[len(names)] == "action:reply"


def test_finetune_runs_end_to_end_on_the_tiny_model(tiny_model_dir: Path, tmp_path: Path) -> None:
    from app.nlp.transformer import TransformerClassifier

    _fake_data(tmp_path / "data")
    out = tmp_path / "ft"
    result = finetune_model(
        data_dir=tmp_path / "data", init=tiny_model_dir, output=out, epochs=1, base_sample=0,
        limit=64,
    )  # fmt: skip
    assert [h["epoch"] for h in result["history"]] == [0.0, 0.5, 1.0]
    config = json.loads((out / "config.json").read_text())
    assert config["tanggap_finetune"]["kept_epoch"] in (0.0, 0.5, 1.0)
    assert set(config["tanggap_temperatures"]) == {"intent", "sentiment", "abusive", "action"}
    [p] = TransformerClassifier.from_dir(out).predict(["kapan bansos cair?"])
    assert set(p.scores["action"]) == set(ACTIONS)


def test_model_card_shows_the_fine_tuning_decision(tiny_model_dir: Path, tmp_path: Path) -> None:
    import shutil

    from app.nlp.evaluation import DECISION_FILE, write_model_card

    folder = tmp_path / "card"
    shutil.copytree(tiny_model_dir, folder)
    decision = {
        "rule": "ship when better on held-out real sets",
        "command": "tanggap train --init models/tanggap-mini",
        "models": [
            {"model_version": "old-1", "intent": 15.7, "spam": 0.96},
            {"model_version": "new-2", "intent": 40.1, "spam": 0.97},
        ],
        "outcome": "shipped new-2",
    }
    (folder / DECISION_FILE).write_text(json.dumps(decision))
    card = write_model_card(folder, {"model_version": "new-2"}).read_text()
    assert "## Fine-tuning decision" in card
    assert "| `new-2` | 40.1 | 0.97 |" in card and "shipped new-2" in card


def test_isp_questions_are_split_once_and_mapped(tmp_path: Path) -> None:
    from app.nlp.data import ISP_CS_INTENT, isp_cs_split, read_isp_cs

    assert [isp_cs_split(i) for i in range(8)] == [isp_cs_split(i) for i in range(8)]
    share = sum(isp_cs_split(i) == "dev" for i in range(2000)) / 2000
    assert 0.45 < share < 0.55
    folder = tmp_path / "intent" / "isp_cs"
    folder.mkdir(parents=True)
    rows = ["internet mati,Problem", "harga paket?,Information", "halo,Unknown", "ganti pw,Request"]
    (folder / "questions.csv").write_text(
        "question_list,label\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    got = read_isp_cs(tmp_path, "dev") + read_isp_cs(tmp_path, "eval")
    assert sorted((e.text, e.intent) for e in got) == [
        ("ganti pw", "pertanyaan"),
        ("harga paket?", "pertanyaan"),
        ("internet mati", "keluhan"),
    ]
    assert {e.meta["row"] for e in read_isp_cs(tmp_path, "dev")} == {
        str(i) for i in range(4) if isp_cs_split(i) == "dev" and i != 2
    }
    assert "Unknown" not in ISP_CS_INTENT
