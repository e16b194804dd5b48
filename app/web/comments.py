"""Web pages: a comment's detail page and its label corrections."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.comments import service as comments_service
from app.deps import ClockDep, DrafterDep, IdPath, SessionDep, SettingsDep
from app.errors import AppError, NotFound
from app.nlp.labels import INTENTS, SENTIMENTS, TONES
from app.web import format as fmt
from app.web.messages import friendly
from app.web.pages import Csrf, WebUser, back, choice, flash, render
from app.web.queue import approved_message

router = APIRouter(include_in_schema=False)


@router.get("/comments/{comment_id}", response_class=HTMLResponse)
def comment_detail(
    request: Request,
    comment_id: IdPath,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """A comment with its drafts, KB entries used, guardrail flags, what was posted and history."""
    try:
        page = comments_service.detail(session=session, comment_id=comment_id)
    except NotFound:
        context = {"title": "Tidak ditemukan", "message": "Komentar ini tidak ada."}
        return render(request, "error.html", context, status_code=404)
    comment = page.comment
    revealed = request.session.get("revealed")
    reveal = revealed == comment_id
    if reveal:
        request.session.pop("revealed", None)  # once: reloading masks it again
    return render(
        request,
        "comment.html",
        {
            "comment": comment,
            "drafts": page.drafts,
            "pending": page.pending,
            "kb": page.kb,
            "history": page.history,
            "reveal": reveal,
            "has_pii": bool(fmt.pii_spans(comment)),
            "corrected": comments_service.corrections(
                session=session, comment_ids=[comment.id]
            ).get(comment_id, {}),
            "sla": fmt.sla_clock(
                comment.created_at, now=clock(), deadline_hours=settings.sla_first_response_hours
            ),
            "intents": INTENTS,
            "sentiments": SENTIMENTS,
            "tones": TONES,
            "here": request.url.path,
        },
    )


@router.post("/comments/{comment_id}/labels", dependencies=[Csrf])
def correct_labels(
    request: Request,
    comment_id: IdPath,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    drafter: DrafterDep,
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
    new_intent = choice(intent, INTENTS)
    new_sentiment = choice(sentiment, SENTIMENTS)
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
            drafter=drafter,
            settings=settings,
        )
    except AppError as exc:
        flash(request, "error", friendly(exc))
        return back(next)
    flash(
        request,
        "ok",
        "Label dikoreksi dan draf dibuat ulang. Terima kasih, koreksi ini jadi bahan latih model.",
    )
    return back(next)


@router.post("/comments/{comment_id}/reveal", dependencies=[Csrf])
def reveal_pii(
    request: Request,
    comment_id: IdPath,
    user: WebUser,
    session: SessionDep,
    next: Annotated[str, Form()] = "",
) -> Response:
    """Show a comment's personal data unmasked, once, on purpose; the audit trail records it."""
    try:
        comments_service.record_reveal(session=session, comment_id=comment_id, actor=user.actor)
    except NotFound as exc:
        flash(request, "error", friendly(exc))
        return back("/queue")
    request.session["revealed"] = comment_id
    return back(f"/comments/{comment_id}")


@router.post("/comments/{comment_id}/hide-pii", dependencies=[Csrf])
def hide_pii(
    request: Request,
    comment_id: IdPath,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Hide the comment on the platform because it holds personal data (not as spam)."""
    try:
        done = comments_service.hide_for_privacy(
            session=session, comment_id=comment_id, actor=user.actor, settings=settings
        )
    except AppError as exc:
        flash(request, "error", friendly(exc))
        return back(next)
    message = approved_message(done, settings)
    flash(request, "ok", "Data pribadi: " + message, undo=done.draft.id)
    return back(next)
