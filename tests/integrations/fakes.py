"""Fake external services on 127.0.0.1: a Graph API, a Chatwoot and a webhook receiver.

Each runs a `ThreadingHTTPServer` in a thread, records every call, and can fail on demand
(`fail_next(n, status)`) or answer slowly (`delay_next(n, seconds)`: it does the work, then
waits before it answers).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


# A responder answers (status, body) or (status, body, extra headers).
Responder = Callable[[Call], tuple[int, Any] | tuple[int, Any, dict[str, str]]]


@dataclass
class _Fault:
    status: int | None = None
    body: Any = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    after_work: bool = False
    match: str | None = None  # only for calls whose "METHOD /path" matches this regex


@dataclass
class FakeServer:
    responder: Responder
    calls: list[Call] = field(default_factory=list)
    _faults: list[_Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                call = Call(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                with fake._lock:
                    fake.calls.append(call)
                    fault = fake._take_fault(f"{call.method} {call.path}")
                headers: dict[str, str] = {}
                if fault is not None and fault.after_work:
                    fake.responder(call)  # the work is done, the answer is an error
                if fault is not None and fault.status is not None:
                    status, payload, headers = fault.status, fault.body, fault.headers
                else:
                    answer = fake.responder(call)
                    status, payload = answer[0], answer[1]
                    headers = answer[2] if len(answer) > 2 else {}  # type: ignore[misc]
                if fault is not None and fault.delay:
                    time.sleep(fault.delay)  # the work is done; only the answer is late
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # client timed out
                    pass

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        with self._lock:
            for _ in range(n):
                self._faults.append(
                    _Fault(status=status, body=body or {"error": "injected"}, headers=headers or {})
                )

    def _take_fault(self, key: str) -> _Fault | None:
        for i, fault in enumerate(self._faults):
            if fault.match is None or re.fullmatch(fault.match, key):
                return self._faults.pop(i)
        return None

    def fail_after_work(self, status: int = 500, body: Any = None, match: str = ".*") -> None:
        """The next call matching `match` ("METHOD /path") does its work, then answers an error
        (Meta wrote it, then failed)."""
        with self._lock:
            self._faults.append(
                _Fault(
                    status=status,
                    body=body or {"error": "injected"},
                    after_work=True,
                    match=match,
                )
            )

    def delay_next(self, n: int = 1, seconds: float = 1.0) -> None:
        with self._lock:
            for _ in range(n):
                self._faults.append(_Fault(delay=seconds))

    def posts(self, path_pattern: str = ".*") -> list[Call]:
        rx = re.compile(path_pattern)
        return [c for c in self.calls if c.method == "POST" and rx.fullmatch(c.path)]


# Error bodies as Meta documents them: "Handling Errors"
# (developers.facebook.com/docs/graph-api/guides/error-handling) shows the envelope
# {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}; code 190 is an expired or
# revoked token, 100 an invalid parameter ("Secure Requests": calls without a valid
# appsecret_proof are refused when the app requires it).
TOKEN_EXPIRED = {
    "error": {
        "message": "Error validating access token: Session has expired on Friday, 04-Dec-26.",
        "type": "OAuthException",
        "code": 190,
        "error_subcode": 463,
        "fbtrace_id": "AbCdEfGhIjK",
    }
}
BAD_PROOF = {
    "error": {
        "message": "Invalid appsecret_proof provided in the API argument",
        "type": "GraphMethodException",
        "code": 100,
        "fbtrace_id": "AbCdEfGhIjL",
    }
}


def appsecret_proof(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


class GraphState:
    """Graph API: replies/comments edges create a reply (POST) and list them (GET); a bare node
    POST (hide) returns success, a node GET returns `nodes[id]` (e.g. `can_comment`, `parent`);
    `{ig-user}/mentions` replies under `comment_id`; `{ig-user}?fields=mentioned_comment...`
    returns `mentioned[comment_id]`. Replies are written as `owner_id`, the page itself.

    With `app_secret` set it behaves like an app with "Require App Secret": every call needs the
    right `appsecret_proof`. Tokens in `revoked` get the documented code 190 answer.
    """

    def __init__(self, owner_id: str, app_secret: str = "") -> None:
        self.owner_id = owner_id
        self.app_secret = app_secret
        self.replies: dict[str, list[dict[str, Any]]] = {}
        self.nodes: dict[str, dict[str, Any]] = {}
        self.mentioned: dict[str, dict[str, Any]] = {}
        self.revoked: set[str] = set()
        self.usage_headers: dict[str, str] = {}  # sent with every answer

    def __call__(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        status, body = self._answer(call)
        return status, body, dict(self.usage_headers)

    def _reply(self, parent: str, message: str, text_key: str) -> tuple[int, Any]:
        items = self.replies.setdefault(parent, [])
        reply_id = f"{parent}_reply" + (f"{len(items) + 1}" if items else "")
        items.append({"id": reply_id, text_key: message, "from": {"id": self.owner_id}})
        return 200, {"id": reply_id}

    def _answer(self, call: Call) -> tuple[int, Any]:
        auth = call.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return 400, {"error": {"message": "An access token is required", "code": 104}}
        token = auth.removeprefix("Bearer ")
        if token in self.revoked:
            return 400, TOKEN_EXPIRED
        args = {k: v[0] for k, v in call.query.items()}
        if call.method == "POST":
            args |= call.form()
        if self.app_secret and args.get("appsecret_proof") != appsecret_proof(
            self.app_secret, token
        ):
            return 400, BAD_PROOF
        segments = call.path.strip("/").split("/")  # [version, id, edge?]
        if len(segments) == 3 and segments[2] == "mentions" and call.method == "POST":
            if not args.get("comment_id") or not args.get("message"):
                return 400, {"error": {"message": "comment_id and message required", "code": 100}}
            return self._reply(args["comment_id"], args["message"], "text")
        if len(segments) == 3 and segments[2] in ("replies", "comments"):
            parent, edge = segments[1], segments[2]
            if call.method == "GET":
                return 200, {"data": self.replies.get(parent, [])}
            if call.method != "POST":
                return 404, {"error": {"message": "unsupported", "code": 100}}
            message = args.get("message")
            if not message:
                return 400, {"error": {"message": "message required", "code": 100}}
            return self._reply(parent, message, "text" if edge == "replies" else "message")
        if len(segments) == 2 and call.method == "POST":
            return 200, {"success": True}
        if len(segments) == 2 and call.method == "GET":
            fields = args.get("fields", "")
            m = re.match(r"mentioned_comment\.comment_id\(([^)]+)\)", fields)
            if m is not None:
                if m[1] not in self.mentioned:
                    return 400, {"error": {"message": "Invalid comment id", "code": 100}}
                return 200, {"mentioned_comment": self.mentioned[m[1]], "id": segments[1]}
            node = self.nodes.get(segments[1], {"can_comment": True})
            return 200, {"id": segments[1], **node}
        return 404, {"error": {"message": "unknown path", "code": 803}}


class ChatwootState:
    """Chatwoot's Application API as its source has it (chatwoot/chatwoot):

    - `AccessTokenAuthHelper::BOT_ACCESSIBLE_ENDPOINTS`: an agent-bot token may create messages
      and toggle_status; older versions do not list the labels controller, so a bot token gets
      `render_unauthorized('Access to this endpoint is not authorized for bots')` (401) there.
      Tokens in `bot_tokens` behave like that unless `bot_labels` is true (newer versions).
    - LabelConcern: POST `labels` replaces the list and answers `{"payload": [labels]}`.
    - `toggle_status.json.jbuilder`: `{"meta": {}, "payload": {"success", "conversation_id",
      "current_status"}}`; an agent bot moving `pending` to `open` is the bot hand-off.
    """

    def __init__(self) -> None:
        self.labels: dict[str, list[str]] = {}
        self.status: dict[str, str] = {}
        self.bot_tokens: set[str] = set()
        self.bot_labels = False
        self.next_id = 1000

    def __call__(self, call: Call) -> tuple[int, Any]:
        token = call.headers.get("api_access_token")
        if not token:
            return 401, {"error": "Invalid Access Token"}
        m = re.fullmatch(
            r"/api/v1/accounts/(\d+)/conversations/(\d+)/(messages|labels|toggle_status)",
            call.path,
        )
        if m is None:
            return 404, {"error": "not found"}
        key = f"{m[1]}/{m[2]}"
        if m[3] == "labels":
            if token in self.bot_tokens and not self.bot_labels:
                return 401, {"error": "Access to this endpoint is not authorized for bots"}
            if call.method == "POST":
                self.labels[key] = list(call.json()["labels"])
            return 200, {"payload": self.labels.get(key, [])}
        if m[3] == "toggle_status":
            self.status[key] = call.json()["status"]
            return 200, {
                "meta": {},
                "payload": {
                    "success": True,
                    "conversation_id": int(m[2]),
                    "current_status": self.status[key],
                },
            }
        self.next_id += 1
        return 200, {"id": self.next_id, **call.json()}


def ok_responder(call: Call) -> tuple[int, Any]:
    return 200, {"ok": True}
