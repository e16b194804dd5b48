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


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("tukang parkir liar di pinggir jalan minta tarif parkir 3 ribu", "parkir"),
        ("karcis parkir yang dikasih jukir sudah lewat tanggal", "parkir"),
        ("ada 5 titik lampu yang padam di gang kami", "lampu-jalan"),
        ("tetangga setel musik keras sampai tengah malam, bising sekali", "ketertiban"),
        ("marka jalan di perempatan sudah pudar", "marka"),
        ("mohon ada patroli malam, banyak begal akhir-akhir ini", "keamanan"),
        ("tagihan air bulan ini naik padahal meter air baru diganti", "pdam"),
        ("data MBR keluarga saya hilang dari daftar", "bansos"),
        ("di kampung banyak nyamuk, minta fogging", "kesehatan"),
        ("konsolidasi data anak saya belum selesai", "verifikasi-nik"),
    ],
)
def test_services_outside_a_civil_registry_are_named(
    reader: SlotReader, text: str, service: str
) -> None:
    assert reader.read(text, _p()).service == service


def test_landmarks_and_look_alike_words_are_not_services(reader: SlotReader) -> None:
    # A hospital as a landmark is not a health complaint; a parking zone fee is not school
    # zoning; "calon" (fiance) is not "calo" (a broker).
    assert reader.read("jalan berlubang di depan rumah sakit umum", _p()).service == "jalan-rusak"
    assert reader.read("petugas minta tarif zonasi parkir 5 ribu", _p()).service == "parkir"
    assert reader.read("calon suami saya belum digaji majikannya", _p()).problem != "fee"
    assert reader.read("calonya nawarin KTP jadi cepat", _p()).problem == "fee"


def test_requests_for_action_are_read(reader: SlotReader) -> None:
    assert reader.read("mohon bantuan untuk merapikan taman di RW kami", _p()).request
    assert reader.read("tolong ditindaklanjuti laporan saya minggu lalu", _p()).request
    assert reader.read("laporan saya belum ditindak lanjuti", _p()).request
    assert not reader.read("petugasnya ramah, tolong dipertahankan ya", _p()).request
    assert not reader.read("makasih min, KTP saya sudah jadi", _p()).request
