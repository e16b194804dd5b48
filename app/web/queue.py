"""Web pages: the moderation queue and its decisions (approve, reject, regenerate, bulk)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.analytics import service as analytics
from app.comments import service as comments_service
from app.config import Settings
from app.deps import ClockDep, DrafterDep, IdPath, SessionDep, SettingsDep
from app.drafts import service as drafts_service
from app.errors import AppError, BadRequest
from app.nlp.labels import INTENTS, SENTIMENTS, TONES
from app.web import format as fmt
from app.web.messages import decider, friendly
from app.web.pages import PAGE_SIZE, PLATFORMS, Csrf, WebUser, back, choice, flash, render

router = APIRouter(include_in_schema=False)


# The queue's tabs: which draft status each shows.
VIEWS = {
    "pending": "pending",
    "ready": "ready_to_post",
    "failed": "failed",
    "noreply": drafts_service.NO_REPLY,
}


@router.get("/queue", response_class=HTMLResponse)
def queue(
    request: Request,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    view: str = "pending",
    intent: str | None = None,
    sentiment: str | None = None,
    account: str | None = None,
    platform: str | None = None,
    action: str | None = None,
    q: str | None = None,
    who: str | None = None,
    cursor: str | None = None,
) -> Response:
    """Drafts of one tab (waiting, ready to post by hand, failed, needing no reply), most
    urgent first."""
    accounts = analytics.accounts(session=session)
    view = view if view in VIEWS else "pending"
    who = choice(who, ("mine", "unassigned"))
    filters = drafts_service.QueueFilter(
        status=VIEWS[view],
        intent=choice(intent, INTENTS),
        sentiment=choice(sentiment, SENTIMENTS),
        account=choice(account, tuple(accounts)),
        platform=choice(platform, PLATFORMS),
        action=choice(action, ("reply", "hide")),
        q=(q or "").strip()[:200] or None,
        assigned_to={"mine": user.actor, "unassigned": ""}.get(who or ""),
    )
    try:
        rows, next_cursor = drafts_service.list_queue(
            session=session, filters=filters, limit=PAGE_SIZE, cursor=cursor or None
        )
    except BadRequest:
        return RedirectResponse("/queue", status_code=303)
    now = clock()
    corrected = comments_service.corrections(session=session, comment_ids=[c.id for _, c in rows])
    items = [
        {
            "draft": d,
            "comment": c,
            "corrected": corrected.get(c.id or 0, {}),
            "no_reply_reason": fmt.no_reply_reason(drafts_service.no_reply_reason(d))
            if d.action == drafts_service.NO_REPLY
            else None,
            "sla": fmt.sla_clock(
                c.created_at, now=now, deadline_hours=settings.sla_first_response_hours
            ),
        }
        for d, c in rows
    ]
    active = {k: v for k, v in vars(filters).items() if v and k not in ("status", "assigned_to")}
    if who:
        active["who"] = who
    query = {**active, **({"view": view} if view != "pending" else {})}
    return render(
        request,
        "queue.html",
        {
            "items": items,
            "view": view,
            "filters": active,
            "accounts": accounts,
            "intents": INTENTS,
            "sentiments": SENTIMENTS,
            "platforms": PLATFORMS,
            "tones": TONES,
            "next_cursor": next_cursor,
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "query_next": urlencode({**query, "cursor": next_cursor or ""}),
            "sla_hours": settings.sla_first_response_hours,
        },
    )


def approved_message(done: drafts_service.Approval, settings: Settings) -> str:
    """What the reviewer is told after an approval: where it goes, never "done" too early."""
    d, c = done.draft, done.comment
    platform = fmt.PLATFORM_LABELS.get(c.platform, c.platform)
    reply = d.action == "reply"
    if done.route == "graph" and done.reason == "disconnected":
        what = "Balasan disetujui" if reply else "Penyembunyian disetujui"
        return (
            f"{what}, tapi sambungan akun {c.account} ke {platform} terputus: akan dikirim "
            "otomatis setelah admin memperbarui tokennya."
        )
    if done.route == "graph":
        what = "Balasan disetujui dan akan dikirim" if reply else "Komentar akan disembunyikan"
        return f"{what} ke {platform} dalam {settings.publish_delay_seconds:.0f} detik."
    if done.route == "manual":
        what = "Balasan disetujui" if reply else "Penyembunyian disetujui"
        why = (
            f", tapi akun {c.account} belum tersambung ke {platform}, jadi kirim manual"
            if done.reason == "no_token"
            else " dan siap dikirim"
        )
        how = (
            f"salin di tab Siap dikirim, tempel di {platform}, lalu klik Tandai sudah dibalas."
            if reply
            else f"sembunyikan komentarnya di {platform}, lalu klik Tandai sudah disembunyikan "
            "di tab Siap dikirim."
        )
        return f"{what}{why}: {how}"
    return "Balasan disetujui; helpdesk akan mengambilnya lewat API."


@router.post("/queue/{draft_id}/approve", dependencies=[Csrf])
def approve(
    request: Request,
    draft_id: IdPath,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    text: Annotated[str | None, Form()] = None,
    version: Annotated[int | None, Form()] = None,
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Approve a draft as shown in the box (edited or not); the flash offers an undo."""
    try:
        done = drafts_service.approve(
            session=session,
            draft_id=draft_id,
            actor=user.actor,
            settings=settings,
            text=text,
            expected_version=version,
        )
    except AppError as exc:
        flash(request, "error", friendly(exc, decider(session, exc, draft_id)))
        return back(next)
    message = approved_message(done, settings)
    if done.draft.action == "reply" and done.draft.text != done.draft.drafted_text:
        message = message.replace("Balasan disetujui", "Balasan yang diedit disetujui", 1)
    flash(request, "ok", message, undo=draft_id if done.undo_seconds else None)
    return back(next)


@router.post("/queue/{draft_id}/undo", dependencies=[Csrf])
def undo(
    request: Request,
    draft_id: IdPath,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Take the approval back: the draft returns to the queue, nothing is sent."""
    try:
        drafts_service.undo_approval(
            session=session, draft_id=draft_id, actor=user.actor, settings=settings
        )
    except AppError as exc:
        flash(request, "error", friendly(exc))
        return back(next)
    flash(request, "info", "Dibatalkan. Draf kembali ke antrean, tidak ada yang dikirim.")
    return back(next)


@router.post("/queue/{draft_id}/posted", dependencies=[Csrf])
def mark_posted(
    request: Request,
    draft_id: IdPath,
    user: WebUser,
    session: SessionDep,
    url: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/queue?view=ready",
) -> Response:
    """Record a reply posted (or a comment hidden) by hand on the platform."""
    url = url.strip()
    if url and not url.startswith(("http://", "https://")):
        flash(request, "error", "Tautan balasan harus diawali http:// atau https://.")
        return back(next)
    try:
        draft, _ = drafts_service.mark_posted(
            session=session, draft_id=draft_id, actor=user.actor, url=url or None
        )
    except AppError as exc:
        flash(request, "error", friendly(exc, decider(session, exc, draft_id)))
        return back(next)
    done = (
        "Komentar ditandai sudah disembunyikan."
        if draft.action == "hide"
        else ("Ditandai sudah dibalas. Terhitung di tingkat balasan dan waktu respons.")
    )
    flash(request, "ok", done)
    return back(next)


@router.post("/queue/{draft_id}/retry", dependencies=[Csrf])
def retry(
    request: Request,
    draft_id: IdPath,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    next: Annotated[str, Form()] = "/queue?view=failed",
) -> Response:
    """Send a failed draft again."""
    try:
        done = drafts_service.retry(
            session=session, draft_id=draft_id, actor=user.actor, settings=settings
        )
    except AppError as exc:
        flash(request, "error", friendly(exc, decider(session, exc, draft_id)))
        return back(next)
    if done.route == "manual":
        flash(
            request, "info", "Akun ini belum bisa mengirim otomatis; draf dipindah ke Siap dikirim."
        )
    else:
        flash(request, "ok", "Dicoba kirim lagi. Hasilnya muncul di sini bila gagal lagi.")
    return back(next)


@router.post("/queue/{draft_id}/assign", dependencies=[Csrf])
def assign(
    request: Request,
    draft_id: IdPath,
    user: WebUser,
    session: SessionDep,
    op: Annotated[str, Form()] = "take",
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """ "Ambil": the draft is mine; "Lepas": give it back to everyone."""
    try:
        drafts_service.assign(
            session=session,
            draft_id=draft_id,
            actor=user.actor,
            to=user.actor if op == "take" else None,
        )
    except AppError as exc:
        flash(request, "error", friendly(exc, decider(session, exc, draft_id)))
        return back(next)
    flash(request, "ok", "Draf diambil untuk Anda." if op == "take" else "Draf dilepas.")
    return back(next)


@router.post("/queue/{draft_id}/reject", dependencies=[Csrf])
def reject(
    request: Request,
    draft_id: IdPath,
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
        flash(request, "error", friendly(exc, decider(session, exc, draft_id)))
        return back(next)
    flash(request, "ok", "Draf ditolak.")
    return back(next)


@router.post("/queue/{draft_id}/regenerate", dependencies=[Csrf])
def regenerate(
    request: Request,
    draft_id: IdPath,
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
        flash(request, "error", friendly(exc, decider(session, exc, draft_id)))
        return back(next)
    flash(request, "ok", f"Draf baru dibuat dengan nada {fmt.TONE_LABELS[tone].lower()}.")
    return back(next)


@router.post("/queue/{draft_id}/dismiss", dependencies=[Csrf])
def dismiss(
    request: Request,
    draft_id: IdPath,
    user: WebUser,
    session: SessionDep,
    next: Annotated[str, Form()] = "/queue?view=noreply",
) -> Response:
    """ "Tutup": a comment that needs no reply leaves the tab; nothing is posted or hidden."""
    try:
        drafts_service.dismiss(session=session, draft_id=draft_id, actor=user.actor)
    except AppError as exc:
        flash(request, "error", friendly(exc, decider(session, exc, draft_id)))
        return back(next)
    flash(request, "ok", "Ditutup. Komentar ini tidak dibalas.")
    return back(next)


@router.post("/queue/{draft_id}/thanks", dependencies=[Csrf])
def thanks(
    request: Request,
    draft_id: IdPath,
    user: WebUser,
    session: SessionDep,
    next: Annotated[str, Form()] = "/queue?view=noreply",
) -> Response:
    """ "Balas terima kasih": the offered thank-you becomes a reply draft in Menunggu."""
    try:
        drafts_service.reply_with_thanks(session=session, draft_id=draft_id, actor=user.actor)
    except AppError as exc:
        flash(request, "error", friendly(exc, decider(session, exc, draft_id)))
        return back(next)
    flash(request, "ok", "Draf ucapan terima kasih dibuat dan menunggu persetujuan di Menunggu.")
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
    """Approve many drafts, or hide many comments as spam (`comments.service.hide_as_spam`)."""
    ids = list(dict.fromkeys(draft_ids or []))
    if not ids or op not in ("approve", "hide"):
        flash(request, "error", "Pilih minimal satu draf dulu.")
        return back(next)
    done, failed = 0, []
    routes: set[str] = set()
    for draft_id in ids:
        try:
            if op == "hide":
                draft_id = comments_service.hide_as_spam(
                    session=session,
                    draft_id=draft_id,
                    actor=user.actor,
                    settings=settings,
                    drafter=drafter,
                )
            approval = drafts_service.approve(
                session=session, draft_id=draft_id, actor=user.actor, settings=settings
            )
            done += 1
            routes.add(approval.route)
        except AppError as exc:
            failed.append(friendly(exc, decider(session, exc, draft_id)))
    verb = "disembunyikan sebagai spam" if op == "hide" else "disetujui"
    if done:
        where = ""
        if "manual" in routes:
            where = " Yang tidak terkirim otomatis menunggu di Siap dikirim."
        elif "graph" in routes:
            where = f" Dikirim dalam {settings.publish_delay_seconds:.0f} detik."
        flash(request, "ok", f"{done} komentar {verb}.{where}")
    if failed:
        flash(request, "error", f"{len(failed)} gagal: {failed[0]}")
    return back(next)
