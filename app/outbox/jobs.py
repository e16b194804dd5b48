"""What producers and consumers of jobs share: the job kinds and what a handler receives."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.drafting.drafter import Drafter
from app.nlp.classifier import Classifier
from app.tables import Job, utcnow


class JobKind(StrEnum):
    """Every job kind; `app/tasks.py` says which module handles each."""

    COMMENT_PROCESS = "comment.process"
    REPLY_PUBLISH = "reply.publish"
    COMMENT_HIDE = "comment.hide"
    EVENT_DISPATCH = "event.dispatch"
    WEBHOOK_DELIVER = "webhook.deliver"
    CHATWOOT_NOTE = "chatwoot.note"
    META_MENTION = "meta.mention"


@dataclass
class JobContext:
    """What job handlers may use; built once per worker."""

    settings: Settings
    engine: Engine
    classifier: Classifier | None
    drafter: Drafter | None
    http: httpx.Client
    extra: dict[str, Any] = field(default_factory=dict)
    # Injected so tests can move time instead of waiting for it.
    clock: Callable[[], datetime] = utcnow
    sleep: Callable[[float], None] = time.sleep


# Handlers get the job's payload plus this key: which attempt this is (1 for the first).
ATTEMPT_KEY = "_attempt"

Handler = Callable[[Session, dict[str, Any], JobContext], dict[str, Any] | None]
DeadHandler = Callable[[Session, Job, JobContext], None]
