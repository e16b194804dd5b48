"""Meta (Instagram and Facebook Pages): webhook signature, payload parsing and the Graph API client.

Tokens travel in the `Authorization` header, never in URLs, so request logs cannot leak them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import httpx

from app.comments.service import NewComment
from app.config import Settings
from app.errors import InvalidSignature, MissingSignature, WebhookNotConfigured
from app.integrations import signing
from app.tables import Comment
from app.validation import from_unix

log = logging.getLogger("tanggap.meta")

SIGNATURE_HEADER = "X-Hub-Signature-256"

# Pages of 100 replies read when looking for an earlier attempt's reply before a retry.
REPLY_LOOKUP_PAGES = 5


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
    hidden: list[tuple[str, str]] = field(default_factory=list)
    unhidden: list[tuple[str, str]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Mention:
    """An Instagram `mentions` change: a comment @mentioning the account, text not included."""

    entry_id: str
    comment_id: str
    media_id: str | None
    account: str | None


def _own(settings: Settings, entry_id: str, author_id: str | None, username: str | None) -> bool:
    own = set(settings.meta_page_ids) | {entry_id}
    return (author_id is not None and author_id in own) or (
        username is not None and username in own
    )


def _clip(text: str, settings: Settings) -> str:
    return text.strip()[: settings.max_text_chars]


def _from_unix(value: Any) -> datetime | None:
    """A platform time in range, else None (a hostile `created_time` must not fail a delivery)."""
    return from_unix(value) if isinstance(value, int | float) and value > 0 else None


def change_time(item: NewComment) -> float | None:
    """When Meta says the change happened (the entry's `time`), to order edits."""
    value = (item.extra or {}).get("meta_time")
    return float(value) if isinstance(value, int | float) else None


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
        entry_id = str(entry.get("id") or "")[:200]
        account = settings.meta_accounts.get(entry_id)
        raw_time = entry.get("time")
        # seconds or milliseconds; anything else is as if absent
        entry_time: float | None = None
        if isinstance(raw_time, int | float) and not isinstance(raw_time, bool):
            entry_time = float(raw_time) if 0 < raw_time < 1e14 else None
        seen = (len(out.new), len(out.edited))
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                continue
            value = change["value"]
            fld = change.get("field")
            if obj == "instagram" and fld == "comments":
                _instagram(out, value, entry_id=entry_id, account=account, settings=settings)
            elif obj == "instagram" and fld == "mentions":
                _mention(out, value, entry_id=entry_id, account=account)
            elif obj == "page" and fld == "feed" and value.get("item") == "comment":
                _facebook(out, value, entry_id=entry_id, account=account, settings=settings)
            else:
                out.skipped.append({"reason": "unsupported", "object": obj, "field": fld})
        if entry_time is not None:  # the entry's time orders edits: only a newer one applies
            for item in [*out.new[seen[0] :], *out.edited[seen[1] :]]:
                (item.extra or {})["meta_time"] = entry_time
    return out


def _mention(
    out: MetaChanges, value: dict[str, Any], *, entry_id: str, account: str | None
) -> None:
    # Instagram webhooks reference, `mentions` field: {"comment_id", "media_id"}; without a
    # comment_id it is a caption mention, which has no comment to answer.
    comment_id = _str(value.get("comment_id"))
    if comment_id is None:
        out.skipped.append({"reason": "caption_mention"})
        return
    out.mentions.append(
        Mention(
            entry_id=entry_id,
            comment_id=comment_id,
            media_id=_str(value.get("media_id")),
            account=account,
        )
    )


def mention_comment(
    found: dict[str, Any],
    *,
    entry_id: str,
    comment_id: str,
    media_id: Any,
    account: str,
    settings: Settings,
) -> NewComment | str:
    """The comment read for a mention, as one to ingest, or why it is skipped."""
    username = _str(found.get("username"))
    if _own(settings, entry_id, None, username):
        return "own_comment"
    text = _clip(str(found.get("text") or ""), settings)
    if not text:
        return "empty"
    media = found.get("media") if isinstance(found.get("media"), dict) else {}
    return NewComment(
        platform="instagram",
        external_id=comment_id,
        text=text,
        author=username,
        post_id=_str((media or {}).get("id")) or _str(media_id),
        account=account,
        extra={"meta_entry_id": entry_id, "mention": True},
    )


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
    if verb in ("hide", "unhide"):
        # Someone hid (or showed again) the comment on Facebook, the page itself included.
        (out.hidden if verb == "hide" else out.unhidden).append(("facebook", comment_id))
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


# How Tanggap reacts to a Graph error, from Meta's "Handling Errors" guide
# (developers.facebook.com/docs/graph-api/guides/error-handling) and "Rate Limits"
# (developers.facebook.com/docs/graph-api/overview/rate-limiting).
class Failure(StrEnum):
    """What a Graph failure means for Tanggap."""

    THROTTLED = "throttled"  # wait (the advertised time when Meta gives one), then try again
    TRANSIENT = "transient"  # a temporary fault: retry soon with backoff
    TOKEN = "token"  # noqa: S105 - the token expired or was revoked: a person sets a new one
    PERMISSION = "permission"  # the app or token lacks a permission: stop
    INVALID = "invalid"  # the request itself is wrong (or not allowed): stop


THROTTLED, TRANSIENT, TOKEN, PERMISSION, INVALID = (
    Failure.THROTTLED,
    Failure.TRANSIENT,
    Failure.TOKEN,
    Failure.PERMISSION,
    Failure.INVALID,
)

# 4 app, 17 user, 32 page, 613 custom, 341 app limit, 368 temporary policy block, and the
# business-use-case codes (80001 Pages, 80002 Instagram, ...).
THROTTLE_CODES = frozenset(
    {4, 17, 32, 341, 368, 613, 80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009}
    | {80014}
)
TRANSIENT_CODES = frozenset({1, 2})
TOKEN_CODES = frozenset({102, 190})
# Authentication subcodes: app not installed, checkpoint, password changed, expired, invalid
# session, logged out, ... (the guide's "Authentication Error Subcodes").
TOKEN_SUBCODES = frozenset({458, 459, 460, 463, 464, 467, 492})
PERMISSION_CODES = frozenset({3, 10, *range(200, 300)})


def classify(
    *, status: int | None, code: int | None, subcode: int | None, transient: bool
) -> Failure:
    """The kind of a Graph failure: throttled, transient, token, permission or invalid."""
    if code in TOKEN_CODES or subcode in TOKEN_SUBCODES:
        return TOKEN
    if code in THROTTLE_CODES or status == 429:
        return THROTTLED
    if code in PERMISSION_CODES:
        return PERMISSION
    if code in TRANSIENT_CODES or transient or status is None or status >= 500:
        return TRANSIENT
    return INVALID


@dataclass(frozen=True)
class Usage:
    """What the usage headers said: the highest percentage and the wait Meta advertised."""

    percent: float
    regain_seconds: float | None
    app: dict[str, Any]
    business: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "percent": self.percent,
            "regain_seconds": self.regain_seconds,
            "app": self.app,
            "business": self.business,
        }


def _json_header(headers: httpx.Headers, name: str) -> Any:
    raw = headers.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _percent(entry: dict[str, Any]) -> float:
    values = [entry.get(k) for k in ("call_count", "total_cputime", "total_time")]
    return max([float(v) for v in values if isinstance(v, int | float)] or [0.0])


def parse_usage(headers: httpx.Headers) -> Usage | None:
    """Read `X-App-Usage` and `X-Business-Use-Case-Usage` (percentages of the limits).

    `estimated_time_to_regain_access` in the business header is in minutes.
    """
    app = _json_header(headers, "X-App-Usage")
    business = _json_header(headers, "X-Business-Use-Case-Usage")
    app = app if isinstance(app, dict) else {}
    business = business if isinstance(business, dict) else {}
    if not app and not business:
        return None
    percent = _percent(app)
    regain: float | None = None
    for entries in business.values():
        for entry in entries if isinstance(entries, list) else [entries]:
            if not isinstance(entry, dict):
                continue
            percent = max(percent, _percent(entry))
            minutes = entry.get("estimated_time_to_regain_access")
            if isinstance(minutes, int | float) and minutes > 0:
                regain = max(regain or 0.0, float(minutes) * 60)
    return Usage(percent=percent, regain_seconds=regain, app=app, business=business)


class GraphError(Exception):
    """A Graph API call that failed, with Meta's code and subcode and what to do about it."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        kind: Failure,
        code: int | None = None,
        subcode: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.code = code
        self.subcode = subcode
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        return self.kind in (THROTTLED, TRANSIENT)


@dataclass(frozen=True)
class GraphTarget:
    """Where and as whom to call: host and version per account, its token, the app secret."""

    host: str
    version: str
    token: str = field(repr=False)
    app_secret: str = field(default="", repr=False)

    @property
    def base(self) -> str:
        return f"{self.host.rstrip('/')}/{self.version.strip('/')}"


def appsecret_proof(app_secret: str, token: str) -> str:
    """`appsecret_proof`: HMAC-SHA256 of the access token keyed with the app secret, in hex."""
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def page_token(settings: Settings, account: str | None, entry_id: str) -> str:
    """The page token from settings: per account (or per page id), else the default one."""
    for key in (account, entry_id):
        token = settings.meta_page_tokens.get(key) if key else None
        if token is not None and token.get_secret_value():
            return token.get_secret_value()
    return settings.meta_page_token.get_secret_value()


def own_ids(settings: Settings, comment: Comment) -> frozenset[str]:
    """Ids and user names the institution answers as, for the page a comment came through."""
    entry_id = str((comment.extra or {}).get("meta_entry_id") or "")
    return frozenset({*settings.meta_page_ids, entry_id} - {""})


class GraphClient:
    """The Graph API calls Tanggap makes: reply (once), look for a reply, hide, read a comment.

    The token travels in the `Authorization` header, never in a URL; `appsecret_proof` goes with
    every call when the app secret is known. `last_usage` holds the latest usage headers.
    """

    def __init__(self, http: httpx.Client, target: GraphTarget, *, timeout: float) -> None:
        self.http = http
        self.target = target
        self.timeout = timeout
        self.last_usage: Usage | None = None

    def post_reply(self, *, path: str, message: str, extra: dict[str, str] | None = None) -> str:
        """POST a reply to `path` (`{id}/replies`, `{id}/comments`, `{ig-user}/mentions`)."""
        body = self._request("POST", path, data={**(extra or {}), "message": message})
        posted = body.get("id")
        if not posted:
            raise GraphError("Graph API answered without an id", status=200, kind=INVALID)
        return str(posted)

    def find_reply(
        self, *, path: str, text_field: str, message: str, own_ids: frozenset[str]
    ) -> str | None:
        """The id of a reply listed at `path` by one of `own_ids` with exactly this text.

        Asked before a retried post: an earlier attempt may have reached Meta (a timeout, or a
        crash before Tanggap recorded the answer), and posting again would answer twice.
        """
        want = message.strip()
        params = {"fields": f"id,{text_field},from", "limit": "100"}
        if text_field == "text":
            params["fields"] += ",username"
        for _ in range(REPLY_LOOKUP_PAGES):
            body = self._request("GET", path, params=params)
            for item in body.get("data") or []:
                if not isinstance(item, dict) or not item.get("id"):
                    continue
                text = str(item.get("text") or item.get("message") or "").strip()
                raw_author = item.get("from")
                author: dict[str, Any] = raw_author if isinstance(raw_author, dict) else {}
                names = {str(author.get(k) or "") for k in ("id", "username")}
                names.add(str(item.get("username") or ""))
                if text == want and names & own_ids:
                    return str(item["id"])
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                return None
            params = {**params, "after": str(after)}
        return None

    def read(self, path: str, *, fields: str) -> dict[str, Any]:
        """GET one node with the given fields."""
        return self._request("GET", path, params={"fields": fields})

    def hide(self, *, platform: str, comment_id: str) -> None:
        """Hide a comment from the public (Instagram `hide`, Facebook `is_hidden`)."""
        field_name = "hide" if platform == "instagram" else "is_hidden"
        body = self._request("POST", comment_id, data={field_name: "true"})
        if body.get("success") is False:
            raise GraphError("Graph API refused to hide the comment", status=200, kind=INVALID)

    def _request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        if self.target.app_secret:
            proof = {"appsecret_proof": appsecret_proof(self.target.app_secret, self.target.token)}
            if method == "GET":
                params = {**(params or {}), **proof}
            else:
                data = {**(data or {}), **proof}
        try:
            response = self.http.request(
                method,
                f"{self.target.base}/{path}",
                data=data,
                params=params,
                headers={"Authorization": f"Bearer {self.target.token}"},
                timeout=self.timeout,
            )
        except httpx.TimeoutException as exc:
            raise GraphError(
                f"timeout calling Graph API: {type(exc).__name__}", status=None, kind=TRANSIENT
            ) from exc
        except httpx.TransportError as exc:
            raise GraphError(
                f"cannot reach Graph API: {type(exc).__name__}", status=None, kind=TRANSIENT
            ) from exc
        usage = parse_usage(response.headers)
        if usage is not None:
            self.last_usage = usage
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if response.is_success:
            return body
        raise _error(response, body, usage)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error(response: httpx.Response, body: dict[str, Any], usage: Usage | None) -> GraphError:
    raw_error = body.get("error")
    error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    message = str(error.get("message") or response.reason_phrase)[:300]
    kind = classify(
        status=response.status_code,
        code=code,
        subcode=subcode,
        transient=bool(error.get("is_transient")),
    )
    retry_after = usage.regain_seconds if usage is not None else None
    header = _int(response.headers.get("Retry-After"))
    if retry_after is None and header is not None and header > 0:
        retry_after = float(header)
    sub = f"/{subcode}" if subcode is not None else ""
    return GraphError(
        f"Graph API {response.status_code} (code {code}{sub}): {message}",
        status=response.status_code,
        kind=kind,
        code=code,
        subcode=subcode,
        retry_after=retry_after,
    )


# --- where a reply goes ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyPlace:
    """Where a reply is posted and where a retry looks for an earlier attempt (the same place)."""

    path: str  # POST here
    lookup: str  # GET here: the replies listed under the comment the reply went to
    text_field: str  # "text" (Instagram) or "message" (Facebook)
    extra: dict[str, str] = field(default_factory=dict)
    address: str = ""  # "@username " when the reply lands under someone else's comment

    def message(self, text: str) -> str:
        text = text.strip()
        if self.address and not text.lower().startswith(self.address.strip().lower()):
            return self.address + text
        return text


def instagram_place(comment: Comment) -> ReplyPlace:
    """Instagram threads are one level deep: "replies to a reply will be added to the top-level
    comment" (IG Comment Replies reference), so a reply to a reply goes to its top-level comment,
    addressed to the citizen, and a retry looks there.

    A comment @mentioning the account on someone else's media is answered through
    `POST /{ig-user-id}/mentions` (Mentions guide); the reply appears under that comment.
    """
    extra = comment.extra or {}
    if extra.get("mention") and extra.get("meta_entry_id"):
        return ReplyPlace(
            path=f"{extra['meta_entry_id']}/mentions",
            lookup=f"{comment.external_id}/replies",
            text_field="text",
            extra={"comment_id": comment.external_id, "media_id": comment.post_id or ""},
        )
    if comment.parent_id:
        return ReplyPlace(
            path=f"{comment.parent_id}/replies",
            lookup=f"{comment.parent_id}/replies",
            text_field="text",
            address=f"@{comment.author} " if _handle(comment.author) else "",
        )
    return ReplyPlace(
        path=f"{comment.external_id}/replies",
        lookup=f"{comment.external_id}/replies",
        text_field="text",
    )


# Instagram user names: letters, digits, dots and underscores, up to 30 characters.
_IG_HANDLE = re.compile(r"[A-Za-z0-9._]{1,30}")


def _handle(name: str | None) -> bool:
    """Whether a comment's author can be addressed as `@name` (anything else is left out)."""
    return bool(name) and _IG_HANDLE.fullmatch(name or "") is not None


def facebook_place(comment: Comment, node: dict[str, Any] | None) -> ReplyPlace:
    """Facebook: reply under the comment, or under its parent when it cannot take replies.

    `node` is the comment read with `can_comment,parent{id}` (Comment reference: a reply to a
    reply has `can_comment` false); None for a top-level comment, which always takes replies.
    """
    target = comment.external_id
    if node is not None and node.get("can_comment") is False:
        raw_parent = node.get("parent")
        parent: dict[str, Any] = raw_parent if isinstance(raw_parent, dict) else {}
        target = str(parent.get("id") or comment.parent_id or target)
    return ReplyPlace(path=f"{target}/comments", lookup=f"{target}/comments", text_field="message")
