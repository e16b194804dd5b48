"""The reviewers' web UI: login, the moderation queue, comment detail and the dashboard.

Server-rendered pages and plain HTML forms (POST, then redirect back), each carrying the session's
CSRF token. Every decision goes through the same domain services as the JSON API; the page
modules only parse forms, pick Indonesian messages (`messages.py`) and render templates
(autoescaped: comment text is hostile input). `static/app.js` adds keyboard shortcuts and bulk
selection on top.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.web import admin, auth, comments, dashboard, queue

router = APIRouter(include_in_schema=False)
for page in (auth, queue, comments, dashboard, admin):
    router.include_router(page.router)
