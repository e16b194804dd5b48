"""`tanggap classify` streaming and the benchmark helper on the tiny checkpoint."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from app.nlp import commands


def test_classify_streams_jsonl_and_reports_bad_lines(
    tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    # 600 lines of mixed length at batch 16: several read windows, each sorted by length inside.
    lines = [
        json.dumps({"id": i, "text": f"jalan rusak nomor {i} " + "parah " * (i % 11)})
        for i in range(600)
    ]
    lines.insert(300, "{not json")
    lines.insert(3, json.dumps({"id": "x", "text": 5}))
    lines.insert(10, "")
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    args = argparse.Namespace(input=src, output=out, batch_size=16, model_dir=tiny_model_dir)
    assert commands.classify(args) == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(rows) == 602
    good = [r for r in rows if "error" not in r]
    assert [r["id"] for r in good] == list(range(600))
    assert [i for i, r in enumerate(rows) if "error" in r] == [3, 301]
    assert {"intent", "sentiment", "abusive", "action", "action_reason", "pii", "scores"} <= set(
        good[0]
    )
    errors = [r for r in rows if "error" in r]
    assert len(errors) == 2
    assert errors[0]["id"] is None or errors[0]["id"] == "x"
    err = capsys.readouterr().err
    assert "line 4" in err and "2 bad lines" in err and "classified 600" in err


def test_classify_to_stdout(
    tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "terima kasih"}) + "\n")
    args = argparse.Namespace(input=src, output=None, batch_size=64, model_dir=tiny_model_dir)
    assert commands.classify(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and json.loads(out[0])["id"] == "a"


def test_benchmark_reports_both_models(tiny_model_dir: Path, monkeypatch) -> None:
    import transformers

    real = transformers.BertConfig

    def small(**kw):  # keep the test fast: shrink the reference, same code path
        kw.update(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64)
        return real(**kw)

    monkeypatch.setattr(transformers, "BertConfig", small)
    result = commands.run_benchmark(
        tiny_model_dir, commands.default_texts(40), batch_size=8, n_single=10, n_reference_single=5
    )
    assert result["ours"]["batched_per_s"] > 0
    assert result["ours"]["p50_ms"] <= result["ours"]["p99_ms"]
    assert result["reference_bert_12x768"]["batched_per_s"] > 0
    assert result["ratio_batched"] > 0
