"""Knowledge base: parsing YAML/CSV and retrieval."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from app.drafting.knowledge import KbFormatError, KbIndex, KbItem, parse


@pytest.fixture(scope="module")
def index(demo_file) -> KbIndex:  # type: ignore[no-untyped-def]
    return KbIndex(demo_file.entries, embedder=None)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("min hari sabtu buka gak ya?", "jam-layanan"),
        ("cara daftar antrian online gimana kak", "antrean-online"),
        ("ktp saya patah, gimana gantinya?", "ktp-el-rusak"),
        ("dompet hilang sama ktp nya, urusnya gimana", "ktp-el-hilang"),
        ("syarat akte kelahiran apa aja min", "akta-kelahiran"),
        ("baru pindah ke sukamaju, ktp masih alamat lama", "pindah-datang"),
        ("gimana cara aktivasi ktp digital?", "ikd"),
        ("bikin ktp bayar berapa min?", "biaya-layanan"),
    ],
)
def test_lexical_retrieval_finds_the_entry(index: KbIndex, text: str, slug: str) -> None:
    hit = index.best(text)
    assert hit is not None and hit.item.slug == slug


@pytest.mark.parametrize(
    "text",
    ["kapan bansos tahap 3 cair?", "lampu jalan mati sudah seminggu", "halo min selamat pagi"],
)
def test_unrelated_questions_get_no_entry(index: KbIndex, text: str) -> None:
    assert index.best(text) is None


class FakeEmbedder:
    """Maps texts to axes by keyword, to check the semantic half of the score is used."""

    name = "fake"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> Any:
        self.calls += 1
        if self.fail:
            raise RuntimeError("model crashed")
        rows = []
        for text in texts:
            low = text.lower()
            vec = np.array(
                [("sepuh" in low or "lansia" in low) * 1.0, ("kucing" in low) * 1.0, 0.1]
            )
            rows.append(vec / np.linalg.norm(vec))
        return np.stack(rows)


ITEMS = [
    KbItem(
        question="Layanan untuk lansia di rumah", answer="Ada jemput bola.", keywords=("rekam",)
    ),
    KbItem(question="Rekam KTP-el di kantor", answer="Datang ke kantor.", keywords=("rekam",)),
]


def test_embeddings_break_lexical_ties() -> None:
    text = "nenek sudah sepuh, bisa rekam?"
    lexical = KbIndex(ITEMS, embedder=None).search(text)
    hybrid = KbIndex(ITEMS, embedder=FakeEmbedder()).search(text)
    assert hybrid[0].item is ITEMS[0]
    assert hybrid[0].semantic is not None and lexical[0].semantic is None
    assert hybrid[0].score > hybrid[1].score


def test_failing_embedder_falls_back_to_lexical() -> None:
    embedder = FakeEmbedder(fail=True)
    hits = KbIndex(ITEMS, embedder=embedder).search("rekam ktp di kantor")
    assert embedder.calls == 1  # tried once at build time, then lexical only
    assert hits[0].item is ITEMS[1] and hits[0].semantic is None


def test_parse_yaml_and_csv() -> None:
    yaml_text = """
account: {name: kota-x, institution_name: Dinas X}
entries:
  - {slug: a, question: "Jam buka?", answer: "Senin-Jumat.", keywords: [jam, buka], link: "https://x.example"}
"""
    parsed = parse(yaml_text)
    assert parsed.account == {"name": "kota-x", "institution_name": "Dinas X"}
    assert parsed.entries[0].keywords == ("jam", "buka")
    csv_text = "question,answer,keywords,link\nJam buka?,Senin-Jumat.,jam; buka,https://x.example\n"
    parsed = parse(csv_text, filename="kb.csv")
    assert parsed.entries[0].keywords == ("jam", "buka")
    assert parsed.entries[0].link == "https://x.example"
    assert parse("- {question: q, answer: a}").entries[0].question == "q"


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("entries:\n  - {question: tanpa jawaban}", "yaml"),
        ("entries: [1, 2]", "yaml"),
        ("just a string", "yaml"),
        ("key: [unclosed", "yaml"),
        ("pertanyaan,jawaban\na,b\n", "csv"),
        ("question,answer\n,kosong\n", "csv"),
    ],
)
def test_invalid_kb_files_are_rejected(text: str, fmt: str) -> None:
    with pytest.raises(KbFormatError):
        parse(text, fmt=fmt)
