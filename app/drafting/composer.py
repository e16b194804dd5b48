"""The plan drafter: the real `Drafter` behind `load_drafter`. Understand → plan → write.

One draft, step by step:
1. **Understand**: read the slots of the comment (`slots.py`) and decide the action
   (`planner.decide`): hide (spam, abuse, someone else's data), no reply (chatter, grief,
   election talk; praise may get an optional one-line thank-you), or reply.
2. **Facts**: the KB answer when sure (`answering.py`, sentence level), or the office in charge
   when the comment is outside the account's remit.
3. **Plan** the acts (`planner.plan`) and **write** each in the chosen tone (`writer.py`,
   ``prompts/acts.v<N>.yaml``), avoiding texts the account drafted recently; an approved reply
   to a near-identical comment that says the same things is reused instead.
4. Fit the platform's length, the optional LLM realisation of the same plan, guardrails.
The drafter gets everything through `DraftRequest` and `DraftContext`: no database access.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.drafting import guardrails, reuse
from app.drafting.answering import KbAnswer, answer
from app.drafting.drafter import (
    LAPOR,
    AccountProfile,
    DraftContext,
    DraftRequest,
    DraftResult,
    Remit,
)
from app.drafting.knowledge import Embedder, IndexCache, default_embedder
from app.drafting.llm import LlmPolisher, LlmPrompts
from app.drafting.planner import Decision, Plan, decide, plan
from app.drafting.slots import SlotReader, Slots
from app.drafting.text import fold, sentences, stable_int
from app.drafting.writer import ActStore, lower_first, upper_first

if TYPE_CHECKING:
    from app.config import Settings

log = logging.getLogger("tanggap.drafting")

HANDLE_PLATFORMS = frozenset({"instagram", "x", "tiktok", "threads"})
DM_PLATFORMS = frozenset({"instagram", "x", "facebook", "tiktok"})
CHANNEL_KEYS = ("website", "whatsapp", "hotline", "email", "instagram", "office_hours")
TITLE_SHORT = {
    "Ibu": "Bu", "Bu": "Bu", "Bapak": "Pak", "Pak": "Pak", "Mas": "Mas", "Mbak": "Mbak",
    "Kak": "Kak", "Bang": "Bang", "Om": "Om", "Tante": "Tante",
}  # fmt: skip
ATTEMPTS = 8  # seeds tried to avoid a recent duplicate or to fit a short platform


def display_name(author: str | None, platform: str) -> str:
    """How the reply names the citizen: ``@handle`` on handle platforms, else the name."""
    if not author or not author.strip():
        return ""
    raw = author.strip()
    if " " not in raw and platform in HANDLE_PLATFORMS:
        handle = guardrails.clean_handle(raw)
        return f"@{handle}" if handle else ""
    words = raw.lstrip("@").split()
    if words and words[0].lower().strip(".") in guardrails.HONORIFICS and len(words) >= 2:
        return guardrails.clean_handle(raw)
    kept = []
    for word in words[:2]:
        clean = re.sub(r"[^\w.]", "", word).strip("_")
        if not clean or any(ch.isdigit() for ch in clean) or not guardrails.clean_handle(clean):
            break
        kept.append(clean.replace("_", " "))
    return " ".join(kept)


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
class Route:
    """Where a comment outside the remit goes."""

    office: str
    channel: str
    known: bool = True  # False: the comment names no service; the office in charge is unknown
    kind: str = ""  # "integrity" or "security": own acknowledgement and routing acts
    internal: bool = False  # an office of the same government (no "not our remit")
    outside: bool = False  # office unknown, but the topic is surely not the account's


class PlanDrafter:
    """Drafts replies by reading the comment, planning acts and writing them in a tone."""

    def __init__(
        self,
        *,
        acts: ActStore,
        reader: SlotReader,
        embedder: Embedder | None = None,
        abusive_reply: str = "calm",
        polisher: LlmPolisher | None = None,
        reuse_approved: bool = True,
    ) -> None:
        self.acts = acts
        self.reader = reader
        self.embedder = embedder
        self.abusive_reply = abusive_reply
        self.polisher = polisher
        self.reuse_approved = reuse_approved
        self._indexes = IndexCache(embedder)

    @classmethod
    def from_dir(cls, prompts_dir: Path, **kwargs: Any) -> PlanDrafter:
        """A drafter from a prompts folder (acts and slots files), without LLM or embedder."""
        return cls(
            acts=ActStore.from_dir(prompts_dir), reader=SlotReader.from_dir(prompts_dir), **kwargs
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        embedder: Embedder | str | None = "auto",
        polisher: LlmPolisher | str | None = "auto",
    ) -> PlanDrafter:
        """Build from settings: act and slot files from `prompts_dir`, the optional LLM."""
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
        return cls.from_dir(
            settings.prompts_dir,
            embedder=embedder if not isinstance(embedder, str) else None,
            abusive_reply=settings.abusive_reply,
            polisher=polisher if not isinstance(polisher, str) else None,
        )

    # --- understand ------------------------------------------------------------------------

    def understand(self, request: DraftRequest, context: DraftContext) -> tuple[Slots, Decision]:
        """The slots of the comment and the action for it."""
        slots = self.reader.read(request.text, request.prediction)
        policy = str(context.profile.preferences.get("abusive_reply") or self.abusive_reply)
        return slots, decide(request.prediction, slots, abusive_policy=policy)

    def route_for(
        self, slots: Slots, profile: AccountProfile, intent: str = "keluhan", text: str = ""
    ) -> Route | None:
        remit = profile.remit
        service = slots.service
        outside = remit is None or not remit.handles(service)
        if slots.service_kind and service is not None and outside:
            # Police matters and misuse of public money are never the account's to settle.
            office = remit.office_for(service) if remit is not None else None
            if office is not None:
                return Route(office.name, office.channel, kind=slots.service_kind,
                             internal=office.internal)  # fmt: skip
            channel = slots.general_channel or (remit.default_channel if remit else LAPOR)
            return Route(slots.general_office or "", channel, kind=slots.service_kind)
        if remit is not None and service is None and _unplaced(slots, intent, text):
            return Route(office="", channel=remit.default_channel, known=False, internal=remit.hub)
        if remit is None or service is None or remit.handles(service):
            return None
        office = remit.office_for(service)
        if office is not None and not self._ambiguous(slots, remit):
            return Route(office=office.name, channel=office.channel, internal=office.internal)
        if slots.general_office is None or self._ambiguous(slots, remit):
            # Two topics handled by different offices, or none known: name no office rather
            # than a wrong one; the default channel reaches whoever handles it.
            return Route(
                office="",
                channel=remit.default_channel,
                known=False,
                outside=not remit.hub,
                internal=remit.hub,
            )
        return Route(
            office=slots.general_office,
            channel=slots.general_channel or remit.default_channel,
        )

    def _ambiguous(self, slots: Slots, remit: Remit) -> bool:
        """The comment names out-of-remit topics that different offices handle."""
        offices = set()
        for sid in slots.services:
            if remit.handles(sid):
                continue
            if sid != slots.service and self.reader.by_id[sid].kind:
                continue  # "lampu mati, rawan begal": the risk named, the lamp reported
            listed = remit.office_for(sid)
            general = self.reader.by_id[sid].office if sid in self.reader.by_id else None
            offices.add(listed.name if listed is not None else general)
        return len(offices) > 1

    def kb_answer(
        self, request: DraftRequest, context: DraftContext, slots: Slots
    ) -> KbAnswer | None:
        prediction = request.prediction
        if not context.kb or prediction.abusive:
            return None
        if prediction.intent not in ("pertanyaan", "keluhan", "lainnya"):
            return None
        if prediction.intent == "lainnya" and not slots.question:
            return None  # a thank-you labelled "lainnya" is not a question to answer
        index = self._indexes.get(list(context.kb))
        return answer(
            index=index,
            reader=self.reader,
            comment=request.text,
            slots=slots,
            intent=prediction.intent,
        )

    # --- draft -----------------------------------------------------------------------------

    def draft(self, request: DraftRequest, context: DraftContext) -> DraftResult:
        """Draft one action for one comment (see the module docstring for the steps)."""
        slots, decision = self.understand(request, context)
        platform = (request.platform or "other").lower()
        profile = context.profile
        tone = request.tone
        if decision.action == "hide":
            flags = ["hide_comment_pii"] if decision.reason and "pii" in decision.reason else []
            return DraftResult(
                action="hide",
                text=None,
                reason=decision.reason,
                template_id=f"policy/hide/{decision.reason}",
                flags=flags,
            )
        if decision.action == "no_reply":
            text = None
            if request.prediction.intent == "apresiasi" and decision.reason != "abuse":
                values = self._values(request, context, slots, None, None, platform)
                seed = stable_int(request.text, tone, context.drafts_for_comment)
                text = self.acts.write(["thanks.short"], tone, values, seed=seed).text
            return DraftResult(
                action="no_reply",
                text=text,
                reason=decision.reason,
                template_id=f"policy/no_reply/{decision.reason}",
                flags=["abusive_no_reply"] if decision.reason == "abuse" else [],
            )

        request = _as_request(request, slots)
        route = self.route_for(slots, profile, request.prediction.intent, request.text)
        kb = None if route is not None else self.kb_answer(request, context, slots)
        the_plan = plan(
            request.prediction,
            slots,
            has_answer=kb is not None,
            routed=route is not None,
            can_invite=True,
            unplaced=route is not None and not route.known,
            outside=bool(route and route.outside),
            route_kind=route.kind if route else "",
            internal=bool(route and route.internal),
        )
        values = self._values(request, context, slots, kb, route, platform)
        allowed = guardrails.Allowed.build(
            channels=profile.channels,
            kb_texts=[i.answer for i in context.kb]
            + [i.link or "" for i in context.kb]
            + ([route.channel] if route else [])
            + ([lower_first(kb.text)] if kb else []),
        )
        limit = guardrails.limit_for(platform)

        reused = self._reuse(request, context, slots, values["name"], allowed, platform)
        if reused is not None:
            return reused

        text, template_id, template_hash = self._write(
            the_plan, tone, values, request, context, limit, kb, route
        )
        flags = guardrails.check(text, comment=request.text, platform=platform, allowed=allowed)
        generator = "template"
        if self.polisher is not None:
            polished = self.polisher.realise(
                draft=text,
                comment=request.text,
                tone=tone,
                acts=the_plan.acts,
                facts=self._facts(kb, route, values),
                details=list(slots.details) + ([kb.text] if kb else []),
                platform=platform,
                inst=values["inst"],
                max_chars=limit,
                death=slots.death,
            )
            if polished is not None:
                new_flags = guardrails.check(
                    polished, comment=request.text, platform=platform, allowed=allowed
                )
                if set(new_flags) <= set(flags):
                    text, flags, generator = polished, new_flags, self.polisher.generator
                else:
                    log.info("drafting.llm.rejected flags=%s", sorted(set(new_flags) - set(flags)))
        return DraftResult(
            action="reply",
            text=text,
            acts=the_plan.acts,
            facts=[kb.ref] if kb else [],
            template_id=template_id,
            template_hash=template_hash,
            kb_entry_id=kb.item.id if kb else None,
            flags=flags + list(the_plan.flags),
            generator=generator,
            kb_entry=_kb_ref(kb) if kb else None,
        )

    def _write(
        self,
        the_plan: Plan,
        tone: str,
        values: dict[str, Any],
        request: DraftRequest,
        context: DraftContext,
        limit: int,
        kb: KbAnswer | None,
        route: Route | None,
    ) -> tuple[str, str, str]:
        """Write the plan; try other variants when the text repeats a recent draft or is long."""
        recent = set(context.recent_texts)
        keep = [kb.text if kb else "", kb.item.link or "" if kb else "", values["reach"]]
        if any(k.startswith(("ask_detail", "privacy")) for k in the_plan.keys):
            # The ask goes last when a reply must be shortened.
            keep[:0] = [values["reach"], "kantor mana", "hari dan jam", "nomor registrasi"]
        if route is not None:
            keep.insert(0, route.channel)
            if route.kind:
                keep.insert(1, "rahasia" if route.kind == "integrity" else "110")
        base = stable_int(request.text, tone, request.comment_id, context.drafts_for_comment)
        best: tuple[str, str, str] | None = None
        for attempt in range(ATTEMPTS):
            written = self.acts.write(the_plan.keys, tone, values, seed=stable_int(base, attempt))
            text = guardrails.fit(written.text, limit, keep=keep)
            if kb is not None and kb.item.link and kb.text not in text and kb.item.link in text:
                # The answer was shortened away: its link alone would answer nothing.
                text = " ".join(s for s in sentences(text) if kb.item.link not in s)
            candidate = (text, _template_id(self.acts.name, written.template_ids), written.hash)
            if best is None or (len(best[0]) > limit and len(text) < len(best[0])):
                best = candidate
            if len(text) <= limit and text not in recent:
                return candidate
        assert best is not None
        return best

    def _reuse(
        self,
        request: DraftRequest,
        context: DraftContext,
        slots: Slots,
        name: str,
        allowed: guardrails.Allowed,
        platform: str,
    ) -> DraftResult | None:
        if not self.reuse_approved or not context.approved or request.prediction.abusive:
            return None
        key = _facts_key(slots)
        match = reuse.find(
            text=request.text,
            candidates=context.approved,
            same_facts=lambda old: _facts_key(self.reader.read(old)) == key,
            embedder=self.embedder,
        )
        if match is None:
            return None
        text = reuse.adapt(match, new_name=name)
        flags = guardrails.check(
            text, comment=f"{request.text}\n{match.old_comment}", platform=platform, allowed=allowed
        )
        if flags:
            return None
        return DraftResult(
            action="reply",
            text=text,
            acts=["reuse"],
            template_id=f"reuse/draft-{match.draft_id}",
            template_hash=match.text_hash,
            reused_draft_id=match.draft_id,
            generator="reuse",
            flags=["hide_comment_pii"] if slots.pii else [],
        )

    # --- values for the act templates -------------------------------------------------------

    def _values(
        self,
        request: DraftRequest,
        context: DraftContext,
        slots: Slots,
        kb: KbAnswer | None,
        route: Route | None,
        platform: str,
    ) -> dict[str, Any]:
        profile = context.profile
        tone = request.tone
        channels = {k: str(profile.channels.get(k) or "") for k in CHANNEL_KEYS}
        name = display_name(request.author, platform)
        first = name.split()[0] if name else ""
        titled = first in TITLE_SHORT
        if tone == "santai":
            addr = name if titled else (f"Kak {name}" if name else "Kak")
        else:
            addr = (
                name
                if titled
                else (f"Bapak/Ibu {name}" if name and not name.startswith("@") else "Bapak/Ibu")
            )
        kak = TITLE_SHORT.get(first, "Kak") if titled else "Kak"
        reach = reach_phrase(platform, channels)
        kb_text = kb.text if kb else ""
        return {
            "name": name,
            "addr": addr,
            "kak": kak,
            "tone": tone,
            "inst": profile.institution_name or "kami",
            "short": profile.short_name if profile.short_name != "kami" else "kami",
            "site": channels["website"],
            "wa": channels["whatsapp"],
            "hours": channels["office_hours"],
            "reach": reach,
            "dm": reach,
            "topic": _topic(slots, request.prediction.intent),
            "answer_topic": _answer_topic(_topic(slots, request.prediction.intent), kb_text),
            "faq_topic": slots.service_phrase
            or (f"layanan di {slots.place}" if slots.place else ""),
            "service": slots.service_phrase,
            "svc": self._topics(slots, profile)
            if route is not None and route.outside
            else slots.service_phrase or "hal ini",
            "place": slots.place,
            "wait": slots.wait,
            "trouble": _trouble(slots, request.text),
            "kb_text": kb_text,
            "kb_lead": lower_first(kb_text),
            "kb_link": (kb.item.link or "") if kb else "",
            "office": route.office if route else "",
            "remit_summary": (profile.remit.summary if profile.remit else "")
            or f"layanan {profile.short_name}",
            "channel": route.channel if route else "",
            "internal": bool(route and route.internal),
            "pii": slots.pii_phrase,
            "praise_topic": _praise_topic(slots),
            "praise_what": _praise_what(slots),
            "staff_praise": slots.staff and request.prediction.intent == "apresiasi",
            "staff": slots.problem == "staff",
            "suggestion": _suggestion_phrase(slots.suggestion),
            "death": slots.death,
            "abusive": request.prediction.abusive,
            "sarcasm": slots.sarcasm,
        }

    def _topics(self, slots: Slots, profile: AccountProfile) -> str:
        """The out-of-remit topics a comment names, as a reply lists them."""
        remit = profile.remit
        phrases: list[str] = []
        for sid in slots.services:
            service = self.reader.by_id.get(sid)
            if service is None or (remit is not None and remit.handles(sid)):
                continue
            if service.phrase not in phrases:
                phrases.append(service.phrase)
        if not phrases:
            return slots.service_phrase or "hal ini"
        return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " dan " + phrases[-1]

    @staticmethod
    def _facts(kb: KbAnswer | None, route: Route | None, values: dict[str, Any]) -> list[str]:
        facts = []
        if kb is not None:
            facts.append(kb.text + (f" ({kb.item.link})" if kb.item.link else ""))
        if route is not None and route.known:
            facts.append(f"Yang menangani: {route.office}. Kanal: {route.channel}.")
        elif route is not None:
            facts.append(f"Di luar layanan kami: laporkan lewat {route.channel}.")
        facts.append(f"Kanal pribadi: {values['reach']}.")
        if values["hours"]:
            facts.append(f"Jam layanan: {values['hours']}.")
        return facts


# Complaint kinds that are the account's whatever the place (its own files and systems), and
# kinds that are the account's only when the comment places them at its counters.
_OWN_PROBLEMS = frozenset({"rejected", "data", "system"})
_COUNTER_PROBLEMS = frozenset(
    {"queue", "staff", "facility", "equipment", "delay", "damaged", "lost"}
)


_COUNTER_WORDS = re.compile(r"\b(?:kantor|petugas|pegawai|loket|calo|oknum)\b", re.IGNORECASE)


def _unplaced(slots: Slots, intent: str, text: str = "") -> bool:
    """A complaint that names no service and no problem at the account's counters.

    On an account with a remit (a civil registry), such a complaint (mosquitoes, a noisy
    cafe, a water bill, an AC technician looking for work) is most likely someone else's: the
    reply says where the account can help and points the rest to the default channel,
    promising nothing. A wait, the AC or money count as the account's only when the comment
    places them at an office, a counter or its staff.
    """
    if intent != "keluhan" or slots.reference or slots.pii:
        return False
    if slots.problem in _OWN_PROBLEMS:
        return False
    at_counter = slots.office_given or bool(slots.place) or slots.staff
    if slots.problem == "fee":
        return not (at_counter or bool(_COUNTER_WORDS.search(text)))
    if slots.problem in _COUNTER_PROBLEMS:
        return not (at_counter or slots.institution)
    return True


def _as_request(request: DraftRequest, slots: Slots) -> DraftRequest:
    """A request for action labelled praise or "lainnya" is drafted as the complaint it is."""
    prediction = request.prediction
    complaint = slots.request or slots.service_kind in ("integrity", "security")
    if prediction.intent == "lainnya":
        # A report the classifier left unlabelled: a delay with a ticket number, a broken road.
        complaint = (
            complaint
            or bool(
                slots.reference
                or ((slots.problem or slots.outage) and (slots.services or slots.institution))
            )
            or (slots.public_issue and not slots.question)
        )
    if prediction.intent in ("apresiasi", "lainnya") and complaint:
        return replace(request, prediction=replace(prediction, intent="keluhan"))
    if prediction.intent == "saran" and slots.service_kind in ("integrity", "security"):
        return replace(request, prediction=replace(prediction, intent="keluhan"))
    if (
        prediction.intent == "saran"
        and not slots.suggestion
        and (slots.problem == "system" or slots.request)
    ):
        # "tidak bisa login di aplikasi …", "mohon bantuannya agar kabel … dirapikan": a broken
        # thing reported or an action asked for, no proposal in it.
        return replace(request, prediction=replace(prediction, intent="keluhan"))
    if (
        prediction.intent == "lainnya"
        and slots.question
        and (slots.services or slots.institution)
        and not (slots.chatter or slots.election or slots.grief)
    ):
        # "apakah dinas sosial ada program …?": a question to an office, left unlabelled.
        return replace(request, prediction=replace(prediction, intent="pertanyaan"))
    return request


def _template_id(name: str, ids: tuple[str, ...]) -> str:
    parts = [i.split("/", 1)[1] if "/" in i else i for i in ids]
    short = "+".join(p.replace("/", ":") for p in parts)
    return f"{name}/{short}"[:200]


def _facts_key(slots: Slots) -> tuple[Any, ...]:
    return (
        slots.service,
        slots.wait,
        slots.visits,
        slots.place,
        slots.reference,
        slots.pii,
        slots.focus,
    )


def _kb_ref(kb: KbAnswer) -> dict[str, Any]:
    item = kb.item
    return {"id": item.id, "slug": item.slug, "question": item.question, "link": item.link}


def _answer_topic(topic: str, kb_text: str) -> str:
    """The topic to name before an answer, unless the answer starts by naming it."""
    if not topic or not kb_text:
        return topic
    head = fold(kb_text[:60])
    words = [w for w in fold(topic).split() if len(w) > 3]
    return "" if words and sum(w in head for w in words) * 2 >= len(words) else topic


_TOPIC_BY_FOCUS = {
    "fee": "biaya {s}",
    "requirements": "syarat {s}",
    "online": "pengurusan {s} secara daring",
    "where": "tempat mengurus {s}",
    "photo": "pas foto {s}",
    "print": "pencetakan {s}",
}


def _topic(slots: Slots, intent: str) -> str:
    """A short phrase naming what the comment is about ("syarat akta kelahiran")."""
    if intent == "kritik" and slots.gist:
        if slots.gist == "waktu pengurusan" and slots.service_phrase:
            return f"waktu pengurusan {slots.service_phrase}"
        return slots.gist
    service = slots.service_phrase
    if slots.service == "antrean" and "online" in slots.focus:
        return "antrean online"
    for key, phrase in zip(slots.focus, slots.focus_phrases, strict=True):
        if key in _TOPIC_BY_FOCUS and service:
            return _TOPIC_BY_FOCUS[key].format(s=service)
        if key not in _TOPIC_BY_FOCUS and intent == "pertanyaan":
            return phrase
    return service or (f"layanan di {slots.place}" if slots.place else "")


_SYSTEM = (
    ("otp", "kode OTP yang tidak masuk"),
    ("upload", "upload berkas yang gagal"),
    ("force close", "aplikasi yang menutup sendiri"),
    ("logout", "akun IKD yang keluar sendiri"),
    ("website", "situs yang tidak bisa dibuka"),
    ("situs", "situs yang tidak bisa dibuka"),
    ("offline", "sistem yang offline"),
    ("down", "sistem yang down"),
)
_FACILITY = (
    ("toilet", "toilet"), ("wc", "toilet"), (" ac ", "AC di ruang tunggu"),
    ("ruang tunggu", "ruang tunggu"), ("kursi", "kursi di ruang tunggu"), ("parkir", "parkir"),
)  # fmt: skip
_FIELDS = (
    ("tanggal lahir", "tanggal lahir"),
    ("tahun lahir", "tahun lahir"),
    ("nama", "nama"),
    ("alamat", "alamat"),
)
_QUEUE_BEFORE = re.compile(r"(?:antre|antri|nunggu|menunggu)\w*\s+(?:di\s+\S+\s+)?$", re.IGNORECASE)


def _wait_phrase(wait: str) -> str:
    return re.sub(r"^dari\s+(?=(?:bulan\s+)?[A-Za-z]+$)", "sejak ", wait)


_DOCUMENT = re.compile(r"\b(?:dokumen|berkas|kartu|surat|ktp|kk|akta|akte)\w*", re.IGNORECASE)


def _trouble(slots: Slots, text: str) -> str:
    """What went wrong, as a phrase the empathy act can name ("menunggu 3 minggu untuk KTP-el")."""
    low = f" {fold(text)} "
    service = slots.service_phrase if slots.service not in ("antrean", "aplikasi") else ""
    wait = _wait_phrase(slots.wait)
    at = f" di {slots.place}" if slots.place else ""
    kind = slots.problem
    if kind == "staff":
        who = "satpam" if "satpam" in low else "petugas"
        phrase = f"sikap {who}{at}"
        return phrase + (f" saat mengurus {service}" if service else "")
    if kind == "system":
        what = next((p for k, p in _SYSTEM if k in low), "gangguan aplikasinya")
        what = what if what.startswith("gangguan") else f"gangguan {what}"
        if slots.service == "ikd" and "IKD" not in what:
            what += " IKD"
        if wait:
            before = text[: text.find(slots.wait)] if slots.wait in text else ""
            if _QUEUE_BEFORE.search(before):
                return f"{what} setelah antre {wait}"
            return f"{what} yang sudah {wait}"
        return what
    if kind == "equipment":
        return "alat perekaman yang rusak" + (
            f" saat datang {slots.visits}" if slots.visits else ""
        )
    if kind == "facility":
        what = next((p for k, p in _FACILITY if k in low), "fasilitas")
        return f"kondisi {what}{at or ' di kantor'}"
    if kind == "data":
        field = next((p for k, p in _FIELDS if k in low), "data")
        return f"kesalahan {field} di {service or 'dokumennya'}"
    if kind in ("damaged", "lost"):
        state = "rusak" if kind == "damaged" else "hilang"
        if not service and not _DOCUMENT.search(low):
            return ""  # a broken hall or a lost bag is not "a damaged document"
        return f"{service or 'dokumen'} yang {state}"
    if kind == "rejected":
        return f"{service or 'pengajuan'} yang ditolak"
    if kind == "fee":
        # Amounts are not repeated: a reply naming "50 ribu" reads like a promise of money.
        what = (
            "pungutan parkir"
            if "parkir" in low
            else "tawaran calo"
            if re.search(r"\bcalo(?!n(?!ya))", low)
            else "permintaan uang"
        )
        return f"{what} di depan kantor" if "depan kantor" in low else what
    if slots.visits and slots.visits != "bolak-balik":
        return f"harus datang {slots.visits}" + (f" untuk {service}" if service else "")
    if kind == "queue":
        if wait:
            return f"antre {wait}{at}"
        return f"antrean{at}" if at else ""
    if wait and not service:
        return f"menunggu {wait}{at}"  # a wait is a queue only when the comment says so
    if wait and service:
        return f"menunggu {wait} untuk {service}"
    if kind == "delay" and service:
        return f"{service} yang belum jadi"
    if slots.visits:
        return "harus bolak-balik" + (f" untuk {service}" if service else "")
    return f"{service} yang bermasalah" if service else ""


def _praise_topic(slots: Slots) -> str:
    phrase = slots.service_phrase if slots.service not in ("antrean", "aplikasi") else ""
    if phrase and not phrase.startswith("layanan"):
        phrase = f"layanan {phrase}"
    if slots.place:
        phrase = f"{phrase or 'pelayanan'} di {slots.place}"
    return phrase


def _praise_what(slots: Slots) -> str:
    word = slots.praise_detail
    if slots.staff and word in ("ramah", "sabar", "membantu", "jelas"):
        at = f" di {slots.place}" if slots.place else ""
        return f"petugas kami{at} {word}"
    service = slots.service_phrase if slots.service not in ("antrean", "aplikasi") else ""
    if service and slots.wait:
        return f"urusan {service} beres dalam {slots.wait}"
    if service and word:
        return f"urusan {service} lancar"
    if slots.place and word:
        return f"pelayanan di {slots.place} lancar"
    return ""


_VERBISH = re.compile(
    r"^(?:ada|ter\w+|tambah\w*|bisa|buka|jam)\b|\b(?:di\w{3,}|ditambah\w*|dibuat)\b",
    re.IGNORECASE,
)
_DAY_NAMES = re.compile(r"\b(senin|selasa|rabu|kamis|jumat|sabtu|minggu)\b")


def _suggestion_phrase(suggestion: str) -> str:
    """The proposal as a reply names it: "supaya loket dibuka Sabtu", "soal kursi tambahan"."""
    if not suggestion:
        return ""
    suggestion = _DAY_NAMES.sub(lambda m: m.group(1).capitalize(), suggestion)
    if _VERBISH.search(suggestion):
        return f"supaya {suggestion}"
    return f"soal {suggestion}"


__all__ = ["PlanDrafter", "display_name", "reach_phrase", "upper_first"]
