"""Chatwoot: the agent-bot webhook in, private notes and labels out."""

from __future__ import annotations

import re
from typing import Any

import httpx

from app.comments.service import NewComment
from app.config import Settings
from app.errors import InvalidSignature, MissingSignature, WebhookNotConfigured
from app.integrations import signing
from app.tables import Comment, Draft

SIGNATURE_HEADER = "X-Chatwoot-Signature"
TIMESTAMP_HEADER = "X-Chatwoot-Timestamp"
PLATFORM = "chatwoot"


def verify_signature(
    *, settings: Settings, body: bytes, signature: str | None, timestamp: str | None
) -> None:
    """Require `sha256=HMAC(secret, "{timestamp}.{body}")`, fresh.

    Without TANGGAP_CHATWOOT_WEBHOOK_SECRET every delivery is refused, unless
    TANGGAP_CHATWOOT_ALLOW_UNSIGNED says the network in front is trusted.
    """
    secret = settings.chatwoot_webhook_secret.get_secret_value()
    if not secret:
        if settings.chatwoot_allow_unsigned:
            return
        raise WebhookNotConfigured(
            "TANGGAP_CHATWOOT_WEBHOOK_SECRET is not set (or TANGGAP_CHATWOOT_ALLOW_UNSIGNED)."
        )
    if not signature or not timestamp:
        raise MissingSignature(f"{SIGNATURE_HEADER} and {TIMESTAMP_HEADER} headers required.")
    if not signing.timestamp_fresh(timestamp, tolerance=settings.webhook_tolerance_seconds):
        raise InvalidSignature(f"{TIMESTAMP_HEADER} is missing, malformed or too old.")
    if not signing.matches(signing.sign_timestamped(secret, timestamp.strip(), body), signature):
        raise InvalidSignature(f"{SIGNATURE_HEADER} does not match the body.")


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return None if value is None or value == "" else str(value)


def parse_message(payload: dict[str, Any], *, settings: Settings) -> NewComment | str:
    """A `message_created` webhook as a comment to ingest, or the reason it is ignored.

    Only public incoming messages from contacts count: agents' replies, private notes (ours
    included) and bot messages are ignored, so Tanggap never answers itself.
    """
    if payload.get("event") != "message_created":
        return "not message_created"
    if payload.get("message_type") not in ("incoming", 0):
        return "not an incoming message"
    if payload.get("private"):
        return "private note"
    sender = payload.get("sender") or {}
    if isinstance(sender, dict) and sender.get("type") not in (None, "contact"):
        return "not from a contact"
    content = str(payload.get("content") or "").strip()[: settings.max_text_chars]
    if not content:
        return "empty message"
    account_id = _id(payload.get("account"))
    conversation = payload.get("conversation") or {}
    # In webhook payloads `conversation.id` is the display id, the one the REST API uses.
    conversation_id = _id(conversation)
    message_id = _id(payload.get("id"))
    if not (account_id and conversation_id and message_id):
        return "missing account, conversation or message id"
    inbox_id = _id(payload.get("inbox")) or _id(conversation.get("inbox_id"))
    return NewComment(
        platform=PLATFORM,
        external_id=f"{account_id}:{message_id}",
        text=content,
        author=str(sender.get("name")) if sender.get("name") else None,
        author_id=_id(sender),
        post_id=conversation_id,
        account=settings.chatwoot_accounts.get(account_id),
        extra={
            "chatwoot": {
                "account_id": account_id,
                "conversation_id": conversation_id,
                "message_id": message_id,
                "inbox_id": inbox_id,
                "channel": conversation.get("channel"),
            }
        },
    )


_LABEL_SAFE = re.compile(r"[^a-z0-9_-]+")


def labels_for(comment: Comment) -> list[str]:
    """Conversation labels for the classification (Chatwoot labels: lowercase, - and _)."""
    labels = []
    if comment.intent:
        labels.append(f"intent-{comment.intent}")
    if comment.sentiment:
        labels.append(f"sentiment-{comment.sentiment}")
    if comment.abusive:
        labels.append("abusive")
    return [_LABEL_SAFE.sub("-", label.lower()) for label in labels]


def note_text(comment: Comment, draft: Draft | None) -> str:
    """The private note agents see under the citizen's message."""
    lines = ["🤖 Tanggap"]
    lines.append(
        f"Intent: {comment.intent or '-'} · Sentimen: {comment.sentiment or '-'}"
        + (" · Kasar: ya" if comment.abusive else "")
    )
    if draft is None:
        lines.append("Tidak ada draf balasan.")
    elif draft.action == "hide":
        lines.append(f"Saran: sembunyikan / abaikan (spam). Draf #{draft.id}.")
    else:
        lines.append(f"Saran balasan (draf #{draft.id}, nada {draft.tone}):")
        lines.append("")
        lines.append(draft.text or "")
    return "\n".join(lines)


class ChatwootError(Exception):
    def __init__(self, message: str, *, status: int | None, transient: bool) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient


class ChatwootClient:
    """Application API calls with the `api_access_token` header (a user's or an agent bot's).

    Endpoints as in Chatwoot's source: `conversations/{id}/messages` (private notes),
    `conversations/{id}/labels` (LabelConcern: POST replaces the list and answers the labels the
    conversation now has) and `conversations/{id}/toggle_status` (an agent bot moving a `pending`
    conversation to `open` hands it over to the agents).
    """

    def __init__(self, http: httpx.Client, *, url: str, token: str, timeout: float) -> None:
        if not url:
            raise ChatwootError("TANGGAP_CHATWOOT_URL is not set", status=None, transient=False)
        self.http = http
        self.base = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _conversation(self, account_id: str, conversation_id: str) -> str:
        return f"{self.base}/api/v1/accounts/{account_id}/conversations/{conversation_id}"

    def post_note(self, *, account_id: str, conversation_id: str, content: str) -> str | None:
        """Add a private note to a conversation; returns the message id."""
        body = self._call(
            "POST",
            self._conversation(account_id, conversation_id) + "/messages",
            json={"content": content, "message_type": "outgoing", "private": True},
        )
        return _id(body.get("id")) if isinstance(body, dict) else None

    def add_labels(self, *, account_id: str, conversation_id: str, labels: list[str]) -> list[str]:
        """Merge labels into the conversation's (the API replaces the whole list); returns the
        labels Chatwoot says the conversation has now."""
        url = self._conversation(account_id, conversation_id) + "/labels"
        current = self._call("GET", url)
        existing = current.get("payload") if isinstance(current, dict) else None
        merged = list(dict.fromkeys([*(existing or []), *labels]))
        answer = self._call("POST", url, json={"labels": merged})
        stored = answer.get("payload") if isinstance(answer, dict) else None
        return [str(label) for label in stored] if isinstance(stored, list) else []

    def set_status(self, *, account_id: str, conversation_id: str, status: str) -> str | None:
        """`toggle_status` with an explicit status; returns the status Chatwoot reports."""
        body = self._call(
            "POST",
            self._conversation(account_id, conversation_id) + "/toggle_status",
            json={"status": status},
        )
        payload = body.get("payload") if isinstance(body, dict) else None
        current = payload.get("current_status") if isinstance(payload, dict) else None
        return str(current) if current is not None else None

    def _call(self, method: str, url: str, json: Any = None) -> Any:
        try:
            response = self.http.request(
                method,
                url,
                json=json,
                headers={"api_access_token": self.token},
                timeout=self.timeout,
            )
        except httpx.TimeoutException as exc:
            raise ChatwootError("timeout calling Chatwoot", status=None, transient=True) from exc
        except httpx.TransportError as exc:
            raise ChatwootError(
                f"cannot reach Chatwoot: {type(exc).__name__}", status=None, transient=True
            ) from exc
        if not response.is_success:
            raise ChatwootError(
                f"Chatwoot {response.status_code}: {response.text[:200]}",
                status=response.status_code,
                transient=response.status_code >= 500 or response.status_code == 429,
            )
        try:
            return response.json()
        except ValueError:
            return {}
