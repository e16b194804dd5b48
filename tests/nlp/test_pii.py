"""Personal data detection: what is found, and look-alikes that are not personal data."""

from __future__ import annotations

import pytest

from app.nlp.labels import PII_TYPES
from app.nlp.pii import find_pii, pii_owner, valid_nik


def spans(text: str) -> list[tuple[str, str]]:
    return [(f["type"], text[f["start"] : f["end"]]) for f in find_pii(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIK saya 3578014506900002 kok belum terdaftar", "3578014506900002"),  # woman: 45 -> 5
        ("nik: 3578 0105 0690 0002", "3578 0105 0690 0002"),
        ("no KK 35.78.01.010690.0002 tolong dicek", "35.78.01.010690.0002"),
        ("ktp 357801-010690-0002", "357801-010690-0002"),
        ("3173011212850003", "3173011212850003"),
    ],
)
def test_nik_in_its_written_forms(text: str, expected: str) -> None:
    assert spans(text) == [("nik", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "no pesanan 3578014506900002 belum dikirim",  # an order number with a NIK's shape
        "invoice 3173011212850003 sudah dibayar",
        "tagihan 1234567890123456 kok naik",  # 16 digits, no real province/date
        "nomor resi JP3578014506900002",
        "9978014506900002",  # province 99 does not exist
        "3578003206900002",  # district 00
        "3578011313900002",  # month 13
        "3578013002900002",  # 30 February
        "3578010106900000",  # serial 0000
        "35780101069000021",  # 17 digits
        "kartu kredit 3578014506900002",
    ],
)
def test_look_alikes_are_not_a_nik(text: str) -> None:
    assert [t for t, _ in spans(text)] != ["nik"]
    assert "nik" not in [t for t, _ in spans(text)]


def test_nik_structure() -> None:
    assert valid_nik("3578017101900001")  # a woman born 31 January (71 = 31 + 40)
    assert not valid_nik("3578017201900001")  # 72 - 40 = 32
    assert not valid_nik("357801710190000")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wa aja ke 081234567890 ya", "081234567890"),
        ("hubungi 0812-3456-7890", "0812-3456-7890"),
        ("nomor saya +62 812 3456 7890", "+62 812 3456 7890"),
        ("+6281234567890", "+6281234567890"),
        ("hp 6281234567890", "6281234567890"),
        ("telp kantor (031) 5678123", "(031) 5678123"),
        ("kantor kelurahan 021-7654321", "021-7654321"),
        ("telp 0274 512345", "0274 512345"),
        ("0857.1234.5678 a.n. budi", "0857.1234.5678"),
    ],
)
def test_phone_numbers(text: str, expected: str) -> None:
    assert spans(text) == [("phone", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "tanggal 12-05-2024 jam 08.30 antre",
        "harganya Rp 150.000, mahal banget",
        "bayar 1.250.000 tiap bulan",
        "resi 081234567890123 belum update",  # a tracking number starting with 08
        "kode pesanan 081234567890",
        "order id 0212345678",
        "kode pos 60111",
        "tahun 2023 sampai 2025",
        "6281234567890 hasilnya",  # 62... without + and without a phone word
        "0800123456",  # not an operator prefix
        "nomor antrean 0023",
        "skor 0-3 lagi wkwk",
    ],
)
def test_look_alikes_are_not_a_phone(text: str) -> None:
    assert spans(text) == []


def test_email() -> None:
    text = "kirim ke budi.santoso+kk@mail.example.co.id ya, bukan ke @budi.santoso"
    assert spans(text) == [("email", "budi.santoso+kk@mail.example.co.id")]
    assert spans("halo @admin_dukcapil mohon info") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rumahnya di Jl. Melati No. 12 kalau mau datang", "Jl. Melati No. 12"),
        ("alamat: Jalan Raya Darmo Permai no 45A", "Jalan Raya Darmo Permai no 45A"),
        ("Gg. Mawar III No.7 RT 03/RW 05", "Gg. Mawar III No.7 RT 03/RW 05"),
        ("jln sudirman nomor 10, rt 3 rw 5 kelurahan x", "jln sudirman nomor 10, rt 3 rw 5"),
        ("Jl Kenanga RT.003/RW.005", "Jl Kenanga RT.003/RW.005"),
    ],
)
def test_street_addresses(text: str, expected: str) -> None:
    assert spans(text) == [("address", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "jalan di depan sekolah rusak parah",
        "warga RT 03 RW 05 kebanjiran lagi",
        "jalan-jalan ke alun-alun no comment deh",
        "gang sempit, mobil damkar susah masuk",
    ],
)
def test_not_a_street_address(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("transfer ke rek BCA 1234567890 a.n. Budi", "1234567890"),
        ("no rek: 123-456-7890", "123-456-7890"),
        ("norek mandiri 1370012345678", "1370012345678"),
        ("nomor rekening bank BRI syariah 0021 0100 1234 567", "0021 0100 1234 567"),
    ],
)
def test_bank_accounts(text: str, expected: str) -> None:
    assert spans(text) == [("bank_account", expected)]


def test_a_number_without_an_account_word_is_not_an_account() -> None:
    assert spans("sudah bayar 1234567890 kali wkwk") == []


def test_types_offsets_and_several_kinds() -> None:
    text = "NIK 3578014506900002, hp 081234567890, email a@b.id, Jl. Melati No. 12"
    found = find_pii(text)
    assert [f["type"] for f in found] == ["nik", "phone", "email", "address"]
    assert all(f["type"] in PII_TYPES for f in found)
    assert [f["start"] for f in found] == sorted(f["start"] for f in found)
    assert find_pii("") == []


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("nomor saya 081234567890, tolong dihubungi", "self"),
        ("hubungi aku di 081234567890", "self"),
        ("ini nomor penipunya 081234567890 sebarin aja", "other"),
        ("alamat rumahnya Jl. Melati No. 12, datangi aja", "other"),
        ("rekening pelaku BCA 1234567890", "other"),
        ("ini nomor saya 081234567890", "self"),
        ("081234567890", "unknown"),
    ],
)
def test_owner_of_the_data(text: str, owner: str) -> None:
    found = find_pii(text)
    assert len(found) == 1
    assert pii_owner(text, found[0]) == owner
