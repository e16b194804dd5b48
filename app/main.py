"""Application factory and lifespan. Nothing heavy runs at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__
from app.api import include_routers
from app.comments.pipeline import ProcessingBatcher
from app.config import Settings, get_settings
from app.db import engine_from_settings
from app.drafting.drafter import Drafter, load_drafter
from app.errors import AppError, DatabaseBusy
from app.keys.cache import KeyCache
from app.middleware import AdmissionMiddleware, BodyLimitMiddleware, MetricsMiddleware
from app.nlp.batching import BatchingClassifier
from app.nlp.classifier import Classifier, load_classifier
from app.openapi import declare_error_responses
from app.ratelimit import ApiRateLimiter
from app.web.security import install_web

log = logging.getLogger("tanggap")

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "overloaded",
}


def _envelope(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": details}}, status_code=status
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(exc.to_body(), status_code=exc.status_code, headers=exc.headers())

    @app.exception_handler(sa_exc.TimeoutError)
    async def pool_timeout(_: Request, exc: sa_exc.TimeoutError) -> JSONResponse:
        log.warning("db.pool.timeout %s", exc)
        err = DatabaseBusy(retry_after=app.state.settings.retry_after_seconds)
        return JSONResponse(err.to_body(), status_code=err.status_code, headers=err.headers())

    @app.exception_handler(sa_exc.DataError)
    @app.exception_handler(OverflowError)
    async def out_of_range(_: Request, exc: Exception) -> JSONResponse:
        # The last line of defence for input the edge let through: a number beyond the column
        # (PostgreSQL int4, SQLite int8) or a NUL byte in a PostgreSQL text field.
        log.info("db.value_rejected %s", type(exc).__name__)
        return _envelope(422, "value_out_of_range", "A value does not fit the database.")

    @app.exception_handler(sa_exc.OperationalError)
    async def db_unavailable(_: Request, exc: sa_exc.OperationalError) -> JSONResponse:
        # "database is locked" past the busy timeout, or the server unreachable: both pass.
        log.warning("db.operational %s", type(exc.orig).__name__)
        err = DatabaseBusy(retry_after=app.state.settings.retry_after_seconds)
        return JSONResponse(err.to_body(), status_code=err.status_code, headers=err.headers())

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _envelope(400, "malformed_json", "Request body is not valid JSON.")
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in errors
        ]
        return _envelope(422, "validation_error", "Request validation failed.", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(
            exc.__cause__, RecursionError | ValueError | UnicodeDecodeError
        ):
            # FastAPI's "error parsing the body": nested too deep for the parser, or not UTF-8
            return _envelope(400, "malformed_json", "Request body is not valid JSON.")
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        details = getattr(exc, "details", None)
        return _envelope(exc.status_code, code, str(exc.detail), details)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("http.unhandled", exc_info=exc)
        return _envelope(500, "internal_error", "Internal server error.")


def _warn_graph_versions(engine: Engine, settings: Settings) -> None:
    """Log a warning for Graph API versions within 60 days of their end (or past it)."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from app.integrations.connections import version_warnings
    from app.tables import utcnow

    try:
        with Session(engine) as session:
            found = version_warnings(session=session, settings=settings, today=utcnow().date())
    except SQLAlchemyError:  # not migrated yet: the settings still say something
        from app.integrations.versions import version_warning

        found = [
            w for w in [version_warning(settings.meta_api_version, today=utcnow().date())] if w
        ]
    for warning in found:
        log.warning("meta.graph_version %s", warning)


def _operation_id(route: APIRoute) -> str:
    return route.name


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    classifier: Classifier | None = None,
    drafter: Drafter | None = None,
    start_worker: bool | None = None,
) -> FastAPI:
    """Build the app. Components not given are loaded in the lifespan from settings."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # More threads than admitted requests, so none waits on a thread while holding a connection.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.thread_pool_size
        app.state.engine = engine or engine_from_settings(settings)
        inner = classifier or load_classifier(
            settings.model_dir,
            settings.classifier_backend,
            threads=settings.inference_threads,
            quantize=settings.classifier_quantize,
        )
        inner.warmup()
        # Requests and the worker share one inference thread that batches their texts.
        batcher = BatchingClassifier(
            inner,
            max_batch_texts=settings.inference_max_batch_texts,
            max_wait_ms=settings.inference_max_wait_ms,
            max_queue_texts=settings.inference_max_queue_texts,
        ).start()
        app.state.classifier = batcher
        app.state.drafter = drafter or load_drafter(settings)
        processing = None
        if settings.processing_batching:
            processing = ProcessingBatcher(
                engine=app.state.engine,
                classifier=app.state.classifier,
                drafter=app.state.drafter,
                settings=settings,
                max_batch=settings.processing_max_batch,
                max_wait_ms=settings.processing_max_wait_ms,
                max_queue=settings.processing_max_queue,
            ).start()
        app.state.processing = processing
        log.info("app.ready model=%s", app.state.classifier.model_version)
        _warn_graph_versions(app.state.engine, settings)
        worker = None
        run_worker = settings.worker_in_process if start_worker is None else start_worker
        http = httpx.Client(timeout=settings.http_timeout_seconds)
        if run_worker:
            from app.outbox.worker import JobContext, Worker

            worker = Worker(
                JobContext(
                    settings=settings,
                    engine=app.state.engine,
                    classifier=app.state.classifier,
                    drafter=app.state.drafter,
                    http=http,
                )
            )
            worker.start()
        app.state.worker = worker
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            if processing is not None:
                processing.stop()
            batcher.stop()
            http.close()
            if engine is None:
                app.state.engine.dispose()

    app = FastAPI(
        title="Tanggap",
        version=__version__,
        description="Reply assistant for Indonesian government social-media admins.",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    app.state.rate_limiter = ApiRateLimiter(settings.api_rate_limit)
    app.state.key_cache = KeyCache(ttl_seconds=settings.api_key_cache_seconds)
    install_error_handlers(app)
    include_routers(app)
    declare_error_responses(app)
    install_web(app, settings)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        AdmissionMiddleware,
        limit=settings.max_concurrent_requests,
        max_waiting=settings.max_waiting_requests,
        wait_seconds=settings.request_wait_seconds,
        retry_after=settings.retry_after_seconds,
    )
    return app
