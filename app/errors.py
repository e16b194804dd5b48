"""One error hierarchy and one JSON envelope: `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of every error the API reports on purpose; carries its HTTP status."""

    status_code = 400
    code = "bad_request"
    message = "Permintaan tidak valid."
    # Seconds for a `Retry-After` header (429 and 503 answers carry one).
    retry_after: int | None = None

    def __init__(
        self, message: str | None = None, *, details: Any = None, retry_after: int | None = None
    ) -> None:
        self.message = message or self.message
        self.details = details
        if retry_after is not None:
            self.retry_after = retry_after
        super().__init__(self.message)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}

    def to_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"


class MalformedJson(BadRequest):
    """A body that is not JSON, or JSON nested deeper than anyone sends."""

    code = "malformed_json"
    message = "Request body is not valid JSON."


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    message = "Missing or invalid credentials."


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "This role may not perform this action."


class InvalidSignature(AppError):
    """An incoming webhook whose signature is missing or wrong; nothing is stored."""

    status_code = 403
    code = "invalid_signature"
    message = "Webhook signature missing or invalid."


class MissingSignature(InvalidSignature):
    status_code = 401
    code = "missing_signature"
    message = "Webhook signature header missing."


class WebhookNotConfigured(InvalidSignature):
    code = "webhook_not_configured"
    message = "This webhook is not configured on the server."


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "Resource not found."


class CommentNotFound(NotFound):
    code = "comment_not_found"
    message = "Comment not found."


class DraftNotFound(NotFound):
    code = "draft_not_found"
    message = "Draft not found."


class SubscriptionNotFound(NotFound):
    code = "subscription_not_found"
    message = "Webhook subscription not found."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "The resource changed; reload and try again."


class InvalidTransition(Conflict):
    code = "invalid_transition"
    message = "The draft is no longer pending."


class UndoExpired(Conflict):
    code = "undo_expired"
    message = "Too late to undo: the approval is already being sent."


class LastAdminKey(Conflict):
    code = "last_admin_key"
    message = "The last active admin key cannot revoke itself; create another admin key first."


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"
    message = "Request body too large."


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_error"
    message = "Request validation failed."


class Overloaded(AppError):
    """The inference queue is full (as TEI and Infinity answer): retry after a moment."""

    status_code = 429
    code = "overloaded"
    message = "Too many requests; retry later."
    retry_after = 1


class RateLimited(AppError):
    """This key or address sent more requests than its limit allows."""

    status_code = 429
    code = "rate_limited"
    message = "Rate limit exceeded; retry later."
    retry_after = 1


class ServerBusy(AppError):
    """Every request slot stayed taken for the whole short wait: the server sheds load."""

    status_code = 503
    code = "server_busy"
    message = "The server is busy; retry later."
    retry_after = 1


class DatabaseBusy(AppError):
    """No database connection or lock came free within the short timeout."""

    status_code = 503
    code = "database_busy"
    message = "The database is busy; retry later."
    retry_after = 1


class ModelNotReady(AppError):
    status_code = 503
    code = "model_not_ready"
    message = "The classification model is not loaded yet."
    retry_after = 5


class TextEmpty(BadRequest):
    code = "text_empty"
    message = "Text must not be empty."


class TextTooLong(BadRequest):
    code = "text_too_long"
    message = "Text is too long."


class DraftDeclined(InvalidTransition):
    code = "draft_declined"
    message = "The drafter declined to draft this comment."
