"""Web pages: the moderation queue and its decisions (approve, reject, regenerate, bulk)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.analytics import service as analytics
from app.comments import service as comments_service
from app.deps import ClockDep, DrafterDep, IdPath, SessionDep, SettingsDep
from app.drafts import service as drafts_service
from app.errors import AppError, BadRequest
from app.nlp.labels import INTENTS, SENTIMENTS, TONES
from app.web import format as fmt
from app.web.messages import decider, friendly
from app.web.pages import PAGE_SIZE, PLATFORMS, Csrf, WebUser, back, choice, flash, render

router = APIRouter(include_in_schema=False)


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
        intent=choice(intent, INTENTS),
        sentiment=choice(sentiment, SENTIMENTS),
        account=choice(account, tuple(accounts)),
        platform=choice(platform, PLATFORMS),
        action=choice(action, ("reply", "hide")),
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
    draft_id: IdPath,
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
        flash(request, "error", friendly(exc, decider(session, exc, draft_id)))
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
            drafts_service.approve(session=session, draft_id=draft_id, actor=user.actor)
            done += 1
        except AppError as exc:
            failed.append(friendly(exc, decider(session, exc, draft_id)))
    verb = "disembunyikan sebagai spam" if op == "hide" else "disetujui"
    if done:
        flash(request, "ok", f"{done} komentar {verb}.")
    if failed:
        flash(request, "error", f"{len(failed)} gagal: {failed[0]}")
    return back(next)
