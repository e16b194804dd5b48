"""Presentation helpers for the templates: durations, SLA clocks, confidences, labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

INTENT_LABELS = {
    "pertanyaan": "Pertanyaan",
    "keluhan": "Keluhan",
    "kritik": "Kritik",
    "saran": "Saran",
    "apresiasi": "Apresiasi",
    "spam": "Spam",
    "lainnya": "Lainnya",
}
SENTIMENT_LABELS = {"positif": "Positif", "netral": "Netral", "negatif": "Negatif"}
PLATFORM_LABELS = {
    "instagram": "Instagram",
    "facebook": "Facebook",
    "x": "X",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "web": "Web",
    "other": "Lainnya",
}
SOURCE_LABELS = {"api": "API", "meta": "Meta", "chatwoot": "Chatwoot", "import": "Impor berkas"}
ROLE_LABELS = {"admin": "Admin", "reviewer": "Peninjau"}
CHANNEL_LABELS = {
    "website": "Situs",
    "whatsapp": "WhatsApp",
    "hotline": "Hotline",
    "email": "E-mail",
    "instagram": "Instagram",
    "office_hours": "Jam layanan",
}
TONE_LABELS = {"santai": "Santai", "netral": "Netral", "formal": "Formal"}
STATUS_LABELS = {
    "pending": "Menunggu",
    "approved": "Disetujui",
    "rejected": "Ditolak",
    "superseded": "Diganti",
    "posted": "Terkirim",
    "failed": "Gagal dikirim",
    "ready_to_post": "Siap dikirim",
    "withdrawn": "Ditarik",
    "no_reply": "Tidak perlu dibalas",
    "dismissed": "Ditutup",
}
# Why a comment needs no reply (`drafts.service.no_reply_reason`), in plain words.
NO_REPLY_REASONS = {
    "chatter": "obrolan antarpengguna",
    "grief": "ucapan duka",
    "election": "topik politik atau pemilu",
    "abuse": "kasar, tidak dibalas",
    "nothing_to_answer": "tidak ada yang perlu dijawab",
    "praise": "pujian",
}


def no_reply_reason(code: str) -> str:
    """The reason of a no_reply item in Indonesian; a generic line for unknown codes."""
    return NO_REPLY_REASONS.get(code, "tidak ada yang perlu dijawab")


AUDIT_LABELS = {
    "comment.ingested": "Komentar masuk",
    "comment.classified": "Diklasifikasi",
    "draft.created": "Draf dibuat",
    "draft.approved": "Draf disetujui",
    "draft.rejected": "Draf ditolak",
    "draft.regenerated": "Draf dibuat ulang",
    "draft.skipped": "Tidak perlu dibalas",
    "draft.dismissed": "Ditutup tanpa balasan",
    "draft.posted": "Balasan terkirim",
    "draft.failed": "Gagal mengirim",
    "labels.corrected": "Label dikoreksi",
    "comment.hidden": "Komentar disembunyikan",
    "comment.edited": "Komentar diedit penulis",
    "comment.deleted": "Komentar dihapus penulis",
    "reply.posted": "Balasan terkirim",
    "reply.failed": "Gagal dikirim",
    "draft.undone": "Persetujuan dibatalkan",
    "draft.marked_posted": "Ditandai sudah dikirim",
    "draft.retried": "Dicoba kirim lagi",
    "draft.withdrawn": "Draf ditarik",
    "draft.assigned": "Draf diambil",
    "draft.unassigned": "Draf dilepas",
    "pii.revealed": "Data pribadi ditampilkan",
}
# Audit detail keys in plain Indonesian (the technical ones are under "Detail teknis").
DETAIL_LABELS = {
    "action": "tindakan",
    "edited": "diedit",
    "reason": "alasan",
    "tone": "nada",
    "intent": "jenis",
    "sentiment": "sentimen",
    "abusive": "kasar",
    "previous": "sebelumnya",
    "new": "baru",
    "error": "galat",
    "attempts": "percobaan",
    "platform": "platform",
    "route": "pengiriman",
    "url": "tautan",
    "before": "sebelum",
    "after": "sesudah",
    "was": "status sebelumnya",
    "to": "untuk",
    "source": "sumber",
}
TECH_DETAIL_KEYS = frozenset(
    {
        "template_id",
        "template_hash",
        "model_version",
        "kb_entry_id",
        "generator",
        "external_id",
        "posted_external_id",
        "new_draft_id",
        "flags",
        "route_reason",
        "found_earlier_attempt",
    }
)
# Guardrail flags in plain words.
FLAG_LABELS = {
    "url_not_allowed": "memuat tautan yang tidak diizinkan",
    "phone_not_allowed": "memuat nomor telepon yang tidak diizinkan",
    "email_not_allowed": "memuat e-mail yang tidak diizinkan",
    "promised_date": "menjanjikan tanggal",
    "promised_amount": "menjanjikan nominal",
    "promised_outcome": "menjanjikan hasil",
    "personal_data": "memuat data pribadi",
    "profanity": "memuat kata kasar",
    "too_long": "terlalu panjang",
    "empty": "kosong",
    "abusive_no_reply": "kasar, tidak dibalas",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def timezone_of(name: str) -> tzinfo:
    """The display time zone; WIB (UTC+7) when the zone database lacks the name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(hours=7), "WIB")


def duration(hours: float | None) -> str:
    """`2 hari 3 jam`, `5 jam 10 mnt`, `12 mnt`; `–` for none."""
    if hours is None:
        return "–"
    minutes = round(hours * 60)
    days, rest = divmod(minutes, 24 * 60)
    hrs, mins = divmod(rest, 60)
    if days:
        return f"{days} hari {hrs} jam" if hrs else f"{days} hari"
    if hrs:
        return f"{hrs} jam {mins} mnt" if mins else f"{hrs} jam"
    return f"{mins} mnt"


@dataclass(frozen=True)
class SlaClock:
    """Time since the comment against the first-response deadline."""

    age_hours: float
    deadline_hours: float

    @property
    def state(self) -> str:
        if self.age_hours > self.deadline_hours:
            return "overdue"
        if self.age_hours > 0.75 * self.deadline_hours:
            return "warning"
        return "ok"

    @property
    def age_label(self) -> str:
        return duration(self.age_hours)

    @property
    def remaining_label(self) -> str:
        left = self.deadline_hours - self.age_hours
        if left < 0:
            return f"lewat {duration(-left)}"
        return f"sisa {duration(left)}"


def sla_clock(created_at: datetime, *, now: datetime, deadline_hours: float) -> SlaClock:
    age = max(0.0, (now - created_at).total_seconds() / 3600)
    return SlaClock(age_hours=age, deadline_hours=deadline_hours)


def local_time(value: datetime | None, tz: tzinfo) -> str:
    """`24 Nov 2026 16:26` in the display zone."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        local = value.astimezone(tz)
    except (OverflowError, ValueError):  # e.g. 9999-12-31 23:59 UTC has no local time in WIB
        local = value
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} {local:%H:%M}"


def short_date(value: Any) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]}"


def confidence(scores: dict[str, Any] | None, head: str, label: str | None) -> int | None:
    """The model's confidence in `label` for `head` (intent/sentiment/abusive), as a percentage."""
    if not scores or label is None:
        return None
    value = scores.get(head)
    if isinstance(value, dict):
        value = value.get(label)
    if isinstance(value, int | float):
        return round(float(value) * 100)
    return None


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def actor_name(actor: str | None) -> str:
    """`user:budi` -> `budi`; `key:helpdesk` -> `helpdesk (API)`; `system` -> `sistem`."""
    if not actor:
        return "–"
    kind, _, name = actor.partition(":")
    if not name:
        return "sistem" if kind == "system" else kind
    return f"{name} (API)" if kind == "key" else name


def detail_value(value: Any) -> str:
    """An audit detail as short text: booleans in Indonesian, dicts as `key: value` pairs."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {detail_value(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, list | tuple):
        return ", ".join(detail_value(v) for v in value)
    return str(value)


def flag_label(flag: Any) -> str:
    """A guardrail flag in Indonesian (`promised_date` -> "menjanjikan tanggal")."""
    name = str(flag)
    return FLAG_LABELS.get(name, name.replace("_", " "))


def publish_reason(error: str | None) -> str:
    """Why a publication failed, in Indonesian (the stored error is the platform's English)."""
    text = error or ""
    if "no Meta page token" in text:
        return "Akun ini belum punya token Meta, jadi balasan tidak bisa dikirim otomatis."
    if "(code 190)" in text or "Graph API 401" in text:
        return "Token akses Meta kedaluwarsa atau ditolak. Admin perlu memperbaruinya."
    if "deleted on the platform" in text or "(code 100)" in text:
        return "Komentar sudah dihapus di platform."
    if "(code 10)" in text or "(code 200)" in text or "Graph API 403" in text:
        return "Platform menolak: akun tidak punya izin untuk tindakan ini."
    if "timeout" in text or "cannot reach" in text:
        return "Platform tidak bisa dihubungi berulang kali."
    if "Graph API 429" in text or "(code 4)" in text or "(code 32)" in text:
        return "Terlalu banyak permintaan ke platform; coba lagi nanti."
    if "Graph API" in text:
        return "Platform menolak balasan ini."
    return "Pengiriman gagal karena kesalahan sistem."


def comment_url(comment: Any) -> str | None:
    """A link to the comment on its platform, when one can be made."""
    extra = comment.extra or {}
    link = extra.get("permalink") or extra.get("permalink_url")
    if isinstance(link, str) and link.startswith("https://"):
        return link
    if comment.platform == "facebook" and comment.external_id:
        return f"https://www.facebook.com/{comment.external_id}"
    return None


@dataclass(frozen=True)
class TextPart:
    text: str
    masked: bool = False


def pii_spans(comment: Any) -> list[dict[str, Any]]:
    """The comment's personal data spans (`[{type, start, end}]`), as the classifier found them."""
    spans = getattr(comment, "pii", None) or ((comment.extra or {}).get("classifier") or {}).get(
        "pii"
    )
    return [s for s in spans if isinstance(s, dict)] if isinstance(spans, list) else []


def mask_pii(text: str, spans: list[dict[str, Any]]) -> str:
    """The text with every personal-data span masked: letters and digits become `•`, the last two
    stay, so "0812-3456-7890" reads "••••-••••-••90"."""
    return "".join(p.text for p in mask_parts(text, spans))


def mask_parts(text: str, spans: list[dict[str, Any]], reveal: bool = False) -> list[TextPart]:
    """The text cut at the spans; masked parts have `masked=True` (for the template's marking)."""
    parts: list[TextPart] = []
    pos = 0
    for span in sorted(spans, key=lambda s: int(s.get("start", 0))):
        start = max(pos, int(span.get("start", 0)))
        end = min(len(text), int(span.get("end", 0)))
        if end <= start:
            continue
        if start > pos:
            parts.append(TextPart(text[pos:start]))
        value = text[start:end]
        if not reveal:
            keep = len(value) - 2
            value = "".join("•" if ch.isalnum() and i < keep else ch for i, ch in enumerate(value))
        parts.append(TextPart(value, masked=True))
        pos = end
    if pos < len(text):
        parts.append(TextPart(text[pos:]))
    return parts


FILTERS = {
    "flag_label": flag_label,
    "detail_value": detail_value,
    "duration": duration,
    "percent": percent,
    "actor_name": actor_name,
    "short_date": short_date,
}
GLOBALS = {
    "INTENT_LABELS": INTENT_LABELS,
    "SENTIMENT_LABELS": SENTIMENT_LABELS,
    "PLATFORM_LABELS": PLATFORM_LABELS,
    "TONE_LABELS": TONE_LABELS,
    "STATUS_LABELS": STATUS_LABELS,
    "AUDIT_LABELS": AUDIT_LABELS,
    "confidence": confidence,
    "DETAIL_LABELS": DETAIL_LABELS,
    "SOURCE_LABELS": SOURCE_LABELS,
    "ROLE_LABELS": ROLE_LABELS,
    "CHANNEL_LABELS": CHANNEL_LABELS,
    "TECH_DETAIL_KEYS": TECH_DETAIL_KEYS,
    "publish_reason": publish_reason,
    "comment_url": comment_url,
    "pii_spans": pii_spans,
    "mask_parts": mask_parts,
}
