"""Mount every resource router once."""

from fastapi import FastAPI

from app.accounts.router import router as accounts_router
from app.audit.router import router as audit_router
from app.comments.router import router as comments_router
from app.drafting.router import router as drafting_router
from app.drafts.router import router as drafts_router
from app.integrations import router as integrations
from app.kb.router import router as kb_router
from app.keys.router import router as keys_router
from app.ops.router import router as ops_router
from app.web.router import router as web_router


def include_routers(app: FastAPI) -> None:
    # First: `/classify` is the latency-bound route, and each router before it is matched in vain.
    app.include_router(drafting_router)
    app.include_router(ops_router)
    app.include_router(comments_router)
    app.include_router(drafts_router)
    # Before the accounts routes: `/accounts/connections` is not an account called "connections".
    app.include_router(integrations.connections_router)
    app.include_router(kb_router)
    app.include_router(accounts_router)
    app.include_router(audit_router)
    app.include_router(keys_router)
    app.include_router(web_router)
    app.include_router(integrations.inbound_router)
    app.include_router(integrations.subscriptions_router)
    app.include_router(integrations.transfer_router)
