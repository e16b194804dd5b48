"""Indonesian messages for failed web actions, looked up by the error's code (one table)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from app.drafts import service as drafts_service
from app.errors import AppError, Conflict, NotFound
from app.web import format as fmt


def decider(session: Session, exc: AppError, draft_id: int) -> str | None:
    """Who decided a draft we lost the race for (the early refusal does not say)."""
    if not isinstance(exc, Conflict):
        return None
    try:
        draft, _ = drafts_service.get(session=session, draft_id=draft_id)
    except NotFound:
        return None
    return draft.decided_by


def _taken(details: dict[str, Any]) -> str:
    who = fmt.actor_name(details["decided_by"]) if details.get("decided_by") else None
    status = fmt.STATUS_LABELS.get(details.get("status") or "", "").lower()
    if status and who:
        done = f"sudah {status} oleh {who}"
    elif status:
        done = f"sudah {status} oleh reviewer lain"
    else:
        done = "sudah ditangani reviewer lain"
    return f"Draf ini {done} lebih dulu. Antrean sudah dimuat ulang; silakan cek lagi."


_NOT_FOUND = "Draf atau komentar tidak ditemukan; mungkin sudah dihapus."
_INVALID = "Permintaan tidak valid. Muat ulang halaman lalu coba lagi."

# Error code -> message (a text, or a function of the error's details). An error whose code is
# not here gets the message of its nearest base class that is, else FALLBACK.
MESSAGES: dict[str, str | Callable[[dict[str, Any]], str]] = {
    "draft_declined": "Sistem tidak membuat draf baru untuk komentar ini (kebijakan balasan akun).",
    "invalid_transition": _taken,
    "conflict": _taken,
    "not_found": _NOT_FOUND,
    "forbidden": "Peran Anda tidak boleh melakukan tindakan ini.",
    "text_empty": "Teks balasan tidak boleh kosong.",
    "text_too_long": lambda d: (
        f"Teks balasan terlalu panjang (maks. {d.get('max_chars', '')} karakter)."
    ),
    "undo_expired": "Sudah terlambat untuk membatalkan: balasan ini sudah mulai dikirim.",
    "unknown_account": "Akun ini belum terdaftar. Minta admin mendaftarkannya dulu.",
    "last_admin": "Harus tetap ada minimal satu admin aktif.",
    "user_not_found": "Pengguna tidak ditemukan.",
    "bad_request": _INVALID,
    "validation_error": _INVALID,
}
FALLBACK = "Terjadi kesalahan. Silakan coba lagi."


def friendly(exc: AppError, decided_by: str | None = None) -> str:
    """An Indonesian message for a failed action (the API's messages are English)."""
    details = dict(exc.details) if isinstance(exc.details, dict) else {}
    if decided_by and not details.get("decided_by"):
        details["decided_by"] = decided_by
    for cls in type(exc).__mro__:
        if cls is AppError:  # its code is bad_request's, but an unlisted error is not one
            break
        message = MESSAGES.get(getattr(cls, "code", ""))
        if message is not None:
            return message if isinstance(message, str) else message(details)
    return FALLBACK
