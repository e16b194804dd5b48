"""Meta (Instagram and Facebook Pages): webhook signature, payload parsing and the Graph API client.

Tokens travel in the `Authorization` header, never in URLs, so request logs cannot leak them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from app.comments.service import NewComment
from app.config import Settings
from app.errors import InvalidSignature, MissingSignature, WebhookNotConfigured
from app.integrations import signing
from app.tables import Comment

log = logging.getLogger("tanggap.meta")

SIGNATURE_HEADER = "X-Hub-Signature-256"

# Pages of 100 replies read when looking for an earlier attempt's reply before a retry.
REPLY_LOOKUP_PAGES = 5
# Graph error codes that mean "slow down / try again", even though they come with HTTP 400.
TRANSIENT_GRAPH_CODES = frozenset({1, 2, 4, 17, 32, 341, 613})


# --- incoming webhooks ---------------------------------------------------------------------


def verify_challenge(*, settings: Settings, mode: str | None, token: str | None) -> bool:
    """The `GET /webhooks/meta` handshake: subscribe mode and the configured verify token."""
    expected = settings.meta_verify_token.get_secret_value()
    if not expected or mode != "subscribe" or not token:
        return False
    return signing.matches(expected, token)


def verify_signature(*, settings: Settings, body: bytes, header: str | None) -> None:
    """Check `X-Hub-Signature-256` against the raw body; raises when it is missing or wrong."""
    secret = settings.meta_app_secret.get_secret_value()
    if not secret:
        raise WebhookNotConfigured("TANGGAP_META_APP_SECRET is not set; refusing Meta webhooks.")
    if not header:
        raise MissingSignature(f"{SIGNATURE_HEADER} header missing.")
    if not signing.matches(signing.sign_body(secret, body), header):
        raise InvalidSignature(f"{SIGNATURE_HEADER} does not match the body.")


@dataclass
class MetaChanges:
    """What one webhook delivery asks for."""

    new: list[NewComment] = field(default_factory=list)
    edited: list[NewComment] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (platform, external_id)
    skipped: list[dict[str, Any]] = field(default_factory=list)


def _own(settings: Settings, entry_id: str, author_id: str | None, username: str | None) -> bool:
    own = set(settings.meta_page_ids) | {entry_id}
    return (author_id is not None and author_id in own) or (
        username is not None and username in own
    )


def _clip(text: str, settings: Settings) -> str:
    return text.strip()[: settings.max_text_chars]


def _from_unix(value: Any) -> datetime | None:
    if isinstance(value, int | float) and value > 0:
        return datetime.fromtimestamp(value, UTC)
    return None


def parse_payload(payload: dict[str, Any], *, settings: Settings) -> MetaChanges:
    """Turn a Meta webhook body into comments to add, edit and remove.

    Instagram: `object=instagram`, `changes[].field=comments`. Facebook: `object=page`,
    `changes[].field=feed` with `item=comment` and verb add/edited/remove. Comments written by
    the page itself (its id, `meta_page_ids`) are skipped; so are empty ones (stickers, photos).
    """
    out = MetaChanges()
    obj = payload.get("object")
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        entry_id = str(entry.get("id") or "")
        account = settings.meta_accounts.get(entry_id)
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                continue
            value = change["value"]
            fld = change.get("field")
            if obj == "instagram" and fld == "comments":
                _instagram(out, value, entry_id=entry_id, account=account, settings=settings)
            elif obj == "page" and fld == "feed" and value.get("item") == "comment":
                _facebook(out, value, entry_id=entry_id, account=account, settings=settings)
            else:
                out.skipped.append({"reason": "unsupported", "object": obj, "field": fld})
    return out


def _instagram(
    out: MetaChanges,
    value: dict[str, Any],
    *,
    entry_id: str,
    account: str | None,
    settings: Settings,
) -> None:
    sender = value.get("from") or {}
    comment_id = str(value.get("id") or "")
    text = _clip(str(value.get("text") or ""), settings)
    if not comment_id:
        out.skipped.append({"reason": "no_id"})
        return
    if _own(settings, entry_id, _str(sender.get("id")), _str(sender.get("username"))):
        out.skipped.append({"reason": "own_comment", "external_id": comment_id})
        return
    if not text:
        out.skipped.append({"reason": "empty", "external_id": comment_id})
        return
    media = value.get("media") or {}
    out.new.append(
        NewComment(
            platform="instagram",
            external_id=comment_id,
            text=text,
            author=_str(sender.get("username")),
            author_id=_str(sender.get("id")),
            post_id=_str(media.get("id")),
            parent_id=_str(value.get("parent_id")),
            account=account,
            extra={"meta_entry_id": entry_id},
        )
    )


def _facebook(
    out: MetaChanges,
    value: dict[str, Any],
    *,
    entry_id: str,
    account: str | None,
    settings: Settings,
) -> None:
    sender = value.get("from") or {}
    comment_id = str(value.get("comment_id") or "")
    verb = value.get("verb")
    if not comment_id:
        out.skipped.append({"reason": "no_id"})
        return
    if verb == "remove":
        out.removed.append(("facebook", comment_id))
        return
    if _own(settings, entry_id, _str(sender.get("id")), None):
        out.skipped.append({"reason": "own_comment", "external_id": comment_id})
        return
    text = _clip(str(value.get("message") or ""), settings)
    if not text:
        out.skipped.append({"reason": "empty", "external_id": comment_id})
        return
    post_id = _str(value.get("post_id"))
    parent_id = _str(value.get("parent_id"))
    item = NewComment(
        platform="facebook",
        external_id=comment_id,
        text=text,
        author=_str(sender.get("name")),
        author_id=_str(sender.get("id")),
        post_id=post_id,
        # A top-level comment's parent is the post itself.
        parent_id=None if parent_id == post_id else parent_id,
        created_at=_from_unix(value.get("created_time")),
        account=account,
        extra={"meta_entry_id": entry_id},
    )
    if verb == "edited":
        out.edited.append(item)
    elif verb == "add":
        out.new.append(item)
    else:
        out.skipped.append({"reason": "unsupported_verb", "verb": verb})


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


# --- outgoing: the Graph API ---------------------------------------------------------------


class GraphError(Exception):
    """A Graph API call that failed; `transient` says whether a retry may help."""

    def __init__(self, message: str, *, status: int | None, transient: bool) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient


def page_token(settings: Settings, comment: Comment) -> str:
    """The page token for a comment: per account (or per page id), else the default one."""
    entry_id = str((comment.extra or {}).get("meta_entry_id") or "")
    for key in (comment.account, entry_id):
        token = settings.meta_page_tokens.get(key) if key else None
        if token is not None and token.get_secret_value():
            return token.get_secret_value()
    return settings.meta_page_token.get_secret_value()


def own_ids(settings: Settings, comment: Comment) -> frozenset[str]:
    """Ids and user names the institution answers as, for the page a comment came through."""
    entry_id = str((comment.extra or {}).get("meta_entry_id") or "")
    return frozenset({*settings.meta_page_ids, entry_id} - {""})


class GraphClient:
    """The few Graph API calls Tanggap makes: reply to a comment (once) and hide one."""

    def __init__(self, http: httpx.Client, settings: Settings) -> None:
        self.http = http
        self.base = f"{settings.meta_graph_url.rstrip('/')}/{settings.meta_api_version.strip('/')}"
        self.timeout = settings.http_timeout_seconds

    def reply(self, *, platform: str, comment_id: str, message: str, token: str) -> str:
        """Post a public reply; returns the new comment's id."""
        edge = "replies" if platform == "instagram" else "comments"
        body = self._post(f"{comment_id}/{edge}", {"message": message}, token)
        posted = body.get("id")
        if not posted:
            raise GraphError("Graph API answered without an id", status=200, transient=False)
        return str(posted)

    def find_reply(
        self,
        *,
        platform: str,
        comment_id: str,
        message: str,
        token: str,
        own_ids: frozenset[str],
    ) -> str | None:
        """The id of a reply under the comment by one of `own_ids` with exactly this text.

        Asked before a retried post: an earlier attempt may have reached Meta (a timeout, or a
        crash before Tanggap recorded the answer), and posting again would answer twice.
        """
        edge = "replies" if platform == "instagram" else "comments"
        fields = "id,text,username,from" if platform == "instagram" else "id,message,from"
        want = message.strip()
        params = {"fields": fields, "limit": "100"}
        for _ in range(REPLY_LOOKUP_PAGES):
            body = self._request("GET", f"{comment_id}/{edge}", token, params=params)
            for item in body.get("data") or []:
                if not isinstance(item, dict) or not item.get("id"):
                    continue
                text = str(item.get("text") or item.get("message") or "").strip()
                sender = item.get("from")
                author = sender if isinstance(sender, dict) else {}
                names = {str(author.get(k) or "") for k in ("id", "username")}
                names.add(str(item.get("username") or ""))
                if text == want and names & own_ids:
                    return str(item["id"])
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                return None
            params = {**params, "after": str(after)}
        return None

    def hide(self, *, platform: str, comment_id: str, token: str) -> None:
        """Hide a comment from the public (Instagram `hide`, Facebook `is_hidden`)."""
        field_name = "hide" if platform == "instagram" else "is_hidden"
        body = self._post(comment_id, {field_name: "true"}, token)
        if body.get("success") is False:
            raise GraphError("Graph API refused to hide the comment", status=200, transient=False)

    def _post(self, path: str, data: dict[str, str], token: str) -> dict[str, Any]:
        return self._request("POST", path, token, data=data)

    def _request(
        self,
        method: str,
        path: str,
        token: str,
        *,
        data: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        url = f"{self.base}/{path}"
        try:
            response = self.http.request(
                method,
                url,
                data=data,
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.timeout,
            )
        except httpx.TimeoutException as exc:
            raise GraphError(
                f"timeout calling Graph API: {type(exc).__name__}", status=None, transient=True
            ) from exc
        except httpx.TransportError as exc:
            raise GraphError(
                f"cannot reach Graph API: {type(exc).__name__}", status=None, transient=True
            ) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if response.is_success:
            return body
        raw_error = body.get("error")
        error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
        code = error.get("code")
        message = str(error.get("message") or response.reason_phrase)[:300]
        transient = (
            response.status_code >= 500
            or response.status_code == 429
            or code in TRANSIENT_GRAPH_CODES
            or bool(error.get("is_transient"))
        )
        raise GraphError(
            f"Graph API {response.status_code} (code {code}): {message}",
            status=response.status_code,
            transient=transient,
        )
