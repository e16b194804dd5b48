"""The drafter's second look at the action, and the routes that must never promise anything:
misuse of funds to the inspectorate, police matters to 110, an ambiguous topic to LAPOR!, a
city media centre naming its own offices, a ticket number never asked for again."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.drafting.composer import PlanDrafter
from app.drafting.drafter import AccountProfile, DraftContext
from app.drafting.evaluation import PROMISE
from app.drafting.knowledge import load_path
from app.drafting.planner import FLAG_HIDE_PII
from app.drafting.text import fold
from tests.drafting.conftest import PROMPTS, pii_span, request


def no_promise(text: str | None) -> bool:
    return not any(fold(p) in fold(text or "") for p in PROMISE)


@pytest.fixture(scope="module")
def pemkot() -> DraftContext:
    file = load_path(Path(PROMPTS) / "knowledge" / "demo-pemkot.yaml")
    data = file.account or {}
    profile = AccountProfile(
        name="demo-pemkot",
        institution_name=str(data["institution_name"]),
        channels=dict(data["channels"]),
        preferences=dict(data["preferences"]),
    )
    return DraftContext(profile=profile, kb=tuple(file.entries))


def test_personal_data_with_a_request_is_answered_though_the_label_says_no_reply(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "KK saya belum dicetak juga, NIK 3273011203900004, tolong dicek min"
    req = request(
        text, "keluhan", action="no_reply", pii=[pii_span(text, "3273011203900004", "nik")]
    )
    result = drafter.draft(req, demo)
    assert result.action == "reply" and "privacy" in result.acts
    assert FLAG_HIDE_PII in result.flags and "3273011203900004" not in (result.text or "")


def test_street_racing_goes_to_the_police_without_a_promise(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "tiap malam minggu ada balap liar di jalan depan perumahan, bising dan bahaya"
    result = drafter.draft(request(text, "lainnya", action="no_reply"), demo)
    assert result.action == "reply"
    assert "110" in (result.text or "") and "Polsek" in (result.text or "")
    assert no_promise(result.text)


def test_news_talk_about_corruption_stays_unanswered(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "nonton berita korupsi lagi, capek dengernya"
    assert drafter.draft(request(text, "lainnya", action="no_reply"), demo).action == "no_reply"


def test_misuse_of_aid_funds_is_routed_to_the_inspectorate_not_thanked_as_a_suggestion(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "Dana bansos di RT kami dipotong 100 ribu per orang sama pengurus. Tolong ditindak"
    result = drafter.draft(request(text, "saran"), demo)
    body = result.text or ""
    assert result.action == "reply" and "Inspektorat Kota Sukamaju" in body and "LAPOR!" in body
    assert "usul" not in body.lower() and "saran" not in body.lower() and no_promise(body)


@pytest.mark.parametrize(
    "text",
    [
        "Baksonya enak banget, kuahnya gurih, harganya juga murah. Recommended!",
        "wkwk filmnya semalem seru parah, besok nonton lagi ah",
        "sinyal provider di rumah jelek banget dari kemarin, paket data jadi percuma",
    ],
)
def test_reviews_and_chatter_not_addressed_to_anyone_get_no_reply(
    drafter: PlanDrafter, demo: DraftContext, text: str
) -> None:
    for intent in ("apresiasi", "keluhan", "lainnya"):
        result = drafter.draft(request(text, intent, action="reply"), demo)
        assert (result.action, result.reason) == ("no_reply", "not_addressed"), intent


def test_comments_to_the_account_keep_their_reply(drafter: PlanDrafter, demo: DraftContext) -> None:
    for text, intent in (
        ("terima kasih pelayanannya cepat", "apresiasi"),
        ("petugasnya ramah, makasih", "apresiasi"),
        ("ac di ruang tunggu mati, panas banget", "keluhan"),
    ):
        assert drafter.draft(request(text, intent), demo).action == "reply", text


def test_a_delay_with_a_registration_number_is_acknowledged_and_never_asked_again(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "KTP-el saya sudah 5 minggu belum jadi, no reg KTP-2025-00412. gimana ini"
    result = drafter.draft(request(text, "lainnya", "negatif"), demo)
    body = result.text or ""
    assert result.action == "reply" and "5 minggu" in body
    assert "kirim nomor registrasi" not in body.lower() and "nomor registrasinya lewat" not in body
    assert "nggak perlu dikirim ulang" in body or "tinggal sebut nomor itu" in body
    assert no_promise(body)


def test_a_ticket_of_an_earlier_report_elsewhere_says_where_to_follow_it(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = (
        "Sudah lapor jalan berlubang di jalan Kenanga, no tiket 2291/LPR/X/2025, belum diperbaiki"
    )
    result = drafter.draft(request(text, "keluhan", "negatif"), demo)
    body = result.text or ""
    assert "Dinas PUPR Kota Sukamaju" in body and "nomor tiket" in body.lower()
    assert "kirim nomor" not in body.lower() and no_promise(body)


def test_two_topics_for_two_offices_name_no_office(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "Lampu jalan di gang Melati mati dan saluran airnya mampet, kalau hujan banjir"
    body = drafter.draft(request(text, "keluhan", "negatif"), demo).text or ""
    assert "LAPOR!" in body and "Dinas Perhubungan" not in body and "Dinas PUPR" not in body
    # The risk a comment names does not make it ambiguous: the lamp is reported.
    lamp = "lampu penerangan jalan di perempatan Cempaka mati total, rawan begal"
    assert "Dinas Perhubungan" in (
        drafter.draft(request(lamp, "keluhan", "negatif"), demo).text or ""
    )


def test_an_abbreviation_is_not_a_topic(drafter: PlanDrafter, demo: DraftContext) -> None:
    # "dpt" is also short for "dapat": it never sends a parcel scam to the election commission.
    text = "saya diminta bayar pajak paket ke rekening pribadi supaya dpt menerima paket, benar?"
    body = drafter.draft(request(text, "keluhan", "negatif"), demo).text or ""
    assert "KPU" not in body and "pemilih" not in body


def test_a_city_media_centre_names_its_own_offices_without_not_our_remit(
    drafter: PlanDrafter, pemkot: DraftContext
) -> None:
    result = drafter.draft(request("PJU di gang kami padam sejak minggu lalu", "keluhan"), pemkot)
    body = result.text or ""
    assert "Dinas Perhubungan Kota Sukamaju" in body and "lapor.sukamaju.example" in body
    assert "bukan kewenangan" not in body and "bukan Media Center" not in body
    assert no_promise(body)
    unknown = drafter.draft(request("tetangga bakar sampah plastik tiap sore", "keluhan"), pemkot)
    assert unknown.action == "reply" and no_promise(unknown.text)


def test_no_act_variant_promises_anything() -> None:
    text = (Path(PROMPTS) / "acts.v1.yaml").read_text(encoding="utf-8")
    body = text[text.index("acts:") :]
    assert no_promise(body), [p for p in PROMISE if fold(p) in fold(body)]


def test_a_broken_app_labelled_a_suggestion_is_answered_as_a_complaint(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "tidak bisa login di aplikasi antrean, daftar akun baru katanya NIK sudah terdaftar"
    result = drafter.draft(request(text, "saran"), demo)
    assert result.action == "reply"
    assert "saran" not in fold(result.text or "") and "masukan" not in fold(result.text or "")


def test_a_question_to_an_office_left_unlabelled_is_not_answered_with_a_greeting(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "apakah dinas sosial ada program pelatihan kerja untuk warga difabel"
    result = drafter.draft(request(text, "lainnya"), demo)
    assert result.action == "reply"
    assert "menyapa" not in fold(result.text or "")
    assert no_promise(result.text)


@pytest.mark.parametrize(
    "text",
    ["ada beberapa lubang di jalan dekat taman kota", "jalan tidak rata, bahaya buat pengendara"],
)
def test_road_damage_written_the_other_way_round_is_routed(
    drafter: PlanDrafter, demo: DraftContext, text: str
) -> None:
    result = drafter.draft(request(text, "keluhan"), demo)
    assert result.action == "reply" and "jalan rusak" in fold(result.text or "")


def test_an_address_that_places_a_public_problem_gets_no_privacy_warning(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "jalan berlubang parah di Jl. Girilaya No. 12 RT 3 RW 8, tolong diperbaiki"
    req = request(text, "keluhan", pii=[pii_span(text, "Jl. Girilaya No. 12 RT 3 RW 8", "address")])
    result = drafter.draft(req, demo)
    assert result.action == "reply" and "privacy" not in result.acts
    assert FLAG_HIDE_PII not in result.flags


def test_a_dark_street_lamp_with_a_question_mark_is_a_report_not_a_question(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    result = drafter.draft(request("lampu penerangan jalan sering padam ?", "lainnya"), demo)
    assert result.action == "reply" and "syarat" not in fold(result.text or "")
    assert "lapor" in fold(result.text or "")


def test_a_question_about_a_service_is_answered_though_the_label_says_no_reply(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "mau menanyakan kenapa kepesertaan BPJS kami sekeluarga berbeda-beda"
    result = drafter.draft(request(text, "lainnya", action="no_reply"), demo)
    assert result.action == "reply" and "BPJS" in (result.text or "")
    assert no_promise(result.text)


def test_chatter_between_users_with_a_question_stays_unanswered(
    drafter: PlanDrafter, demo: DraftContext
) -> None:
    text = "@andi_88 udah bikin ktp belum? wkwk"
    result = drafter.draft(request(text, "lainnya", action="no_reply"), demo)
    assert result.action == "no_reply"


@pytest.mark.parametrize(
    "text",
    [
        "ktp saya belum jadi udah 2 bulan",
        "air pdam ga ngalir dari subuh",
        "listrik padam dari tadi siang",
    ],
)
def test_a_problem_with_a_named_service_is_answered_though_the_label_says_no_reply(
    drafter: PlanDrafter, demo: DraftContext, text: str
) -> None:
    result = drafter.draft(request(text, "lainnya", action="no_reply"), demo)
    assert result.action == "reply"
    assert no_promise(result.text)


@pytest.mark.parametrize("text", ["upload ulang ini mah yg dulu", "loh antri lagi wkwk"])
def test_generic_words_in_chatter_do_not_make_a_report(
    drafter: PlanDrafter, demo: DraftContext, text: str
) -> None:
    result = drafter.draft(request(text, "lainnya", action="no_reply"), demo)
    assert result.action == "no_reply"


def test_a_request_for_action_labelled_a_suggestion_is_answered_as_a_report(
    drafter: PlanDrafter, pemkot: DraftContext
) -> None:
    text = "mohon bantuannya agar dapat dirapikan kembali kabel yg menjuntai di depan gang 4"
    result = drafter.draft(request(text, "saran"), pemkot)
    assert result.action == "reply"
    assert "usul" not in fold(result.text or "") and "lapor" in fold(result.text or "")
    assert no_promise(result.text)
