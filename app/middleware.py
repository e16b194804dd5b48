"""ASGI middleware: admission (load shedding), request body limit and request metrics."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import anyio
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import AppError, PayloadTooLarge, ServerBusy
from app.metrics import HTTP_REQUESTS, HTTP_SECONDS, REQUESTS_IN_FLIGHT, REQUESTS_SHED

# Probes and static files are never queued: `/readyz` must answer while the API sheds load.
UNMETERED_PREFIXES = ("/healthz", "/readyz", "/metrics", "/static/")


async def send_error(send: Send, err: AppError) -> None:
    """Answer with the one error envelope, outside FastAPI (middleware)."""
    body = json.dumps(err.to_body()).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.lower().encode(), v.encode()) for k, v in err.headers().items()]
    await send({"type": "http.response.start", "status": err.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class AdmissionMiddleware:
    """At most `limit` requests run at once; a few more wait briefly; the rest get 503.

    This is what keeps the thread pool and the database pool from deadlocking: the pool holds
    `limit` + a reserve connections and the thread pool more than `limit` threads, so an admitted
    request always finds both. A request waits at most `wait_seconds` for a slot (and only while
    fewer than `max_waiting` others wait); otherwise it is answered `503 server_busy` with
    `Retry-After` at once, and the service is back to normal the moment the load stops.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        max_waiting: int,
        wait_seconds: float,
        retry_after: int,
    ) -> None:
        self.app = app
        self.limit = limit
        self.max_waiting = max_waiting
        self.wait_seconds = wait_seconds
        self.retry_after = retry_after
        self._slots: anyio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(UNMETERED_PREFIXES):
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:  # one gate per event loop (tests)
            self._slots, self._loop, self._waiting = anyio.Semaphore(self.limit), loop, 0
        slots = self._slots
        try:
            # a free slot is taken at once: the timed wait's cancel scope costs ~15 µs a request
            slots.acquire_nowait()
        except anyio.WouldBlock:
            if not await self._wait_for_slot(slots):
                await self._shed(send)
                return
        REQUESTS_IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send)
        finally:
            REQUESTS_IN_FLIGHT.dec()
            slots.release()

    async def _wait_for_slot(self, slots: anyio.Semaphore) -> bool:
        """Wait up to `wait_seconds` for a slot, unless `max_waiting` others wait already."""
        if self._waiting >= self.max_waiting:
            return False
        self._waiting += 1
        try:
            with anyio.move_on_after(self.wait_seconds):
                await slots.acquire()
                return True
            return False
        finally:
            self._waiting -= 1

    async def _shed(self, send: Send) -> None:
        REQUESTS_SHED.inc()
        await send_error(send, ServerBusy(retry_after=self.retry_after))


class _TooLarge(StarletteHTTPException):
    """Raised from `receive`: FastAPI re-raises HTTP exceptions met while reading a body, so a
    streamed (chunked) body over the limit ends as 413 like one with a Content-Length."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, "Request body too large.")
        self.details = {"max_bytes": max_bytes}


class BodyLimitMiddleware:
    """Answer 413 for bodies over `max_bytes`, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._reject(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        await send_error(send, PayloadTooLarge(details={"max_bytes": self.max_bytes}))


class MetricsMiddleware:
    """Count requests and time them per route template (not per raw path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route: Any = scope.get("route")
            name = getattr(route, "path", "unmatched")
            HTTP_REQUESTS.labels(scope["method"], name, str(status["code"])).inc()
            HTTP_SECONDS.labels(name).observe(time.perf_counter() - start)
