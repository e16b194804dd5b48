"""The job registry: which module handles every job kind (the outbox worker reads it).

Producers enqueue a `JobKind`; the worker looks its handler up here. A dead handler records what
a job that gave up means for its subject (a draft that could not be published, say). A kind
with a batch handler has the due jobs the worker claimed together run in one transaction
(comments delivered by webhooks are classified and drafted as one batch); if that fails, they
run one by one through the plain handler.
"""

from __future__ import annotations

from app.comments import tasks as comments
from app.drafts import tasks as drafts
from app.integrations import tasks as integrations
from app.outbox.jobs import DeadHandler, Handler, JobKind

HANDLERS: dict[str, Handler] = {
    JobKind.COMMENT_PROCESS: comments.handle_process,
    JobKind.REPLY_PUBLISH: drafts.publish_reply,
    JobKind.COMMENT_HIDE: drafts.hide_comment,
    JobKind.EVENT_DISPATCH: integrations.dispatch_event,
    JobKind.WEBHOOK_DELIVER: integrations.deliver_webhook,
    JobKind.CHATWOOT_NOTE: integrations.chatwoot_note,
    JobKind.META_MENTION: integrations.read_mention,
}

BATCH_HANDLERS: dict[str, Handler] = {
    JobKind.COMMENT_PROCESS: comments.handle_process,  # takes "comment_ids"
}

DEAD_HANDLERS: dict[str, DeadHandler] = {
    JobKind.REPLY_PUBLISH: drafts.publish_failed,
    JobKind.COMMENT_HIDE: drafts.publish_failed,
    JobKind.WEBHOOK_DELIVER: integrations.delivery_failed,
}
