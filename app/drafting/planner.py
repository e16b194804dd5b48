"""Deciding what to do with a comment and planning the reply as a sequence of acts.

First the action (`decide`): the classifier's ``action`` (reply / no_reply / hide) with a few
policy rules on top (gambling promotion is hidden whatever the label says; election talk,
grief posts and chatter between users get no reply). Then, for replies, the plan (`plan`): the
acts a good reply needs, chosen from the slots of the comment: acknowledge what was said,
empathy when it fits, the answer (or "not in our FAQ" and where to ask), the ONE missing detail
(never one the citizen already gave, never a chronology of a non-event), routing to the office
in charge for things outside the account's remit, a privacy warning when personal data was
posted, and a close. Acts are template keys of ``prompts/acts.v<N>.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.drafting.slots import Slots
from app.nlp.classifier import Prediction

FLAG_HIDE_PII = "hide_comment_pii"
FLAG_NO_REPLY = "abusive_no_reply"


@dataclass(frozen=True)
class Decision:
    action: str  # reply | no_reply | hide
    reason: str | None = None


@dataclass(frozen=True)
class Plan:
    """The acts of one reply (template keys, in order) and the flags it raises."""

    keys: tuple[str, ...]
    flags: tuple[str, ...] = ()

    @property
    def acts(self) -> list[str]:
        """Act names without the greeting and the variant kind ("ask_detail", "answer")."""
        names = []
        for key in self.keys:
            name = key.split(".", 1)[0]
            if name == "greet":
                continue
            if key.startswith("acknowledge") or key in ("have_ref", "invite", "contact"):
                name = "acknowledge"
            names.append(name)
        return names


# Services too generic to make a remark a report by themselves ("upload", "antri" in chatter).
GENERIC_SERVICES = ("aplikasi", "antrean", "keamanan")


def decide(prediction: Prediction, slots: Slots, *, abusive_policy: str = "calm") -> Decision:
    """The action for a comment: the classifier's, with the drafter's policy rules on top."""
    intent = prediction.intent
    if intent == "spam" or (slots.gambling and intent not in ("keluhan", "kritik", "saran")):
        return Decision("hide", "spam")
    if prediction.action == "hide":
        reason = prediction.action_reason or ("abuse" if prediction.abusive else "policy")
        return Decision("hide", reason)
    if prediction.abusive and slots.threat:
        return Decision("hide", "threat")
    if prediction.action == "no_reply" and missed_report(prediction, slots) is None:
        return Decision("no_reply", prediction.action_reason or "nothing_to_answer")
    if prediction.abusive and abusive_policy == "none":
        return Decision("no_reply", "abuse")
    if prediction.action != "no_reply" and not_addressed(prediction, slots):
        return Decision("no_reply", "not_addressed")
    if intent == "lainnya" and not slots.question:
        if slots.election:
            return Decision("no_reply", "election")
        if slots.grief:
            return Decision("no_reply", "grief")
        if slots.chatter:
            return Decision("no_reply", "chatter")
    if intent == "lainnya" and slots.election and slots.service is None:
        return Decision("no_reply", "election")
    return Decision("reply")


def missed_report(prediction: Prediction, slots: Slots) -> str | None:
    """Why a comment the classifier would not answer still needs a reply, or None.

    The second, conservative look at ``no_reply``: personal data posted with a request or a
    problem (the reply asks to delete it), a security or misuse-of-funds report (routed to the
    police or the inspectorate), a public-service problem (a broken road, a dark street lamp),
    a request that names a ticket number, a problem with a named service (a delay, an outage),
    or a question about a named public service. Chatter
    between users, grief, election talk and abuse stay unanswered.
    """
    if slots.chatter or slots.grief or slots.election or slots.gambling or prediction.abusive:
        return None
    if slots.commercial and not slots.institution and not slots.services:
        return None
    if slots.pii and (slots.request or slots.problem or slots.services or slots.reference):
        return "pii"
    if slots.service_kind in ("integrity", "security") and (
        slots.request or slots.institution or slots.public_words
    ):
        return slots.service_kind  # a report, not a remark about the news
    if slots.public_issue and (slots.request or slots.problem or prediction.sentiment != "positif"):
        return "public_issue"
    if slots.request and (slots.reference or slots.institution or slots.services):
        return "request"
    named = [s for s in slots.services if s not in GENERIC_SERVICES]
    if (
        named
        and not slots.commercial
        and (slots.problem or slots.outage or (slots.wait and prediction.sentiment == "negatif"))
    ):
        return "service_problem"  # "KTP saya belum jadi udah 2 bulan", "air PDAM ga ngalir"
    if (
        slots.question
        and slots.services
        and not slots.commercial
        and (slots.ask or slots.institution or slots.request or slots.public_words)
    ):
        return "question"  # "kenapa kepesertaan BPJS kami berbeda?": a question about a service
    return None


def not_addressed(prediction: Prediction, slots: Slots) -> bool:
    """A comment the classifier would answer that is not the institution's business.

    Conservative: a review of a shop, restaurant or product that names no service and no
    institution, or a remark labelled "lainnya" that names no service, no institution, no
    public matter and asks nothing. Praise, criticism, complaints and questions that are not
    reviews are kept.
    """
    if slots.pii or slots.request or slots.reference or slots.services or slots.institution:
        return False
    if slots.commercial:
        return True
    if slots.question or slots.addressed:
        return False
    # Praise, criticism and complaints under the account's post are to the account even when
    # they name nothing ("keren programnya", "lambat banget"); only "lainnya" is dropped.
    return prediction.intent == "lainnya"


def missing_detail(slots: Slots, *, has_answer: bool, abusive: bool) -> str | None:
    """The one detail a complaint reply may ask for (a template kind), or None.

    ``have_ref`` means the citizen already gave the registration number: the reply says so
    instead of asking for it.
    """
    if abusive:
        return None
    problem = slots.problem
    if problem in ("delay", "rejected", "data") or (
        problem is None and slots.wait and slots.service
    ):
        return "have_ref" if slots.reference else "ref"
    if problem == "staff":
        if not slots.office_given:
            return "office"
        return None if slots.time_given else "time"
    if problem in ("queue", "facility", "equipment"):
        return None if (slots.office_given or slots.place) else "office"
    if problem == "system":
        return None if has_answer else "screenshot"
    return None


def plan(
    prediction: Prediction,
    slots: Slots,
    *,
    has_answer: bool,
    routed: bool,
    can_invite: bool,
    unplaced: bool = False,
    route_kind: str = "",
    internal: bool = False,
    outside: bool = False,
) -> Plan:
    """The acts of the reply to one comment (the action is already `reply`)."""
    intent = prediction.intent
    abusive = prediction.abusive
    keys: list[str] = ["greet"]
    flags: list[str] = []
    if routed and route_kind in ("integrity", "security"):
        # Taken seriously and pointed to the inspectorate / the police; nothing promised.
        keys += [f"acknowledge.{route_kind}", f"route.{route_kind}"]
        close = "close.route"
    elif routed and unplaced:
        # No service named: say where the account can help, point the rest elsewhere.
        if outside:  # the topics are named, the office is not: name them, route to the channel
            keys += ["acknowledge.route", "route.outside"]
        else:
            keys += ["acknowledge.unplaced", "route.hub" if internal else "route.unplaced"]
        close = "close.other"
        if slots.reference:
            keys.append("have_ref.route")  # a ticket of an earlier report: where to follow it
    elif routed:
        asks = intent == "pertanyaan" or (slots.question and intent not in ("keluhan", "kritik"))
        if asks and not slots.public_issue:
            # A service someone applies for elsewhere (a passport, SIM): ask there. A public
            # matter (a dark street lamp "?") is a report even when it ends with a question.
            keys += ["route.question"]
            close = "close.question"
        elif slots.public_issue:
            keys += ["acknowledge.route", "route.internal" if internal else "route.report"]
            close = "close.route"
        else:
            keys += ["acknowledge.personal", "route.internal" if internal else "route.report"]
            close = "close.complaint"
        if slots.reference:
            keys.append("have_ref.route")  # a ticket of an earlier report: where to follow it
    elif intent == "pertanyaan" or (intent == "lainnya" and has_answer):
        if slots.death:
            keys.append("empathy")
        keys.append("answer.question" if has_answer else "not_in_faq")
        close = "close.question"
    elif intent == "keluhan":
        keys.append("empathy")
        if has_answer:
            keys.append("answer.fix")
        detail = missing_detail(slots, has_answer=has_answer, abusive=abusive)
        if detail == "have_ref":
            keys.append("have_ref")
        elif detail:
            keys.append(f"ask_detail.{detail}")
        elif not has_answer and not abusive:
            keys.append("contact")  # every complaint reply says where to go next
        close = "close.complaint"
    elif intent == "kritik":
        keys.append("acknowledge.criticism")
        if can_invite and not abusive:
            keys.append("invite")
        close = "close.criticism"
    elif intent == "saran":
        keys.append("acknowledge.suggestion")
        close = "close.suggestion"
    elif intent == "apresiasi":
        keys.append("thanks")
        close = "close.praise"
    elif slots.suggestion:  # a proposal labelled "lainnya"
        keys.append("acknowledge.suggestion")
        close = "close.suggestion"
    else:
        keys.append("acknowledge.other")
        close = "close.other"
    if _exposes_personal_data(slots):
        keys.append("privacy")
        flags.append(FLAG_HIDE_PII)
    keys.append(close)
    return Plan(keys=tuple(keys), flags=tuple(flags))


def _exposes_personal_data(slots: Slots) -> bool:
    """Personal data worth a warning: an address in a report of a public matter (a broken road
    "di Jl. Girilaya RT 3") is where the problem is, not where someone lives; numbers (NIK,
    phone, account) and e-mail always are."""
    if not slots.pii:
        return False
    return not (slots.public_issue and set(slots.pii) <= {"address"})
