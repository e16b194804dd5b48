"""Settings: the only place that reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration, read from `TANGGAP_*` environment variables (and `.env`)."""

    model_config = SettingsConfigDict(env_prefix="TANGGAP_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'tanggap.db'}"
    database_echo: bool = False

    # Model and prompts
    model_dir: Path = ROOT / "models" / "tanggap-mini"
    classifier_backend: Literal["auto", "transformer", "keyword"] = "auto"
    prompts_dir: Path = ROOT / "prompts"
    knowledge_dir: Path = ROOT / "prompts" / "knowledge"
    default_tone: Literal["santai", "netral", "formal"] = "santai"
    default_account: str = "default"
    # Ingest to an account that is not registered (nor the default one): 422 unless this is true
    auto_create_accounts: bool = False
    abusive_reply: Literal["calm", "none"] = "calm"

    # Limits (documented in the README)
    max_text_chars: int = 5000
    max_batch_items: int = 500
    max_body_bytes: int = 2 * 1024 * 1024
    page_size_max: int = 200

    # Concurrency (docs/operations.md): requests that may run at once, the waiting room in front of
    # them, and the database pool sized from them, so a request never waits on a connection that
    # a request waiting on a thread holds. Every wait is short and ends in a 503 with Retry-After.
    serve_workers: int = Field(default=1, ge=1, le=64)  # `tanggap serve` processes
    max_concurrent_requests: int = Field(default=16, ge=1, le=512)
    max_waiting_requests: int = Field(default=64, ge=0)
    request_wait_seconds: float = Field(default=0.5, gt=0)
    db_pool_reserve: int = Field(default=5, ge=2)  # worker, processing, /readyz, exports
    db_pool_timeout_seconds: float = Field(default=2.0, gt=0)
    sqlite_busy_timeout_seconds: float = Field(default=5.0, gt=0)
    retry_after_seconds: int = Field(default=1, ge=1)

    # Micro-batched inference (app/nlp/batching.py): one inference thread, a bounded queue
    inference_max_batch_texts: int = Field(default=32, ge=1)
    inference_max_wait_ms: float = Field(default=2.0, ge=0)
    inference_max_queue_texts: int = Field(default=1024, ge=1)
    # torch intra-op threads; 0 = auto: 1 for an int8 model (one text per pass, where thread
    # hand-offs cost more than they gain), one per core for a float32 model
    inference_threads: int = Field(default=0, ge=0, le=64)
    # int8 (dynamic quantisation, one text per pass) or float32; None: the model folder's
    # `tanggap_quantize` (the shipped model: float32, the more accurate path)
    classifier_quantize: bool | None = None
    # Micro-batched processing of API ingests (app/comments/pipeline.py): concurrent requests'
    # comments are classified, drafted and committed together; a request waits at most
    # processing_wait_seconds, then its comment's safety-net job finishes the work.
    processing_batching: bool = True
    processing_max_batch: int = Field(default=32, ge=1)
    processing_max_wait_ms: float = Field(default=3.0, ge=0)
    processing_max_queue: int = Field(default=256, ge=1)
    processing_wait_seconds: float = Field(default=10.0, gt=0)

    # Worker (durable job table on the same database)
    worker_in_process: bool = True
    worker_poll_seconds: float = 0.5
    worker_batch_size: int = 20
    # PostgreSQL: the worker re-analyses a hot table once this many rows (and 10% of it) changed
    # since its last ANALYZE, checked at most every db_analyze_check_seconds (0 = never): a table
    # filled by a burst would otherwise be planned without statistics until autovacuum comes by.
    db_analyze_check_seconds: float = Field(default=30.0, ge=0)
    db_analyze_min_changes: int = Field(default=1000, ge=1)
    job_max_attempts: int = 8
    job_backoff_base_seconds: float = 2.0
    job_backoff_max_seconds: float = 600.0
    # an API comment is processed inline; its safety-net job runs after this if that never ends
    inline_grace_seconds: float = Field(default=60.0, ge=0)

    # Web UI
    secret_key: SecretStr = SecretStr("")
    session_max_age_seconds: int = 12 * 3600
    sla_first_response_hours: float = 72.0  # LAPOR!: first response within 3 days
    session_cookie_secure: bool = False  # set true behind HTTPS: the cookie gets `Secure`
    display_timezone: str = "Asia/Jakarta"  # SLA clocks and dashboard day buckets
    # An approval's platform job waits this long, so the reviewer can undo it
    publish_delay_seconds: float = 10.0

    # Meta (Instagram / Facebook)
    meta_verify_token: SecretStr = SecretStr("")
    meta_app_secret: SecretStr = SecretStr("")
    meta_page_token: SecretStr = SecretStr("")
    meta_page_tokens: dict[str, SecretStr] = Field(default_factory=dict)
    meta_page_ids: list[str] = Field(default_factory=list)
    meta_graph_url: str = "https://graph.facebook.com"
    # Newest Graph version (July 2026, no end date yet): app/integrations/versions.py
    meta_api_version: str = "v26.0"
    # Retries in the worker before the job goes back to the queue (5xx, timeouts, short throttles)
    meta_retry_attempts: int = 3
    meta_retry_inline_max_seconds: float = 30.0  # longer waits reschedule the job instead
    meta_throttle_min_seconds: float = 60.0  # wait after a throttling error that gives no time
    # X-App-Usage / X-Business-Use-Case-Usage above this percentage pause the account's queue
    meta_usage_slowdown_percent: float = 90.0
    meta_usage_pause_seconds: float = 300.0
    # Public replies per account per hour (Instagram allows 750 replies on posts and reels)
    meta_replies_per_hour: int = 750
    # Page / Instagram account id (webhook entry id) -> Tanggap account name
    meta_accounts: dict[str, str] = Field(default_factory=dict)

    # Chatwoot
    chatwoot_url: str = ""
    chatwoot_api_token: SecretStr = SecretStr("")
    chatwoot_webhook_secret: SecretStr = SecretStr("")
    # Chatwoot account id -> Tanggap account name
    chatwoot_accounts: dict[str, str] = Field(default_factory=dict)
    chatwoot_labels: bool = True  # also label the conversation intent-*/sentiment-*
    # "open": after the first note, hand a bot's `pending` conversation to the agents
    chatwoot_handoff: Literal["none", "open"] = "none"

    # Chatwoot webhooks without a secret are refused unless this is set (a trusted network only)
    chatwoot_allow_unsigned: bool = False
    # Outgoing webhooks may only reach public addresses; these hosts or networks (CIDR) may be
    # private, e.g. ["hooks.internal", "10.1.2.0/24"] (docs/operations.md)
    webhook_allowed_targets: list[str] = Field(default_factory=list)

    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDRs); empty: none
    trusted_proxies: list[str] = Field(default_factory=list)
    # Per-key (or per-user) API rate limit, `limits` notation: "3000/minute", "50/second"
    api_rate_limit: str = "3000/minute"
    # A verified API key is remembered this long (app/keys/cache.py): a key revoked by another
    # process or replica keeps working here for at most this many seconds; 0 = look up every call
    api_key_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    # Failed logins: per user and address, per address, and per user from anywhere (window)
    login_failures_per_user_address: int = 5
    login_failures_per_address: int = 20
    login_failures_per_user: int = 10
    login_window_seconds: float = 300.0

    # Signed webhooks (in and out): how old a signed timestamp may be
    webhook_tolerance_seconds: int = 300

    # Outgoing HTTP
    http_timeout_seconds: float = 10.0

    # Optional LLM polishing backend (OpenAI-compatible chat completions)
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout_seconds: float = 8.0

    log_level: str = "INFO"

    @model_validator(mode="after")
    def _production_needs_secret_key(self) -> Settings:
        if self.environment == "production" and not self.secret_key.get_secret_value():
            raise ValueError("TANGGAP_SECRET_KEY must be set when TANGGAP_ENVIRONMENT=production")
        return self

    @property
    def db_pool_size(self) -> int:
        """Connections: one per admitted request plus the reserve."""
        return self.max_concurrent_requests + self.db_pool_reserve

    @property
    def thread_pool_size(self) -> int:
        """Worker threads for sync routes: every admitted request plus unmetered probes."""
        return max(40, self.max_concurrent_requests + 8)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached)."""
    return Settings()
