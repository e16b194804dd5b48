"""Indonesian messages for failed web actions come from the error's code."""

from app.errors import (
    AppError,
    BadRequest,
    DraftDeclined,
    Forbidden,
    InvalidTransition,
    TextEmpty,
    TextTooLong,
)
from app.kb.service import KbEntryNotFound
from app.web.messages import FALLBACK, friendly


def test_each_code_has_its_message() -> None:
    assert "kebijakan balasan akun" in friendly(DraftDeclined())
    assert friendly(TextEmpty()) == "Teks balasan tidak boleh kosong."
    assert "maks. 280 karakter" in friendly(TextTooLong(details={"max_chars": 280}))
    assert "tidak boleh melakukan" in friendly(Forbidden())
    assert "tidak valid" in friendly(BadRequest("Invalid cursor."))


def test_lost_race_names_who_decided() -> None:
    exc = InvalidTransition(details={"status": "approved"})
    message = friendly(exc, decided_by="user:siti")
    assert "oleh" in message and "lebih dulu" in message


def test_unlisted_codes_fall_back_to_their_base_class_then_a_generic_text() -> None:
    assert "tidak ditemukan" in friendly(KbEntryNotFound())

    class Unavailable(AppError):
        status_code = 503
        code = "unavailable"

    assert friendly(Unavailable()) == FALLBACK == "Terjadi kesalahan. Silakan coba lagi."


def test_new_codes_have_their_own_messages() -> None:
    from app.accounts.service import UnknownAccount
    from app.errors import UndoExpired
    from app.users.service import LastAdmin

    assert "terlambat untuk membatalkan" in friendly(UndoExpired())
    assert "lebih dulu" not in friendly(UndoExpired())  # not the lost-race text of its base
    assert "belum terdaftar" in friendly(UnknownAccount())
    assert "minimal satu admin" in friendly(LastAdmin())


def test_publish_reasons_are_indonesian() -> None:
    from app.web.format import publish_reason

    assert "kedaluwarsa" in publish_reason("account 'x' disconnected: Graph API 400 (code 190): e")
    assert "dihapus" in publish_reason("the comment was deleted on the platform")
    assert "belum punya token" in publish_reason("no Meta page token configured for account 'x'")
    assert publish_reason(None) == "Pengiriman gagal karena kesalahan sistem."
