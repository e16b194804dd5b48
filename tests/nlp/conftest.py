"""Fixtures for the NLP tests: a tiny random checkpoint with the Tanggap label config."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = [
    "jalan rusak mohon diperbaiki",
    "terima kasih pak wali kota",
    "kapan bansos cair min?",
    "slot gacor maxwin daftar sekarang",
    "pelayanan lambat sekali",
    "sebaiknya ada antrian online",
    "wkwk lucu banget",
] * 5


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, hidden-32 BERT with a WordPiece tokenizer trained here; random weights."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    from app.nlp.training import label_names

    path = tmp_path_factory.mktemp("tiny-model")
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
    tok.train_from_iterator(
        CORPUS, trainers.WordPieceTrainer(vocab_size=200, special_tokens=specials)
    )
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="[PAD]",
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        model_max_length=64,
    )
    names = label_names()
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=fast.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        id2label=dict(enumerate(names)),
        label2id={n: i for i, n in enumerate(names)},
        pad_token_id=0,
    )
    config.tanggap_temperatures = {"intent": 1.0, "sentiment": 2.0, "abusive": 1.0}
    config.tanggap_max_length = 64
    model = BertForSequenceClassification(config)
    model.save_pretrained(path)
    fast.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_classifier(tiny_model_dir: Path):
    from app.nlp.transformer import TransformerClassifier

    return TransformerClassifier.from_dir(tiny_model_dir)
