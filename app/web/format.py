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
TONE_LABELS = {"santai": "Santai", "netral": "Netral", "formal": "Formal"}
STATUS_LABELS = {
    "pending": "Menunggu",
    "approved": "Disetujui",
    "rejected": "Ditolak",
    "superseded": "Diganti",
    "posted": "Terkirim",
    "failed": "Gagal kirim",
}
AUDIT_LABELS = {
    "comment.ingested": "Komentar masuk",
    "comment.classified": "Diklasifikasi",
    "draft.created": "Draf dibuat",
    "draft.approved": "Draf disetujui",
    "draft.rejected": "Draf ditolak",
    "draft.regenerated": "Draf dibuat ulang",
    "draft.skipped": "Tidak dibuatkan draf",
    "draft.posted": "Balasan terkirim",
    "draft.failed": "Gagal mengirim",
    "labels.corrected": "Label dikoreksi",
    "comment.hidden": "Komentar disembunyikan",
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


FILTERS = {
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
}
