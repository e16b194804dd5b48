"""The template drafter: the real `Drafter` behind `load_drafter`.

One draft, step by step: spam → hide; abuse → calm reply or none (per account setting);
an approved reply to a similar comment → adapted and reused; otherwise a template for the
comment's intent × sentiment × tone, filled with the citizen's handle, a topic phrase, the
account's channels and, for questions, the knowledge-base answer; then the platform length;
then the optional LLM polish; guardrails on whatever comes out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, func, select

from app.drafting import guardrails, reuse
from app.drafting.drafter import AccountProfile, DraftRequest, DraftResult
from app.drafting.knowledge import (
    Embedder,
    IndexCache,
    KbFormatError,
    KbItem,
    account_file,
    default_embedder,
    load_path,
)
from app.drafting.llm import LlmPolisher, LlmPrompts
from app.drafting.templates import (
    ABUSIVE,
    Template,
    TemplateError,
    TemplateStore,
    TopicLexicon,
)
from app.drafting.text import sentences, stable_int
from app.tables import Draft, KbEntry

if TYPE_CHECKING:
    from app.config import Settings

log = logging.getLogger("tanggap.drafting")

HANDLE_PLATFORMS = frozenset({"instagram", "x", "tiktok", "threads"})
DM_PLATFORMS = frozenset({"instagram", "x", "facebook", "tiktok"})
CHANNEL_KEYS = ("website", "whatsapp", "hotline", "email", "instagram", "office_hours")
FLAG_NO_REPLY = "abusive_no_reply"

# KB scores needed before an entry is used, by intent (questions need less evidence).
KB_MIN_SCORE = {"pertanyaan": 0.55, "keluhan": 0.7, "lainnya": 0.7}


def display_name(author: str | None, platform: str) -> str:
    handle = guardrails.clean_handle(author)
    if not handle:
        return ""
    if " " in handle:  # "Ibu Sulastri": a display name, never an @handle
        return handle
    return f"@{handle}" if platform in HANDLE_PLATFORMS else handle


def reach_phrase(platform: str, channels: dict[str, Any]) -> str:
    """How the citizen can reach the institution privately, from its own channels."""
    parts = ["DM"] if platform in DM_PLATFORMS else []
    if channels.get("whatsapp"):
        parts.append(f"WhatsApp {channels['whatsapp']}")
    elif channels.get("hotline"):
        parts.append(f"hotline {channels['hotline']}")
    elif channels.get("email"):
        parts.append(f"email {channels['email']}")
    if not parts:
        return "kanal pengaduan resmi kami"
    return " atau ".join(parts)


@dataclass(frozen=True)
class AccountKb:
    profile: AccountProfile
    items: list[KbItem]


class TemplateDrafter:
    """Drafts replies from versioned templates, the account's KB and past approvals."""

    def __init__(
        self,
        *,
        store: TemplateStore,
        topics: TopicLexicon,
        knowledge_dir: Path,
        embedder: Embedder | None = None,
        abusive_reply: str = "calm",
        polisher: LlmPolisher | None = None,
        reuse_approved: bool = True,
    ) -> None:
        self.store = store
        self.topics = topics
        self.knowledge_dir = knowledge_dir
        self.embedder = embedder
        self.abusive_reply = abusive_reply
        self.polisher = polisher
        self.reuse_approved = reuse_approved
        self._indexes = IndexCache(embedder)
        self._yaml: dict[str, tuple[float, Any]] = {}

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        embedder: Embedder | str | None = "auto",
        polisher: LlmPolisher | str | None = "auto",
    ) -> TemplateDrafter:
        """Build from settings: templates from `prompts_dir`, KB files from `knowledge_dir`."""
        if embedder == "auto":
            embedder = default_embedder()
        if polisher == "auto":
            polisher = None
            if settings.llm_url and settings.llm_model:
                polisher = LlmPolisher(
                    url=settings.llm_url,
                    model=settings.llm_model,
                    prompts=LlmPrompts.from_dir(settings.prompts_dir),
                    api_key=settings.llm_api_key.get_secret_value() or None,
                    timeout=settings.llm_timeout_seconds,
                )
        return cls(
            store=TemplateStore.from_dir(settings.prompts_dir),
            topics=TopicLexicon.from_dir(settings.prompts_dir),
            knowledge_dir=settings.knowledge_dir,
            embedder=embedder if not isinstance(embedder, str) else None,
            abusive_reply=settings.abusive_reply,
            polisher=polisher if not isinstance(polisher, str) else None,
        )

    # --- account and KB ---------------------------------------------------------------------

    def _yaml_kb(self, account: str) -> Any:
        """The account's KB file from the knowledge folder, re-read when it changes."""
        path = account_file(self.knowledge_dir, account)
        if path is None:
            return None
        mtime = path.stat().st_mtime
        cached = self._yaml.get(account)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            parsed = load_path(path)
        except KbFormatError:
            log.warning("drafting.kb.invalid_file path=%s", path, exc_info=True)
            parsed = None
        self._yaml[account] = (mtime, parsed)
        return parsed

    def account_kb(self, profile: AccountProfile, session: Session | None) -> AccountKb:
        """The profile (filled from the YAML file when the database has no settings) and KB."""
        file = self._yaml_kb(profile.name)
        if file is not None and file.account and not profile.channels:
            data = file.account
            profile = AccountProfile(
                name=profile.name,
                institution_name=(
                    profile.institution_name
                    if profile.institution_name not in ("", "kami")
                    else str(data.get("institution_name") or profile.institution_name)
                ),
                channels=dict(data.get("channels") or {}),
                preferences={**dict(data.get("preferences") or {}), **profile.preferences},
            )
        items: list[KbItem] = []
        if session is not None:
            rows = session.exec(
                select(KbEntry)
                .where(col(KbEntry.account) == profile.name)
                .order_by(col(KbEntry.id))
            ).all()
            items = [
                KbItem(
                    question=r.question,
                    answer=r.answer,
                    keywords=tuple(str(k) for k in r.keywords or ()),
                    link=r.link,
                    slug=r.slug,
                    id=r.id,
                )
                for r in rows
            ]
        if not items and file is not None:
            items = list(file.entries)
        return AccountKb(profile=profile, items=items)

    # --- drafting ----------------------------------------------------------------------------

    def _salt(self, request: DraftRequest, session: Session | None) -> int:
        """Drafts already made for this comment: a regenerated draft gets another variant."""
        if session is None or request.comment_id is None:
            return 0
        count = session.exec(
            select(func.count())
            .select_from(Draft)
            .where(col(Draft.comment_id) == request.comment_id)
        ).one()
        return int(count or 0)

    def draft(self, request: DraftRequest, *, session: Session | None = None) -> DraftResult:
        """Draft one action for one comment (see the module docstring for the steps)."""
        prediction = request.prediction
        intent = prediction.intent
        platform = (request.platform or "other").lower()
        if intent == "spam":
            return DraftResult(action="hide", text=None, template_id="policy/spam")

        kb = self.account_kb(request.account, session)
        profile = kb.profile
        policy = str(profile.preferences.get("abusive_reply") or self.abusive_reply)
        if prediction.abusive and policy == "none":
            return DraftResult(
                action="none", text=None, template_id="policy/abusive", flags=[FLAG_NO_REPLY]
            )

        allowed = guardrails.Allowed.build(
            channels=profile.channels,
            kb_texts=[i.answer for i in kb.items] + [i.link or "" for i in kb.items],
        )
        name = display_name(request.author, platform)
        limit = guardrails.limit_for(platform)

        if self.reuse_approved and session is not None and not prediction.abusive:
            reused = self._reuse(request, session=session, profile=profile, name=name)
            if reused is not None:
                flags = guardrails.check(
                    reused[1],
                    comment=f"{request.text}\n{reused[0].old_comment}",
                    platform=platform,
                    allowed=allowed,
                )
                if not flags:
                    return DraftResult(
                        action="reply",
                        text=reused[1],
                        template_id=f"reuse/draft-{reused[0].draft_id}",
                        template_hash=reused[0].text_hash,
                        reused_draft_id=reused[0].draft_id,
                        generator="reuse",
                    )

        hit_item: KbItem | None = None
        cell_intent = ABUSIVE if prediction.abusive else intent
        min_score = KB_MIN_SCORE.get(intent)
        if kb.items and min_score is not None and not prediction.abusive:
            index = self._indexes.get(kb.items)
            hit = index.best(request.text, min_score=min_score)
            if hit is not None:
                hit_item = hit.item
                if intent == "lainnya":
                    cell_intent = "pertanyaan"  # a strong KB match: answer it like a question

        channels = {k: str(profile.channels.get(k) or "") for k in CHANNEL_KEYS}
        topic = self.topics.find(request.text) or ""
        first_answer = sentences(hit_item.answer)[0] if hit_item else ""
        kb_ctx = (
            {
                "answer": hit_item.answer,
                "first": first_answer,
                "link": hit_item.link,
                "question": hit_item.question,
                "slug": hit_item.slug,
            }
            if hit_item
            else None
        )
        context = {
            "name": name,
            "topic": topic,
            "inst": profile.institution_name or "kami",
            "site": channels["website"],
            "wa": channels["whatsapp"],
            "hotline": channels["hotline"],
            "email": channels["email"],
            "hours": channels["office_hours"],
            "reach": reach_phrase(platform, channels),
            "kb": kb_ctx,
            "platform": platform,
        }
        seed = stable_int(
            request.text, request.tone, request.comment_id, self._salt(request, session)
        )
        # What must survive shortening, most important first: for questions the KB answer and
        # its link, else the contact channel (for other intents the KB line is only a tip).
        keep = [context["reach"]]
        if cell_intent == "pertanyaan" and hit_item is not None:
            keep = [first_answer, hit_item.link or "", context["reach"]]
        template, text = self._render_fitting(
            cell_intent,
            prediction.sentiment,
            request.tone,
            context,
            seed=seed,
            limit=limit,
            keep=keep,  # type: ignore[arg-type]  # context values are str here (i15 retypes it)
        )
        flags = guardrails.check(text, comment=request.text, platform=platform, allowed=allowed)
        generator = "template"

        if self.polisher is not None:
            polished = self.polisher.polish(
                draft=text,
                comment=request.text,
                tone=request.tone,
                intent=intent,
                sentiment=prediction.sentiment,
                platform=platform,
                inst=context["inst"],  # type: ignore[arg-type]  # a str, as above
                max_chars=limit,
                kb=kb_ctx,
            )
            if polished is not None:
                new_flags = guardrails.check(
                    polished, comment=request.text, platform=platform, allowed=allowed
                )
                if set(new_flags) <= set(flags):
                    text, flags, generator = polished, new_flags, self.polisher.generator
                else:
                    log.info("drafting.llm.rejected flags=%s", sorted(set(new_flags) - set(flags)))

        # An LLM may reword the answer; it was still grounded on the entry.
        kb_used = hit_item is not None and (
            first_answer.rstrip(".") in text or generator != "template"
        )
        return DraftResult(
            action="reply",
            text=text,
            template_id=template.id,
            template_hash=template.hash,
            kb_entry_id=hit_item.id if hit_item and kb_used else None,
            flags=flags,
            generator=generator,
            kb_entry=_kb_ref(hit_item) if hit_item and kb_used else None,
        )

    def _render_fitting(
        self,
        intent: str,
        sentiment: str,
        tone: str,
        context: dict[str, Any],
        *,
        seed: int,
        limit: int,
        keep: list[str],
    ) -> tuple[Template, str]:
        """Render the seeded variant; on short platforms try the others until one fits."""
        options = self.store.candidates(intent, sentiment, tone)
        if not options:
            raise TemplateError(f"no template for {intent}/{sentiment}/{tone}")
        start = seed % len(options)
        best: tuple[Template, str] | None = None
        for step in range(len(options)):
            template = options[(start + step) % len(options)]
            text = guardrails.fit(self.store.render(template, context, seed=seed), limit, keep=keep)
            if len(text) <= limit:
                return template, text
            if best is None or len(text) < len(best[1]):
                best = (template, text)
        assert best is not None
        return best

    def _reuse(
        self, request: DraftRequest, *, session: Session, profile: AccountProfile, name: str
    ) -> tuple[reuse.ReuseMatch, str] | None:
        match = reuse.find(
            session=session,
            account=profile.name,
            text=request.text,
            intent=request.prediction.intent,
            tone=request.tone,
            exclude_comment_id=request.comment_id,
            embedder=self.embedder,
        )
        if match is None:
            return None
        return match, reuse.adapt(match, new_name=name)


def _kb_ref(item: KbItem) -> dict[str, Any]:
    return {"id": item.id, "slug": item.slug, "question": item.question, "link": item.link}
