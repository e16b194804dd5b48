"""Declare the error answers in the OpenAPI schema: every one uses the one error envelope."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. `draft_not_found`.")
    message: str = Field(description="Human-readable explanation (English).")
    details: Any = Field(default=None, description="Code-specific data, or null.")


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer."""

    error: ErrorDetail


_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    }
}
_DESCRIPTIONS = {
    400: "Malformed request (`bad_request`, `malformed_json`)",
    401: "Missing or invalid credentials or webhook signature",
    403: "Role not allowed, CSRF token missing, or webhook signature invalid",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict (`invalid_transition`, `last_admin_key`, …)",
    413: "Request body too large (`payload_too_large`)",
    415: "Unsupported media type",
    422: "Validation failed (`validation_error`, `value_out_of_range`)",
    429: "Rate limited (`rate_limited`) or the inference queue is full (`overloaded`)",
    500: "Unexpected server error (`internal_error`)",
    503: "Busy or not ready (`server_busy`, `database_busy`, `model_not_ready`)",
}
_API = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503)
_PROBES = (500, 503)


def _response(status: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "description": _DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    if status in (429, 503):
        entry["headers"] = _RETRY_AFTER
    return entry


def declare_error_responses(app: FastAPI) -> None:
    """Add the error answers, all with the envelope's schema, to every documented operation.

    FastAPI's own 422 (`HTTPValidationError`) is replaced: our handler answers with the envelope.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        defs = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(defs.pop("$defs", {}))
        components["ErrorBody"] = defs
        for path, operations in schema.get("paths", {}).items():
            codes = _PROBES if path in ("/healthz", "/readyz", "/metrics") else _API
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status in codes:
                    if status == 422 or str(status) not in responses:
                        responses[str(status)] = _response(status)
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
