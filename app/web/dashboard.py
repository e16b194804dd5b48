"""Web pages: the dashboard and its CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.analytics import service as analytics
from app.config import Settings
from app.deps import ClockDep, SessionDep, SettingsDep
from app.nlp.labels import INTENTS, SENTIMENTS
from app.web import charts
from app.web import format as fmt
from app.web.pages import WebUser, choice, render

router = APIRouter(include_in_schema=False)


def _window(
    settings: Settings, account: str | None, since: str | None, until: str | None, now: datetime
) -> tuple[analytics.Window, date, date]:
    tz = fmt.timezone_of(settings.display_timezone)
    today = now.astimezone(tz).date()
    end = _parse_date(until) or today
    start = _parse_date(since) or end - timedelta(days=29)
    if start > end:
        start, end = end, start
    start = max(start, end - timedelta(days=analytics.MAX_DAYS - 1))
    window = analytics.Window(
        since=datetime.combine(start, time.min, tz).astimezone(UTC),
        until=datetime.combine(end + timedelta(days=1), time.min, tz).astimezone(UTC),
        account=account or None,
    )
    return window, start, end


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _ranges(account: str | None, end: date) -> list[tuple[str, str]]:
    """Quick links: the last 7, 30 and 90 days up to the shown end date."""
    return [
        (
            f"{days} hari",
            urlencode(
                {
                    "account": account or "",
                    "since": (end - timedelta(days=days - 1)).isoformat(),
                    "until": end.isoformat(),
                }
            ),
        )
        for days in (7, 30, 90)
    ]


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    account: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Response:
    """Reply rate, response time, backlog, intent mix, sentiment per day, spam; per account."""
    accounts = analytics.accounts(session=session)
    account = choice(account, tuple(accounts))
    now = clock()
    window, start, end = _window(settings, account, since, until, now)
    overview = analytics.overview(
        session=session,
        window=window,
        now=now,
        sla_hours=settings.sla_first_response_hours,
        tz=fmt.timezone_of(settings.display_timezone),
    )
    query = urlencode(
        {"account": account or "", "since": start.isoformat(), "until": end.isoformat()}
    )
    return render(
        request,
        "dashboard.html",
        {
            "o": overview,
            "accounts": accounts,
            "account": account,
            "since": start,
            "until": end,
            "export_query": query,
            "ranges": _ranges(account, end),
            "intent_chart": charts.intent_bars(overview.intent_mix, fmt.INTENT_LABELS),
            "backlog_chart": charts.backlog_bars(overview.backlog.age_buckets, fmt.duration),
            "sentiment_chart": charts.sentiment_stacks(overview.sentiment_per_day),
        },
    )


CSV_COLUMNS = [
    "tanggal",
    "akun",
    "komentar",
    "spam",
    "perlu_balasan",
    "dibalas",
    "tingkat_balasan_persen",
    "median_respons_jam",
    "spam_disembunyikan",
    *[f"sentimen_{s}" for s in SENTIMENTS],
    *[f"intent_{i}" for i in INTENTS],
]


def _cell(value: Any) -> Any:
    # Spreadsheet formula injection: text starting with = + - @ is neutralised.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@router.get("/dashboard/export.csv")
def export_csv(
    request: Request,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    account: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Response:
    """The dashboard's numbers per account and day, as CSV."""
    account = choice(account, tuple(analytics.accounts(session=session)))
    window, start, end = _window(settings, account, since, until, clock())
    rows = analytics.daily(
        session=session, window=window, tz=fmt.timezone_of(settings.display_timezone)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        rate = r.reply_rate
        median = r.median_first_response_hours
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.day.isoformat(),
                    r.account,
                    r.comments,
                    r.spam,
                    r.actionable,
                    r.replied,
                    "" if rate is None else f"{rate * 100:.1f}",
                    "" if median is None else f"{median:.2f}",
                    r.hidden,
                    *[r.sentiments.get(s, 0) for s in SENTIMENTS],
                    *[r.intents.get(i, 0) for i in INTENTS],
                )
            ]
        )
    name = f"tanggap-{window.account or 'semua'}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),  # BOM: spreadsheets then read the file as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
