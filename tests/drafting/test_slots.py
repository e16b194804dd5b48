"""Reading comments for slots: service, place, wait, reference, focus, problem, personal data."""

from __future__ import annotations

import pytest

from app.drafting.slots import SlotReader
from app.nlp.classifier import Prediction
from tests.drafting.conftest import PROMPTS


@pytest.fixture(scope="module")
def reader() -> SlotReader:
    return SlotReader.from_dir(PROMPTS)


def _p(intent: str = "keluhan", sentiment: str = "negatif", **kw: object) -> Prediction:
    return Prediction(intent=intent, sentiment=sentiment, abusive=False, **kw)  # type: ignore[arg-type]


def test_a_delay_complaint(reader: SlotReader) -> None:
    s = reader.read(
        "Antre di kantor kecamatan Sukajadi dari jam 7 sampai jam 12, KTP belum jadi", _p()
    )
    assert s.service == "ktp-el" and s.place == "kecamatan Sukajadi"
    assert s.wait == "dari jam 7 sampai jam 12" and s.office_given and not s.reference


def test_ages_and_past_dates_are_not_waits(reader: SlotReader) -> None:
    assert reader.read("KTP-el saya pudar padahal baru 3 tahun", _p()).wait == ""
    assert reader.read("Ibu saya wafat tiga hari lalu", _p()).wait == ""
    assert reader.read("udah 2 bulan belum jadi", _p()).wait == "2 bulan"


def test_reference_numbers_and_questions(reader: SlotReader) -> None:
    assert reader.read("statusnya masih verifikasi. No reg AKL-778812", _p()).reference
    s = reader.read("min hari sabtu buka sampai jam berapa?", _p("pertanyaan", "netral"))
    assert s.focus[:2] == ("sabtu", "hours") and s.question


def test_out_of_remit_services_and_their_office(reader: SlotReader) -> None:
    s = reader.read("lampu jalan di gang Mawar mati", _p())
    assert s.service == "lampu-jalan" and s.general_office
    assert s.place == ""  # a street is an address: never named back


def test_personal_data_from_the_classifier_spans(reader: SlotReader) -> None:
    text = "tinggal di Jl. Melati No. 12, KK alamatnya beda"
    spans = [{"type": "address", "start": 11, "end": 28}]
    s = reader.read(text, _p(pii=spans))
    assert s.pii == ("address",) and s.pii_texts == ("Jl. Melati No. 12",)
    assert s.pii_phrase == "alamat rumah" and s.problem == "data"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("cepet banget ya, cuma dua minggu buat KK doang 👏", "sarcasm"),
        ("Turut berduka cita, semoga keluarga tabah", "grief"),
        ("Bapak saya meninggal minggu lalu", "death"),
        ("awas kalian, kantor kalian saya bakar", "threat"),
        ("coblos paslon nomor 1 di pilkada", "election"),
        ("wd 3jt cair lagi, modal 20rb jadi jutaan", "gambling"),
        ("@dewi.kusuma itu lho", "chatter"),
    ],
)
def test_hard_cases(reader: SlotReader, text: str, flag: str) -> None:
    assert getattr(reader.read(text, _p()), flag)
