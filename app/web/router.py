"""The reviewers' web UI: login, the moderation queue, comment detail and the dashboard.

Server-rendered pages and plain HTML forms (POST, then redirect back), each carrying the session's
CSRF token. Every decision goes through the same services as the JSON API; this module only
parses forms, picks Indonesian messages and renders templates (autoescaped: comment text is
hostile input). `static/app.js` adds keyboard shortcuts and bulk selection on top.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from app.analytics import service as analytics
from app.comments import service as comments_service
from app.deps import ClockDep, DrafterDep, SessionDep, SettingsDep
from app.drafts import service as drafts_service
from app.errors import (
    AppError,
    BadRequest,
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from app.nlp.labels import INTENTS, SENTIMENTS, TONES
from app.security import Principal
from app.tables import KbEntry, User
from app.web import charts
from app.web import format as fmt
from app.web.security import check_csrf, csrf_token, start_session, web_user

TEMPLATES_DIR = Path(__file__).parent / "templates"
PAGE_SIZE = 50
PLATFORMS = tuple(fmt.PLATFORM_LABELS)

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,  # always, whatever the file name: comment text is hostile input
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(fmt.FILTERS)
_env.globals.update(fmt.GLOBALS)
templates = Jinja2Templates(env=_env)

# Defence in depth behind autoescaping: no inline script, no foreign origin, no framing.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

router = APIRouter(include_in_schema=False)

WebUser = Annotated[Principal, Depends(web_user)]
Csrf = Depends(check_csrf)


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the user, CSRF token and pending flash messages."""
    settings = request.app.state.settings
    base = {
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request.session),
        "flashes": request.session.pop("flash", []),
        "tz": fmt.timezone_of(settings.display_timezone),
        "local_time": fmt.local_time,
        "path": request.url.path,
    }
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


def flash(request: Request, kind: str, text: str) -> None:
    request.session.setdefault("flash", []).append({"kind": kind, "text": text})


def safe_next(target: str | None, default: str = "/queue") -> str:
    """Only local paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def back(target: str | None) -> RedirectResponse:
    return RedirectResponse(safe_next(target), status_code=303)


def _decider(session: Any, exc: AppError, draft_id: int) -> str | None:
    """Who decided a draft we lost the race for (the early refusal does not say)."""
    if not isinstance(exc, Conflict):
        return None
    try:
        draft, _ = drafts_service.get(session=session, draft_id=draft_id)
    except NotFound:
        return None
    return draft.decided_by


def friendly(exc: AppError, decided_by: str | None = None) -> str:
    """An Indonesian message for a failed decision (the API's messages are English)."""
    details = dict(exc.details) if isinstance(exc.details, dict) else {}
    if decided_by and not details.get("decided_by"):
        details["decided_by"] = decided_by
    if "declined to draft" in exc.message:
        return "Sistem tidak membuat draf baru untuk komentar ini (kebijakan balasan akun)."
    if isinstance(exc, InvalidTransition | Conflict):
        who = fmt.actor_name(details["decided_by"]) if details.get("decided_by") else None
        status = fmt.STATUS_LABELS.get(details.get("status") or "", "").lower()
        if status and who:
            done = f"sudah {status} oleh {who}"
        elif status:
            done = f"sudah {status} oleh reviewer lain"
        else:
            done = "sudah ditangani reviewer lain"
        return f"Draf ini {done} lebih dulu. Antrean sudah dimuat ulang; silakan cek lagi."
    if isinstance(exc, NotFound):
        return "Draf atau komentar tidak ditemukan; mungkin sudah dihapus."
    if isinstance(exc, Forbidden):
        return "Peran Anda tidak boleh melakukan tindakan ini."
    if "must not be empty" in exc.message:
        return "Teks balasan tidak boleh kosong."
    if "too long" in exc.message:
        return f"Teks balasan terlalu panjang (maks. {details.get('max_chars', '')} karakter)."
    if isinstance(exc, BadRequest | ValidationFailed):
        return "Permintaan tidak valid. Muat ulang halaman lalu coba lagi."
    return "Terjadi kesalahan. Silakan coba lagi."


# --- exception handlers (installed by app.web.security.install_web) ---


async def login_redirect(request: Request, _: Exception) -> Response:
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    return RedirectResponse("/login", status_code=303)


async def csrf_failed_page(request: Request, _: Exception) -> Response:
    return render(
        request,
        "error.html",
        {
            "title": "Formulir kedaluwarsa",
            "message": "Token keamanan formulir tidak cocok atau sesi sudah berakhir. "
            "Muat ulang halaman lalu coba lagi.",
        },
        status_code=403,
    )


# --- login ---


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> Response:
    """The login form, or the queue when already logged in."""
    if isinstance(getattr(request.state, "user", None), Principal):
        return RedirectResponse("/queue", status_code=303)
    return render(request, "login.html", {"error": None, "username": "", "next": "/queue"})


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/queue") -> Response:
    """The login form."""
    if isinstance(getattr(request.state, "user", None), Principal):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"error": None, "username": "", "next": safe_next(next)})


@router.post("/login", response_class=HTMLResponse, dependencies=[Csrf])
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Check the username and password and start a session."""
    from app.users import service as users_service

    throttle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    context = {"username": username, "next": safe_next(next)}
    if throttle.blocked(username, address):
        context["error"] = "Terlalu banyak percobaan masuk. Coba lagi beberapa menit lagi."
        return render(request, "login.html", context, status_code=429)
    principal = users_service.authenticate(session=session, username=username, password=password)
    user = session.get(User, principal.id) if principal else None
    if user is None:
        throttle.failed(username, address)
        context["error"] = "Nama pengguna atau kata sandi salah."
        return render(request, "login.html", context, status_code=401)
    throttle.succeeded(username, address)
    start_session(request.session, user)
    return back(next)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    flash(request, "ok", "Anda sudah keluar.")
    return RedirectResponse("/login", status_code=303)


# --- queue ---


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


@router.get("/queue", response_class=HTMLResponse)
def queue(
    request: Request,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    intent: str | None = None,
    sentiment: str | None = None,
    account: str | None = None,
    platform: str | None = None,
    action: str | None = None,
    cursor: str | None = None,
) -> Response:
    """Pending drafts, most urgent first, with filters."""
    accounts = analytics.accounts(session=session)
    filters = drafts_service.QueueFilter(
        intent=_choice(intent, INTENTS),
        sentiment=_choice(sentiment, SENTIMENTS),
        account=_choice(account, tuple(accounts)),
        platform=_choice(platform, PLATFORMS),
        action=_choice(action, ("reply", "hide")),
    )
    try:
        rows, next_cursor = drafts_service.list_queue(
            session=session, filters=filters, limit=PAGE_SIZE, cursor=cursor or None
        )
    except BadRequest:
        return RedirectResponse("/queue", status_code=303)
    now = clock()
    items = [
        {
            "draft": d,
            "comment": c,
            "sla": fmt.sla_clock(
                c.created_at, now=now, deadline_hours=settings.sla_first_response_hours
            ),
        }
        for d, c in rows
    ]
    active = {k: v for k, v in vars(filters).items() if v and k != "status"}
    return render(
        request,
        "queue.html",
        {
            "items": items,
            "filters": active,
            "accounts": accounts,
            "intents": INTENTS,
            "sentiments": SENTIMENTS,
            "platforms": PLATFORMS,
            "tones": TONES,
            "next_cursor": next_cursor,
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "query_next": urlencode({**active, "cursor": next_cursor or ""}),
            "sla_hours": settings.sla_first_response_hours,
        },
    )


@router.post("/queue/{draft_id}/approve", dependencies=[Csrf])
def approve(
    request: Request,
    draft_id: int,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    text: Annotated[str | None, Form()] = None,
    version: Annotated[int | None, Form()] = None,
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Approve a draft as shown in the box (edited or not)."""
    try:
        draft, _ = drafts_service.approve(
            session=session,
            draft_id=draft_id,
            actor=user.actor,
            text=text,
            expected_version=version,
            max_chars=settings.max_text_chars,
        )
    except AppError as exc:
        flash(request, "error", friendly(exc, _decider(session, exc, draft_id)))
        return back(next)
    if draft.action == "hide":
        flash(request, "ok", "Spam disetujui untuk disembunyikan.")
    elif draft.text != draft.drafted_text:
        flash(request, "ok", "Balasan yang diedit sudah disetujui.")
    else:
        flash(request, "ok", "Balasan disetujui.")
    return back(next)


@router.post("/queue/{draft_id}/reject", dependencies=[Csrf])
def reject(
    request: Request,
    draft_id: int,
    user: WebUser,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=1000)] = "",
    version: Annotated[int | None, Form()] = None,
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Reject a draft with a reason."""
    if not reason.strip():
        flash(request, "error", "Tulis alasan penolakan dulu.")
        return back(next)
    try:
        drafts_service.reject(
            session=session,
            draft_id=draft_id,
            actor=user.actor,
            reason=reason,
            expected_version=version,
        )
    except AppError as exc:
        flash(request, "error", friendly(exc, _decider(session, exc, draft_id)))
        return back(next)
    flash(request, "ok", "Draf ditolak.")
    return back(next)


@router.post("/queue/{draft_id}/regenerate", dependencies=[Csrf])
def regenerate(
    request: Request,
    draft_id: int,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    drafter: DrafterDep,
    tone: Annotated[str, Form()] = "netral",
    version: Annotated[int | None, Form()] = None,
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Replace the draft with a new one in another tone."""
    if tone not in TONES:
        flash(request, "error", "Pilih nada: santai, netral atau formal.")
        return back(next)
    try:
        drafts_service.regenerate(
            session=session,
            draft_id=draft_id,
            actor=user.actor,
            tone=tone,
            drafter=drafter,
            settings=settings,
            expected_version=version,
        )
    except AppError as exc:
        flash(request, "error", friendly(exc, _decider(session, exc, draft_id)))
        return back(next)
    flash(request, "ok", f"Draf baru dibuat dengan nada {fmt.TONE_LABELS[tone].lower()}.")
    return back(next)


@router.post("/comments/{comment_id}/labels", dependencies=[Csrf])
def correct_labels(
    request: Request,
    comment_id: int,
    user: WebUser,
    session: SessionDep,
    intent: Annotated[str, Form()] = "",
    sentiment: Annotated[str, Form()] = "",
    abusive: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Correct the intent/sentiment/abuse labels (stored as training data)."""
    try:
        comment = comments_service.get(session=session, comment_id=comment_id)
    except NotFound as exc:
        flash(request, "error", friendly(exc))
        return back(next)
    new_intent = _choice(intent, INTENTS)
    new_sentiment = _choice(sentiment, SENTIMENTS)
    new_abusive = {"1": True, "0": False}.get(abusive)
    changed_intent = new_intent if new_intent != comment.intent else None
    changed_sentiment = new_sentiment if new_sentiment != comment.sentiment else None
    changed_abusive = new_abusive if new_abusive != comment.abusive else None
    if changed_intent is None and changed_sentiment is None and changed_abusive is None:
        flash(request, "info", "Label tidak berubah.")
        return back(next)
    try:
        comments_service.correct_labels(
            session=session,
            comment_id=comment_id,
            actor=user.actor,
            intent=changed_intent,
            sentiment=changed_sentiment,
            abusive=changed_abusive,
        )
    except AppError as exc:
        flash(request, "error", friendly(exc))
        return back(next)
    flash(request, "ok", "Label dikoreksi. Terima kasih, koreksi ini jadi bahan latih model.")
    return back(next)


@router.post("/queue/bulk", dependencies=[Csrf])
def bulk(
    request: Request,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    drafter: DrafterDep,
    op: Annotated[str, Form()] = "",
    draft_ids: Annotated[list[int] | None, Form()] = None,
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Approve many drafts, or hide many comments as spam.

    Hiding a draft that is a reply first corrects the comment's intent to spam (a training
    example), then asks the drafter for a fresh draft, which for spam is a hide suggestion.
    """
    ids = list(dict.fromkeys(draft_ids or []))
    if not ids or op not in ("approve", "hide"):
        flash(request, "error", "Pilih minimal satu draf dulu.")
        return back(next)
    done, failed = 0, []
    for draft_id in ids:
        try:
            if op == "hide":
                draft_id = _as_hide_draft(session, draft_id, user, settings, drafter)
            drafts_service.approve(session=session, draft_id=draft_id, actor=user.actor)
            done += 1
        except AppError as exc:
            failed.append(friendly(exc, _decider(session, exc, draft_id)))
    verb = "disembunyikan sebagai spam" if op == "hide" else "disetujui"
    if done:
        flash(request, "ok", f"{done} komentar {verb}.")
    if failed:
        flash(request, "error", f"{len(failed)} gagal: {failed[0]}")
    return back(next)


def _as_hide_draft(
    session: Any, draft_id: int, user: Principal, settings: Any, drafter: Any
) -> int:
    draft, comment = drafts_service.get(session=session, draft_id=draft_id)
    if draft.action == "hide":
        return draft_id
    if comment.intent != "spam":
        comments_service.correct_labels(
            session=session,
            comment_id=draft.comment_id,
            actor=user.actor,
            intent="spam",
            sentiment=None,
            abusive=None,
        )
    new, _ = drafts_service.regenerate(
        session=session,
        draft_id=draft_id,
        actor=user.actor,
        tone=draft.tone,
        drafter=drafter,
        settings=settings,
        expected_version=draft.version,
    )
    if new.action != "hide":
        raise InvalidTransition("The drafter did not suggest hiding this comment.")
    return new.id  # type: ignore[return-value]


# --- comment detail ---


@router.get("/comments/{comment_id}", response_class=HTMLResponse)
def comment_detail(
    request: Request,
    comment_id: int,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """A comment with its drafts, KB entries used, guardrail flags, what was posted and history."""
    from app.audit import service as audit_service

    try:
        comment = comments_service.get(session=session, comment_id=comment_id)
    except NotFound:
        context = {"title": "Tidak ditemukan", "message": "Komentar ini tidak ada."}
        return render(request, "error.html", context, status_code=404)
    drafts = drafts_service.drafts_of(session=session, comment_id=comment_id)
    kb_ids = {d.kb_entry_id for d in drafts if d.kb_entry_id is not None}
    kb = {i: session.get(KbEntry, i) for i in kb_ids}
    history = list(
        reversed(audit_service.search(session=session, comment_id=comment_id, limit=500))
    )
    pending = next((d for d in reversed(drafts) if d.status == "pending"), None)
    return render(
        request,
        "comment.html",
        {
            "comment": comment,
            "drafts": list(reversed(drafts)),
            "pending": pending,
            "kb": kb,
            "history": history,
            "sla": fmt.sla_clock(
                comment.created_at, now=clock(), deadline_hours=settings.sla_first_response_hours
            ),
            "intents": INTENTS,
            "sentiments": SENTIMENTS,
            "tones": TONES,
            "here": request.url.path,
        },
    )


# --- dashboard ---


def _window(
    settings: Any, account: str | None, since: str | None, until: str | None, now: datetime
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
    account = _choice(account, tuple(accounts))
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
    account = _choice(account, tuple(analytics.accounts(session=session)))
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
