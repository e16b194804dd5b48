"""The shipped model gives a text the same labels alone and inside any mixed batch."""

from __future__ import annotations

import random

import pytest

from app.config import ROOT

MODEL_DIR = ROOT / "models" / "tanggap-mini"
pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not (MODEL_DIR / "config.json").is_file(), reason="no shipped model"),
]

TEXTS = [
    "min",
    "halo kak 🙏",
    "makasih banyak pak, cepet banget prosesnya",
    "cepet banget ya, cuma 2 minggu 👏",
    "KTP saya sudah 3 bulan belum jadi, kapan bisa diambil?",
    "lampu jalan di gang 5 mati sudah seminggu tolong diperbaiki",
    "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 hari ini pasti maxwin, depo 10rb langsung wd",
    "@budi_88 wkwk iya bener bang, kemarin aku juga lihat",
    "dasar pejabat goblok bangsat",
    "sebaiknya antrean dibuat online saja biar tidak numpuk di kantor",
    "Yth. Bapak/Ibu Dinas Pekerjaan Umum, dengan hormat kami warga RT 03 RW 05 Kelurahan "
    "Sukamaju menyampaikan bahwa saluran air di sepanjang jalan utama kampung kami tersumbat "
    "sampah dan lumpur sejak awal bulan, sehingga setiap hujan deras air meluap ke rumah "
    "warga dan jalan tergenang hingga selutut. Kami sudah melapor ke kelurahan dua kali "
    "namun belum ada tindak lanjut. Mohon kiranya dapat segera dikirim petugas untuk "
    "membersihkan saluran tersebut. Atas perhatian Bapak/Ibu kami ucapkan terima kasih.",
    "turut berduka cita sedalam-dalamnya, semoga almarhum husnul khotimah",
    "sinyal internet di desa kami hilang terus dari kemarin, gimana ini?",
    "pelayanannya lambat, petugasnya main hp terus",
]


@pytest.fixture(scope="module")
def clf():
    from app.nlp.transformer import TransformerClassifier

    return TransformerClassifier.from_dir(MODEL_DIR)


def test_a_text_gets_the_same_labels_alone_and_in_mixed_batches(clf) -> None:
    from app.nlp.commands import default_texts

    alone = [clf.predict([t])[0] for t in TEXTS]
    rng = random.Random(3)
    others = default_texts(150, seed=11)
    for batch_size in (64, 8):
        clf.batch_size = batch_size
        mixed = list(TEXTS) + rng.sample(others, 100)
        order = list(range(len(mixed)))
        rng.shuffle(order)
        preds = clf.predict([mixed[i] for i in order])
        by_text = {i: p for i, p in zip(order, preds, strict=True)}
        for i, one in enumerate(alone):
            got = by_text[i]
            assert (got.intent, got.sentiment, got.abusive, got.action) == (
                one.intent,
                one.sentiment,
                one.abusive,
                one.action,
            ), TEXTS[i]
            for task in ("intent", "sentiment", "action"):
                for label, p in one.scores[task].items():
                    assert got.scores[task][label] == pytest.approx(p, abs=1e-3), TEXTS[i]
            assert got.scores["abusive"] == pytest.approx(one.scores["abusive"], abs=1e-3)
    clf.batch_size = 64
