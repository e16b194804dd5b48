"""Fake external services on 127.0.0.1: a Graph API, a Chatwoot and a webhook receiver.

Each runs a `ThreadingHTTPServer` in a thread, records every call, and can fail on demand
(`fail_next(n, status)`) or answer slowly (`delay_next(n, seconds)`: it does the work, then
waits before it answers).
"""

from __future__ import annotations

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


Responder = Callable[[Call], tuple[int, Any]]


@dataclass
class _Fault:
    status: int | None = None
    body: Any = None
    delay: float = 0.0


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
                    fault = fake._faults.pop(0) if fake._faults else None
                if fault is not None and fault.status is not None:
                    status, payload = fault.status, fault.body
                else:
                    status, payload = fake.responder(call)
                if fault is not None and fault.delay:
                    time.sleep(fault.delay)  # the work is done; only the answer is late
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
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

    def fail_next(self, n: int = 1, status: int = 500, body: Any = None) -> None:
        with self._lock:
            for _ in range(n):
                self._faults.append(_Fault(status=status, body=body or {"error": "injected"}))

    def delay_next(self, n: int = 1, seconds: float = 1.0) -> None:
        with self._lock:
            for _ in range(n):
                self._faults.append(_Fault(delay=seconds))

    def posts(self, path_pattern: str = ".*") -> list[Call]:
        rx = re.compile(path_pattern)
        return [c for c in self.calls if c.method == "POST" and rx.fullmatch(c.path)]


class GraphState:
    """Graph API: replies/comments edges create a reply (POST) and list them (GET); a bare node
    POST (hide) returns success. Replies are written as `owner_id`, the page itself."""

    def __init__(self, owner_id: str) -> None:
        self.owner_id = owner_id
        self.replies: dict[str, list[dict[str, Any]]] = {}

    def __call__(self, call: Call) -> tuple[int, Any]:
        if not call.headers.get("authorization", "").startswith("Bearer "):
            return 400, {"error": {"message": "An access token is required", "code": 104}}
        segments = call.path.strip("/").split("/")  # [version, id, edge?]
        if len(segments) == 3 and segments[2] in ("replies", "comments"):
            parent, edge = segments[1], segments[2]
            if call.method == "GET":
                return 200, {"data": self.replies.get(parent, [])}
            if call.method != "POST":
                return 404, {"error": {"message": "unsupported", "code": 100}}
            message = call.form().get("message")
            if not message:
                return 400, {"error": {"message": "message required", "code": 100}}
            items = self.replies.setdefault(parent, [])
            reply_id = f"{parent}_reply" + (f"{len(items) + 1}" if items else "")
            text_key = "text" if edge == "replies" else "message"
            items.append({"id": reply_id, text_key: message, "from": {"id": self.owner_id}})
            return 200, {"id": reply_id}
        if len(segments) == 2 and call.method == "POST":
            return 200, {"success": True}
        return 404, {"error": {"message": "unknown path", "code": 803}}


class ChatwootState:
    def __init__(self) -> None:
        self.labels: dict[str, list[str]] = {}
        self.next_id = 1000

    def __call__(self, call: Call) -> tuple[int, Any]:
        if not call.headers.get("api_access_token"):
            return 401, {"error": "unauthorized"}
        m = re.fullmatch(r"/api/v1/accounts/(\d+)/conversations/(\d+)/(messages|labels)", call.path)
        if m is None:
            return 404, {"error": "not found"}
        key = f"{m[1]}/{m[2]}"
        if m[3] == "labels":
            if call.method == "POST":
                self.labels[key] = list(call.json()["labels"])
            return 200, {"payload": self.labels.get(key, [])}
        self.next_id += 1
        return 200, {"id": self.next_id, **call.json()}


def ok_responder(call: Call) -> tuple[int, Any]:
    return 200, {"ok": True}
